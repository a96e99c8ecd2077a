import { isAbsolute, resolve } from 'node:path';
import { checks, countProblems, listOptionProblems, maskUrlCredentials, type OptionCheck } from '@proving-ground/kit';
import { FlakyError } from '../errors.js';
import type { HistoryStore, HistoryStoreOptions } from './history-store.js';
import type { HistorySource } from './history-source.js';
import { openPostgresStore } from './postgres-store.js';
import { openSqliteStore } from './sqlite-store.js';

/**
 * Where the SQLite store is when no `path` is given, relative to `cwd`.
 *
 * @example
 * join(process.cwd(), DEFAULT_STORE_PATH) // the file to cache between CI runs
 */
export const DEFAULT_STORE_PATH = '.flaky-detector/history.sqlite';

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

const OPTION_CHECKS: Readonly<Record<keyof HistoryStoreOptions, OptionCheck>> = {
  path: checks.string(),
  url: (value) =>
    typeof value === 'string' && POSTGRES_URL.test(value)
      ? undefined
      : `expected a postgres:// or postgresql:// URL, got ${typeof value === 'string' ? JSON.stringify(maskUrlCredentials(value)) : typeof value}`,
  cwd: checks.string(),
  quickCheck: checks.boolean(),
};

/** Whether `target` names a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(target: string): boolean {
  return POSTGRES_URL.test(target);
}

/**
 * Open the test history: the SQLite file `path` (default `.flaky-detector/history.sqlite` under
 * `cwd`, created with its folder when missing), or the PostgreSQL database at `url` (needs the
 * optional peer `pg`). Several processes may open and write the same store at once; close it when
 * done (or use `await using`).
 *
 * A file that is not a SQLite database or fails `PRAGMA quick_check` is refused with
 * FLAKY_CORRUPT_STORE and left untouched; a store written by a newer version with FLAKY_STORE_TOO_NEW.
 *
 * @example
 * await using store = await openHistoryStore({ path: '.flaky-detector/history.sqlite' });
 * await store.recordRun({ runId: 'ci-812-1', nodeVersion: process.version, os: process.platform, startedAt: new Date().toISOString() });
 * const { runs, attempts } = await store.history({ lastRuns: 50 });
 */
export async function openHistoryStore(options: HistoryStoreOptions = {}): Promise<HistoryStore> {
  return openHistorySource(options);
}

/** {@link openHistoryStore}, typed with the run-by-run reading `merge` and reports use. @internal */
export async function openHistorySource(options: HistoryStoreOptions, mode: { readOnly?: boolean } = {}): Promise<HistorySource> {
  const problems = listOptionProblems(options, OPTION_CHECKS);
  if (problems.length > 0) {
    throw new FlakyError('FLAKY_INVALID_STORE_OPTIONS', {
      action: 'open the history store',
      reason: countProblems(problems),
      details: problems,
      fix: `Pass \`path\` (a SQLite file, default ${DEFAULT_STORE_PATH}) or \`url\` (postgres://...), and optionally \`cwd\``,
    });
  }
  const cwd = options.cwd ?? process.cwd();
  if (options.url !== undefined) return openPostgresStore(options.url, cwd);
  const path = options.path ?? DEFAULT_STORE_PATH;
  return openSqliteStore(isAbsolute(path) ? path : resolve(cwd, path), { ...mode, quickCheck: options.quickCheck ?? true });
}
