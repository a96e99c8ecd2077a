/**
 * The SQLite layout, version 2 (`PRAGMA user_version`). Tests, fingerprints and runs are interned
 * once and attempts refer to them by small integers: an attempt row is a few bytes (SQLite stores
 * small integers in one or two bytes and 0/1 in none), and the attempts table is clustered on its
 * key (WITHOUT ROWID), so a run's attempts are read as one range and the key is not stored twice.
 * Version 2 added `failures`: the masked, bounded message and line of each test's distinct failure
 * (one row per test and fingerprint, the first seen), so the text is stored once, not per attempt.
 * Every statement is `IF NOT EXISTS`: running it on a version 1 store adds only what is new.
 */
export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL UNIQUE,
  commit_sha TEXT,
  lockfile_hash TEXT,
  node_version TEXT NOT NULL,
  os TEXT NOT NULL,
  ci_job TEXT,
  shard TEXT,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  totals TEXT,
  suite_errors INTEGER,
  coverage TEXT
);
CREATE INDEX IF NOT EXISTS runs_by_start ON runs (started_at, id);
CREATE TABLE IF NOT EXISTS tests (
  id INTEGER PRIMARY KEY,
  test_id TEXT NOT NULL UNIQUE,
  file TEXT NOT NULL,
  full_name TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS fingerprints (
  id INTEGER PRIMARY KEY,
  fingerprint TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS attempts (
  run INTEGER NOT NULL,
  test INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  status INTEGER NOT NULL,
  duration_ms NUMERIC NOT NULL,
  fingerprint INTEGER,
  PRIMARY KEY (run, test, attempt)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS failures (
  test INTEGER NOT NULL,
  fingerprint INTEGER NOT NULL,
  message TEXT,
  line INTEGER,
  PRIMARY KEY (test, fingerprint)
) WITHOUT ROWID;
`;

/** The run columns after `run_id`, in {@link RunColumns} order. */
export const SQLITE_RUN_COLUMNS =
  'commit_sha, lockfile_hash, node_version, os, ci_job, shard, started_at, finished_at, totals, suite_errors, coverage';
