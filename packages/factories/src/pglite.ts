import { isModuleNotFound, nativeRequireFromProject } from '@proving-ground/kit';
import { FactoriesError } from './errors.js';
import type { SqlQueryable } from './sql-adapter.js';

/**
 * The part of a PGlite instance {@link openPGlite} promises, typed without the optional peer. Pass the
 * full type as its type argument (`openPGlite<PGlite>()`, with `import type` so nothing is loaded).
 *
 * @example
 * const db: EmbeddedDatabase = await openPGlite(); await db.exec('CREATE TABLE t (id serial)')
 */
export interface EmbeddedDatabase extends SqlQueryable {
  exec(sql: string): Promise<unknown>;
  close(): Promise<void>;
}

const PGLITE = '@electric-sql/pglite';

/**
 * Require `specifier` with Node's own loader, from the project first, then from this package. Jest
 * replaces `createRequire` in test code, but Node's own loader runs outside Jest's sandbox: there
 * PGlite's `import()` calls work without `--experimental-vm-modules`.
 */
function requireNatively(specifier: string): unknown {
  try {
    return nativeRequireFromProject(specifier);
  } catch (error) {
    if (!isModuleNotFound(error, specifier)) throw error;
    throw new FactoriesError(
      'FACTORIES_MISSING_PEER',
      {
        action: 'open PGlite',
        reason: `the optional peer "${specifier}" is not installed`,
        fix: `Run \`npm install --save-dev ${specifier}\`.`,
      },
      { cause: error },
    );
  }
}

const isDate = (value: unknown): value is Date => Object.prototype.toString.call(value) === '[object Date]';

/** A row of the native realm with its dates made in this one, so `toBeInstanceOf(Date)` holds in the test. */
function localRow(row: unknown): unknown {
  if (typeof row !== 'object' || row === null) return row;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row))
    copy[key] = isDate(value) && !(value instanceof Date) ? new Date((value as Date).getTime()) : value;
  return copy;
}

/**
 * An in-memory PGlite database that opens in both Jest modes: `PGlite.create()` called from a test
 * in Jest's default CommonJS mode throws `ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING_FLAG` (PGlite loads
 * parts of itself with `import()`), so this loads `@electric-sql/pglite` (an optional peer) with
 * Node's own loader. Its `query` takes and returns dates of the test's realm; other methods are PGlite's.
 *
 * @param options - PGlite's options (`dataDir`, `extensions`, ...); in memory by default
 * @example
 * import type { PGlite } from '@electric-sql/pglite'
 * const db = await openPGlite<PGlite>(); await db.exec('CREATE TABLE products (id serial PRIMARY KEY)')
 */
export async function openPGlite<Db extends EmbeddedDatabase = EmbeddedDatabase>(options: Record<string, unknown> = {}): Promise<Db> {
  const { PGlite } = requireNatively(PGLITE) as { PGlite: { create(options: object): Promise<Db> } };
  const db = await PGlite.create(options);
  const query = async (text: string, params?: unknown[], ...rest: unknown[]): Promise<{ rows: unknown[] }> => {
    // PGlite serializes only its own realm's dates as timestamps: hand it the ISO text it would send.
    const values = params?.map((value) => (isDate(value) ? value.toISOString() : value));
    const result = await (db.query as (...args: unknown[]) => Promise<{ rows: unknown[] }>).call(db, text, values, ...rest);
    return { ...result, rows: result.rows.map(localRow) };
  };
  return new Proxy(db, {
    get(target, property) {
      if (property === 'query') return query;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
