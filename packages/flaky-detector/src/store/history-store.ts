import type { AttemptRecord, History, RunRecord } from '../model.js';

/** Where the history lives: a SQLite file (the default) or a PostgreSQL database. */
export interface HistoryStoreOptions {
  /** The SQLite file, relative to `cwd`. Default `.flaky-detector/history.sqlite`. */
  path?: string | undefined;
  /** A PostgreSQL URL (`postgres://...`); when set, `path` is ignored and `pg` must be installed. */
  url?: string | undefined;
  /** Folder `path` is relative to. Default `process.cwd()`. */
  cwd?: string | undefined;
  /**
   * Run SQLite's `PRAGMA quick_check` when opening the file (default true). It reads the whole file
   * (about 1 s for 10 M attempts); a writer that opens the store on every run may turn it off:
   * damage met while writing is still reported as FLAKY_CORRUPT_STORE.
   */
  quickCheck?: boolean | undefined;
}

/** Which part of the history to read. */
export interface HistoryQuery {
  /** Only the most recent runs, by start time. */
  lastRuns?: number | undefined;
  /** Only runs started at or after this ISO 8601 time. */
  since?: string | undefined;
  /** Only these test ids. */
  testIds?: readonly string[] | undefined;
}

/**
 * The test history: runs and every attempt in them. Writers on many processes (Jest shards, CI
 * machines) may write at once; each attempt is stored exactly once, keyed by run, test and attempt
 * number, so writing the same batch twice changes nothing.
 */
export interface HistoryStore extends AsyncDisposable {
  /** Where it is, for messages: the file path, or the URL with its password masked. */
  readonly location: string;
  /** Record a run (or update it: the same `runId` again replaces its fields, e.g. at its end). */
  recordRun(run: RunRecord): Promise<void>;
  /** Record attempts in one transaction: all of them or, if the process dies, none. */
  recordAttempts(attempts: readonly AttemptRecord[]): Promise<void>;
  /** Runs (oldest first) and their attempts. */
  history(query?: HistoryQuery): Promise<History>;
  close(): Promise<void>;
}
