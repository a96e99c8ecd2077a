import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { firstLine } from '@proving-ground/kit';
import { FlakyError } from '../errors.js';
import type { AttemptRecord, History, RunRecord } from '../model.js';
import { allocateColumns, emptyCatalog, failureKey, recordsOf, type AttemptCatalog, type RunColumnsEntry } from './attempt-columns.js';
import { collectHistory, type HistorySource, type RunWithAttempts } from './history-source.js';
import type { HistoryQuery } from './history-store.js';
import { nodeSqlite } from './node-sqlite.js';
import { SCHEMA_VERSION, STATUS_CODES, runColumns, runFromColumns, statusCode, unknownRunError } from './record-encoding.js';
import { groupByFile, type RunStartDigest, type RunStartDigestQuery } from './run-start-digest.js';
import { SQLITE_RUN_COLUMNS, SQLITE_SCHEMA } from './sqlite-schema.js';

/** Packing of test key, attempt number and status code into one number when reading (status < 16, attempt < 65,536). */
const PACK_ATTEMPT = 16;
const PACK_TEST = 2 ** 20;

/** How long a writer waits for another process's transaction before giving up. */
const BUSY_TIMEOUT_MS = 60_000;

/** The 16 bytes every SQLite database file starts with. */
const SQLITE_HEADER = 'SQLite format 3\u0000';

const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_READONLY = 8;
const SQLITE_CORRUPT = 11;
const SQLITE_CANTOPEN = 14;
const SQLITE_NOTADB = 26;

/** How a SQLite store is opened. */
export interface SqliteOpenOptions {
  /** Read an existing store without changing it (a `merge` source): never created, never migrated. */
  readOnly?: boolean;
  /** Run `PRAGMA quick_check` on an existing file first (default true). */
  quickCheck?: boolean;
}

/** The error for a store file that is not a usable store: names the file and how to recover, and says it was left alone. */
export function corruptStoreError(file: string, reason: string, cause?: unknown): FlakyError {
  return new FlakyError(
    'FLAKY_CORRUPT_STORE',
    {
      action: `open the history store "${file}"`,
      reason,
      fix:
        `The file was left as it is. Restore it from your CI cache or artifact, or move it aside (mv "${file}" "${file}.corrupt") ` +
        `and run again to start a new history; history kept in shard stores can be merged in again with ` +
        `\`flaky-detector merge --into "${file}" <shard stores...>\``,
    },
    cause === undefined ? undefined : { cause },
  );
}

/** The SQLite result code of a node:sqlite error (its primary code, without the extended bits). */
function sqliteCode(error: unknown): number | undefined {
  const code = (error as { errcode?: unknown } | null)?.errcode;
  return typeof code === 'number' ? code & 0xff : undefined;
}

/** `error` from node:sqlite as the package's error when it says something a user can act on; otherwise `error` itself. */
function storeFailure(error: unknown, file: string, action: string): unknown {
  const code = sqliteCode(error);
  if (code === SQLITE_CORRUPT || code === SQLITE_NOTADB) {
    return corruptStoreError(file, `SQLite reports "${firstLine(error)}"`, error);
  }
  if (code === SQLITE_BUSY || code === SQLITE_LOCKED) {
    return new FlakyError(
      'FLAKY_STORE_UNREACHABLE',
      {
        action: `${action} "${file}"`,
        reason: `another process held it for more than ${BUSY_TIMEOUT_MS / 1000} s`,
        fix: 'Look for a hung process that has the file open; for many machines writing at once, use a PostgreSQL store (`url`).',
      },
      { cause: error },
    );
  }
  if (code === SQLITE_CANTOPEN || code === SQLITE_READONLY) {
    return new FlakyError(
      'FLAKY_STORE_UNREACHABLE',
      { action: `${action} "${file}"`, reason: firstLine(error), fix: 'Check that the folder exists and is writable.' },
      { cause: error },
    );
  }
  return error;
}

/** Whether `file` starts like a SQLite database (an empty file is a new store). */
function looksLikeSqlite(file: string): boolean {
  const size = statSync(file).size;
  if (size === 0) return true;
  const header = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  return size >= 16 && header.toString('latin1') === SQLITE_HEADER;
}

/**
 * Open (or create) the SQLite store at `file`: WAL mode so readers never block the writer and a
 * killed writer leaves only an uncommitted tail that SQLite drops, a busy timeout so concurrent
 * writer processes queue instead of failing, and the schema created or checked.
 */
export function openSqliteStore(file: string, options: SqliteOpenOptions = {}): SqliteHistoryStore {
  const readOnly = options.readOnly === true;
  const exists = existsSync(file);
  if (readOnly && !exists) {
    throw new FlakyError('FLAKY_STORE_UNREACHABLE', {
      action: `read the history store "${file}"`,
      reason: 'there is no such file',
      fix: 'Check the path; a shard store is written where the reporter ran (by default .flaky-detector/history.sqlite).',
    });
  }
  if (exists && !looksLikeSqlite(file)) throw corruptStoreError(file, 'it is not a SQLite database');
  if (!exists) mkdirSync(dirname(file), { recursive: true });
  const { DatabaseSync } = nodeSqlite();
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(file, { readOnly });
  } catch (error) {
    throw storeFailure(error, file, 'open the history store');
  }
  try {
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Reading the schema fails at once on a file that only starts like SQLite.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    if (exists && options.quickCheck !== false) {
      const check = db.prepare('PRAGMA quick_check').all() as { quick_check: string }[];
      if (check.length !== 1 || check[0]?.quick_check !== 'ok') {
        throw corruptStoreError(file, `PRAGMA quick_check reports "${check.map((row) => row.quick_check).join('; ')}"`);
      }
    }
    const version = userVersion(db);
    if (version > SCHEMA_VERSION) throw tooNewError(file, version);
    if (readOnly) {
      if (version === 0) throw corruptStoreError(file, 'it is a SQLite database but holds no flaky-detector history');
    } else {
      db.exec('PRAGMA journal_mode = WAL');
      db.exec('PRAGMA synchronous = NORMAL');
      if (version < SCHEMA_VERSION) createSchema(db, file);
    }
  } catch (error) {
    db.close();
    throw storeFailure(error, file, 'open the history store');
  }
  return new SqliteHistoryStore(db, file);
}

function userVersion(db: DatabaseSync): number {
  return Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
}

function tooNewError(file: string, version: number): FlakyError {
  return new FlakyError('FLAKY_STORE_TOO_NEW', {
    action: `open the history store "${file}"`,
    reason: `it has schema version ${version}, and this flaky-detector reads up to version ${SCHEMA_VERSION}`,
    fix: 'Upgrade @proving-ground/flaky-detector to the version that wrote it.',
  });
}

/**
 * Create the tables, or add what a newer version needs to an older store (version 1 to 2 adds the
 * `failures` table; nothing existing is changed), once: the first of several processes opening the
 * store at once does it in one transaction, the others then see the new version.
 */
function createSchema(db: DatabaseSync, file: string): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    const version = userVersion(db);
    if (version > SCHEMA_VERSION) throw tooNewError(file, version);
    if (version < SCHEMA_VERSION) {
      db.exec(SQLITE_SCHEMA);
      db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    }
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

interface Statements {
  upsertRun: StatementSync;
  runKey: StatementSync;
  testKey: StatementSync;
  insertTest: StatementSync;
  fingerprintKey: StatementSync;
  insertFingerprint: StatementSync;
  insertAttempt: StatementSync;
  insertFailure: StatementSync;
}

/** Rows as arrays where node:sqlite offers it (Node >= 22.16): no object per row. */
function asArrays(statement: StatementSync): (rows: unknown) => unknown[] {
  const withArrays = statement as StatementSync & { setReturnArrays?: (enabled: boolean) => void };
  if (typeof withArrays.setReturnArrays === 'function') {
    withArrays.setReturnArrays(true);
    return (row) => row as unknown[];
  }
  return (row) => Object.values(row as Record<string, unknown>);
}

/** A {@link HistoryStore} in a SQLite file (node:sqlite). Open it with `openHistoryStore()`. */
export class SqliteHistoryStore implements HistorySource {
  readonly location: string;
  readonly #db: DatabaseSync;
  #statements: Statements | undefined;
  readonly #runKeys = new Map<string, number>();
  readonly #testKeys = new Map<string, number>();
  readonly #fingerprintKeys = new Map<string, number>();
  /** Failures (test and fingerprint keys) whose text this store wrote or found already there. */
  readonly #failureKeys = new Set<number>();
  #closed = false;

  constructor(db: DatabaseSync, file: string) {
    this.#db = db;
    this.location = file;
  }

  get #sql(): Statements {
    this.#statements ??= {
      upsertRun: this.#db.prepare(
        `INSERT INTO runs (run_id, ${SQLITE_RUN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_id) DO UPDATE SET ${SQLITE_RUN_COLUMNS.split(', ')
           .map((column) => `${column} = excluded.${column}`)
           .join(', ')}`,
      ),
      runKey: this.#db.prepare('SELECT id FROM runs WHERE run_id = ?'),
      testKey: this.#db.prepare('SELECT id FROM tests WHERE test_id = ?'),
      insertTest: this.#db.prepare('INSERT INTO tests (test_id, file, full_name) VALUES (?, ?, ?) ON CONFLICT (test_id) DO NOTHING'),
      fingerprintKey: this.#db.prepare('SELECT id FROM fingerprints WHERE fingerprint = ?'),
      insertFingerprint: this.#db.prepare('INSERT INTO fingerprints (fingerprint) VALUES (?) ON CONFLICT (fingerprint) DO NOTHING'),
      insertAttempt: this.#db.prepare(
        'INSERT INTO attempts (run, test, attempt, status, duration_ms, fingerprint) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      insertFailure: this.#db.prepare('INSERT INTO failures (test, fingerprint, message, line) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    };
    return this.#statements;
  }

  recordRun(run: RunRecord): Promise<void> {
    return this.#guard('write a run to', () => {
      this.#sql.upsertRun.run(run.runId, ...runColumns(run));
    });
  }

  async recordAttempts(attempts: readonly AttemptRecord[]): Promise<void> {
    await this.writeAttempts(attempts);
  }

  writeAttempts(attempts: readonly AttemptRecord[]): Promise<number> {
    return this.#guard('write attempts to', () => {
      if (attempts.length === 0) return 0;
      const sql = this.#sql;
      // Keys looked up or interned in this transaction, forgotten again if it rolls back.
      const newKeys: [Map<string, number>, string, number][] = [];
      const newFailures: number[] = [];
      let added = 0;
      this.#db.exec('BEGIN IMMEDIATE');
      try {
        for (const attempt of attempts) {
          const status = statusCode(attempt.status, attempt.testId);
          const run = this.#runKey(attempt.runId, newKeys);
          const test = this.#internTest(attempt, newKeys);
          const fingerprint = attempt.errorFingerprint === undefined ? null : this.#internFingerprint(attempt.errorFingerprint, newKeys);
          added += Number(sql.insertAttempt.run(run, test, attempt.attempt, status, attempt.durationMs, fingerprint).changes);
          if (fingerprint !== null && (attempt.failureMessage !== undefined || attempt.failureLine !== undefined)) {
            const key = failureKey(test, fingerprint);
            if (!this.#failureKeys.has(key)) {
              // The first text of a test's failure is kept: later ones differ only in what the fingerprint ignores.
              sql.insertFailure.run(test, fingerprint, attempt.failureMessage ?? null, attempt.failureLine ?? null);
              this.#failureKeys.add(key);
              newFailures.push(key);
            }
          }
        }
        this.#db.exec('COMMIT');
      } catch (error) {
        if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
        for (const [keys, name] of newKeys) keys.delete(name);
        for (const key of newFailures) this.#failureKeys.delete(key);
        throw error;
      }
      return added;
    });
  }

  #runKey(runId: string, newKeys: [Map<string, number>, string, number][]): number {
    const cached = this.#runKeys.get(runId);
    if (cached !== undefined) return cached;
    const row = this.#sql.runKey.get(runId) as { id: number } | undefined;
    if (row === undefined) throw unknownRunError(runId, this.location);
    newKeys.push([this.#runKeys, runId, row.id]);
    this.#runKeys.set(runId, row.id);
    return row.id;
  }

  #internTest(attempt: AttemptRecord, newKeys: [Map<string, number>, string, number][]): number {
    const cached = this.#testKeys.get(attempt.testId);
    if (cached !== undefined) return cached;
    this.#sql.insertTest.run(attempt.testId, attempt.file, attempt.fullName);
    const { id } = this.#sql.testKey.get(attempt.testId) as { id: number };
    this.#testKeys.set(attempt.testId, id);
    newKeys.push([this.#testKeys, attempt.testId, id]);
    return id;
  }

  #internFingerprint(fingerprint: string, newKeys: [Map<string, number>, string, number][]): number {
    const cached = this.#fingerprintKeys.get(fingerprint);
    if (cached !== undefined) return cached;
    this.#sql.insertFingerprint.run(fingerprint);
    const { id } = this.#sql.fingerprintKey.get(fingerprint) as { id: number };
    this.#fingerprintKeys.set(fingerprint, id);
    newKeys.push([this.#fingerprintKeys, fingerprint, id]);
    return id;
  }

  async history(query: HistoryQuery = {}): Promise<History> {
    return collectHistory(this, query);
  }

  countRuns(query: HistoryQuery = {}): Promise<number> {
    return this.#guard('read', () => {
      const { sql, parameters } = runSelection(query, 'count(*)');
      return Number((this.#db.prepare(sql).get(...parameters) as Record<string, number>)['count(*)']);
    });
  }

  async *eachRun(query: HistoryQuery = {}): AsyncIterable<RunWithAttempts> {
    for await (const { run, columns } of this.eachRunColumns(query)) yield { run, attempts: recordsOf(run.runId, columns) };
  }

  /** {@link eachRun} with each run's attempts as typed-array columns: no object per attempt. */
  async *eachRunColumns(query: HistoryQuery = {}): AsyncIterable<RunColumnsEntry> {
    const { runs, catalog, wanted } = await this.#guard('read', () => this.#readIndex(query));
    // Test, attempt and status packed in one number: fewer values for node:sqlite to convert per row,
    // the largest part of reading 10 M attempts. A run's rows are read in one call (faster than iterating).
    // Only some tests: SQLite reads just their rows of each run (the key starts with run and test).
    const only = wanted === undefined ? undefined : JSON.stringify([...wanted]);
    const select = this.#db.prepare(
      `SELECT test * ${PACK_TEST} + attempt * ${PACK_ATTEMPT} + status, duration_ms, fingerprint FROM attempts WHERE run = ?` +
        (only === undefined ? '' : ' AND test IN (SELECT value FROM json_each(?))'),
    );
    const row = asArrays(select);
    for (const [key, run] of runs) {
      const columns = await this.#guard('read', () => {
        const rows = only === undefined ? select.all(key) : select.all(key, only);
        const filled = allocateColumns(rows.length, catalog);
        for (const raw of rows) {
          const values = row(raw) as [number, number, number | null];
          const packed = values[0];
          const test = Math.floor(packed / PACK_TEST);
          const rest = packed - test * PACK_TEST;
          const at = filled.length++;
          filled.test[at] = test;
          filled.attempt[at] = rest >>> 4;
          filled.status[at] = rest & 15;
          filled.durationMs[at] = values[1];
          filled.fingerprint[at] = values[2] ?? -1;
        }
        return filled;
      });
      yield { run, columns };
    }
  }

  /** {@link HistorySource.runStartDigest}: two queries, no object per attempt. */
  runStartDigest(query: RunStartDigestQuery): Promise<RunStartDigest> {
    return this.#guard('read', () => {
      const { sql, parameters } = runSelection({ lastRuns: query.lastRuns }, 'id, started_at');
      const failing = this.#db.prepare(
        `SELECT test_id FROM tests WHERE id IN (SELECT test FROM attempts WHERE run IN (SELECT id FROM (${sql})) AND status = ${STATUS_CODES.failed})`,
      );
      const failingRow = asArrays(failing);
      let knownByFile: Map<string, string[]> | undefined;
      if (query.knownTests) {
        const known = this.#db.prepare('SELECT file, test_id FROM tests');
        const knownRow = asArrays(known);
        knownByFile = groupByFile(known.all().map((raw) => knownRow(raw) as [string, string]));
      }
      return { failing: failing.all(...parameters).map((raw) => String(failingRow(raw)[0])), knownByFile };
    });
  }

  /** {@link HistorySource.testsPerRun}: one range of the attempts' key per run. */
  testsPerRun(runIds: readonly string[]): Promise<Map<string, number>> {
    return this.#guard('read', () => {
      const count = this.#db.prepare(
        `SELECT count(DISTINCT test) FROM attempts WHERE run = (SELECT id FROM runs WHERE run_id = ?) AND status IN (${STATUS_CODES.passed}, ${STATUS_CODES.failed})`,
      );
      const countRow = asArrays(count);
      return new Map(runIds.map((runId) => [runId, Number(countRow(count.get(runId))[0] ?? 0)]));
    });
  }

  /** The runs `query` selects, and the catalog of tests, fingerprints and failure texts by key. */
  #readIndex(query: HistoryQuery): { runs: [number, RunRecord][]; catalog: AttemptCatalog; wanted: Set<number> | undefined } {
    const { sql, parameters } = runSelection(query, `id, run_id, ${SQLITE_RUN_COLUMNS}`);
    const selectRuns = this.#db.prepare(sql);
    const runRow = asArrays(selectRuns);
    const runs: [number, RunRecord][] = [];
    for (const raw of selectRuns.iterate(...parameters)) {
      const [id, runId, ...columns] = runRow(raw);
      runs.push([Number(id), runFromColumns(String(runId), columns)]);
    }
    const catalog = emptyCatalog();
    const wantedIds = query.testIds === undefined ? undefined : new Set(query.testIds.map((id) => id.toLowerCase()));
    const wanted = wantedIds === undefined ? undefined : new Set<number>();
    const selectTests = this.#db.prepare('SELECT id, test_id, file, full_name FROM tests');
    const testRow = asArrays(selectTests);
    for (const raw of selectTests.iterate()) {
      const [id, testId, file, fullName] = testRow(raw) as [number, string, string, string];
      catalog.tests[id] = { testId, file, fullName };
      if (wantedIds?.has(testId) === true) wanted?.add(id);
    }
    for (const { id, fingerprint } of this.#db.prepare('SELECT id, fingerprint FROM fingerprints').all() as {
      id: number;
      fingerprint: string;
    }[]) {
      catalog.fingerprints[id] = fingerprint;
    }
    // A version 1 store opened read-only (a report, a merge source) has no failures table.
    if (this.#db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'failures'").get() !== undefined) {
      const selectFailures = this.#db.prepare('SELECT test, fingerprint, message, line FROM failures');
      const failureRow = asArrays(selectFailures);
      for (const raw of selectFailures.iterate()) {
        const [test, fingerprint, message, line] = failureRow(raw) as [number, number, string | null, number | null];
        catalog.failures.set(failureKey(test, fingerprint), {
          message: message ?? undefined,
          line: line === null ? undefined : Number(line),
        });
      }
    }
    return { runs, catalog, wanted };
  }

  /** Run `body`, turning node:sqlite errors a user can act on into the package's errors. */
  #guard<T>(action: string, body: () => T): Promise<T> {
    if (this.#closed) {
      return Promise.reject(
        new FlakyError('FLAKY_STORE_UNREACHABLE', {
          action: `${action} the history store "${this.location}"`,
          reason: 'the store was closed',
          fix: 'Open it again with openHistoryStore().',
        }),
      );
    }
    try {
      return Promise.resolve(body());
    } catch (error) {
      const failure = storeFailure(error, this.location, `${action} the history store`);
      return Promise.reject(failure instanceof Error ? failure : new Error(String(failure)));
    }
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#db.close();
    }
    return Promise.resolve();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** The SELECT over runs that `query` asks for, oldest first. */
function runSelection(query: HistoryQuery, columns: string): { sql: string; parameters: (string | number)[] } {
  const parameters: (string | number)[] = [];
  let where = '';
  if (query.since !== undefined) {
    where = 'WHERE started_at >= ?';
    parameters.push(query.since);
  }
  if (columns === 'count(*)') {
    const limit = query.lastRuns === undefined ? '' : ` LIMIT ?`;
    if (query.lastRuns !== undefined) parameters.push(query.lastRuns);
    return { sql: `SELECT count(*) FROM (SELECT 1 FROM runs ${where} ORDER BY started_at DESC, id DESC${limit})`, parameters };
  }
  if (query.lastRuns === undefined) return { sql: `SELECT ${columns} FROM runs ${where} ORDER BY started_at, id`, parameters };
  parameters.push(query.lastRuns);
  return {
    sql: `SELECT * FROM (SELECT ${columns} FROM runs ${where} ORDER BY started_at DESC, id DESC LIMIT ?) ORDER BY started_at, id`,
    parameters,
  };
}
