import type * as sqlite from 'node:sqlite';
import { nativeRequire } from '@proving-ground/kit';

/** The `node:sqlite` module. */
export type NodeSqlite = typeof sqlite;

let loaded: NodeSqlite | undefined;

/**
 * `node:sqlite`, loaded on first use. Node 22 prints an ExperimentalWarning when the module loads;
 * that one warning is swallowed (a user sees it on every run otherwise), every other warning passes.
 */
export function nodeSqlite(): NodeSqlite {
  if (loaded !== undefined) return loaded;
  // Node's own process object: inside a Jest test, `process` is a copy, and Node warns through the original.
  const host = nativeRequire('node:process') as NodeJS.Process;
  const emitWarning = Reflect.get(host, 'emitWarning') as (...args: unknown[]) => void;
  host.emitWarning = function filteredWarning(this: NodeJS.Process, warning: string | Error, ...rest: unknown[]): void {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: unknown } | undefined)?.type;
    const text = typeof warning === 'string' ? warning : warning.message;
    const name = typeof warning === 'string' ? type : warning.name;
    if (name === 'ExperimentalWarning' && /SQLite/i.test(text)) return;
    emitWarning.call(this, warning, ...rest);
  };
  try {
    loaded = nativeRequire('node:sqlite') as NodeSqlite;
  } finally {
    host.emitWarning = emitWarning;
  }
  return loaded;
}
