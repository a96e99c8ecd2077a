import { firstLine, isModuleNotFound, maskUrlCredentials, nativeRequireFromProject } from '@proving-ground/kit';
import type { Client, ClientConfig } from 'pg';
import { FlakyError } from '../errors.js';
import type { AttemptRecord, History, RunRecord } from '../model.js';
import { allocateColumns, emptyCatalog, failureKey, recordsOf, type AttemptCatalog, type RunColumnsEntry } from './attempt-columns.js';
import { collectHistory, type HistorySource, type RunWithAttempts } from './history-source.js';
import type { HistoryQuery } from './history-store.js';
import { POSTGRES_RUN_COLUMNS, POSTGRES_SCHEMA, SCHEMA_LOCK_KEY } from './postgres-schema.js';
import { SCHEMA_VERSION, STATUS_CODES, runColumns, runFromColumns, statusCode, unknownRunError } from './record-encoding.js';
import { groupByFile, type RunStartDigest, type RunStartDigestQuery } from './run-start-digest.js';

type PgModule = { Client: new (config: ClientConfig) => Client };

/** PostgreSQL errors worth one more try: a deadlock between writers, a serialization failure. */
const RETRIED_CODES = new Set(['40P01', '40001']);
const ATTEMPT_RETRIES = 5;

/** `pg`, from the user's project or next to this package, or a FLAKY_MISSING_PEER error saying to install it. */
function loadPg(cwd: string): PgModule {
  try {
    const loaded = nativeRequireFromProject('pg', cwd) as PgModule & { default?: PgModule };
    return typeof loaded.Client === 'function' ? loaded : loaded.default!;
  } catch (error) {
    if (!isModuleNotFound(error, 'pg')) throw error;
    throw new FlakyError(
      'FLAKY_MISSING_PEER',
      {
        action: 'open a PostgreSQL history store',
        reason: 'the optional peer `pg` is not installed',
        fix: 'Install it next to flaky-detector: npm i -D pg',
      },
      { cause: error },
    );
  }
}

function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Connect to the PostgreSQL store at `url` and create its tables if they are missing, or add what
 * this version needs to an older database (version 1 to 2 adds `flaky_failures`; nothing existing
 * changes). Several processes may open it at once: the first to take the advisory lock creates or
 * upgrades the tables, the others wait and find them.
 */
export async function openPostgresStore(url: string, cwd: string): Promise<PostgresHistoryStore> {
  const location = maskUrlCredentials(url);
  const { Client: PgClient } = loadPg(cwd);
  const client = new PgClient({ connectionString: url });
  // A connection dropped later (server restart) surfaces on the next query; this keeps it from crashing the process meanwhile.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new FlakyError(
      'FLAKY_STORE_UNREACHABLE',
      {
        action: `connect to the history store ${location}`,
        reason: firstLine(error),
        fix: 'Check the URL, and that the server accepts connections from here.',
      },
      { cause: error },
    );
  }
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [SCHEMA_LOCK_KEY]);
    const { rows: found } = await client.query<{ exists: boolean }>("SELECT to_regclass('flaky_schema') IS NOT NULL AS exists");
    const version =
      found[0]?.exists === true
        ? ((await client.query<{ version: number | null }>('SELECT max(version) AS version FROM flaky_schema')).rows[0]?.version ?? null)
        : null;
    // A newer layout is refused before anything is created in it.
    if (version === null || version <= SCHEMA_VERSION) await client.query(POSTGRES_SCHEMA);
    if (version === null) await client.query('INSERT INTO flaky_schema (version) VALUES ($1)', [SCHEMA_VERSION]);
    else if (version < SCHEMA_VERSION) await client.query('UPDATE flaky_schema SET version = $1', [SCHEMA_VERSION]);
    else if (version > SCHEMA_VERSION) {
      throw new FlakyError('FLAKY_STORE_TOO_NEW', {
        action: `open the history store ${location}`,
        reason: `it has schema version ${version}, and this flaky-detector reads up to version ${SCHEMA_VERSION}`,
        fix: 'Upgrade @proving-ground/flaky-detector to the version that wrote it.',
      });
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end().catch(() => undefined);
    if (error instanceof FlakyError) throw error;
    throw new FlakyError(
      'FLAKY_STORE_UNREACHABLE',
      {
        action: `create the history tables in ${location}`,
        reason: firstLine(error),
        fix: 'Check that the user may create tables in that database.',
      },
      { cause: error },
    );
  }
  return new PostgresHistoryStore(client, location);
}

/** A {@link HistoryStore} in PostgreSQL tables (`flaky_*`). Open it with `openHistoryStore({ url })`. */
export class PostgresHistoryStore implements HistorySource {
  readonly location: string;
  readonly #client: Client;
  readonly #runKeys = new Map<string, number>();
  readonly #testKeys = new Map<string, number>();
  readonly #fingerprintKeys = new Map<string, number>();
  /** Failures (test and fingerprint keys) whose text this store wrote or found already there. */
  readonly #failureKeys = new Set<number>();
  #closed = false;
  /** Queries on one connection run one after another; this chains the store's operations. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(client: Client, location: string) {
    this.#client = client;
    this.location = location;
  }

  recordRun(run: RunRecord): Promise<void> {
    const updates = POSTGRES_RUN_COLUMNS.split(', ')
      .map((column) => `${column} = excluded.${column}`)
      .join(', ');
    return this.#serial('write a run to', async () => {
      await this.#client.query(
        `INSERT INTO flaky_runs (run_id, ${POSTGRES_RUN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (run_id) DO UPDATE SET ${updates}`,
        [run.runId, ...runColumns(run)],
      );
    });
  }

  async recordAttempts(attempts: readonly AttemptRecord[]): Promise<void> {
    await this.writeAttempts(attempts);
  }

  writeAttempts(attempts: readonly AttemptRecord[]): Promise<number> {
    return this.#serial('write attempts to', async () => {
      if (attempts.length === 0) return 0;
      const statuses = attempts.map((attempt) => statusCode(attempt.status, attempt.testId));
      await this.#resolveRuns(attempts);
      await this.#internTests(attempts);
      await this.#internFingerprints(attempts);
      // Sorted by key, so two writers never take row locks in opposite orders.
      const rows = attempts
        .map((attempt, index) => ({
          key: [this.#runKeys.get(attempt.runId)!, this.#testKeys.get(attempt.testId)!, attempt.attempt] as const,
          status: statuses[index]!,
          durationMs: attempt.durationMs,
          fingerprint: attempt.errorFingerprint === undefined ? null : this.#fingerprintKeys.get(attempt.errorFingerprint)!,
        }))
        .sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.key[2] - b.key[2]);
      const columns = [
        rows.map((row) => row.key[0]),
        rows.map((row) => row.key[1]),
        rows.map((row) => row.key[2]),
        rows.map((row) => row.status),
        rows.map((row) => row.durationMs),
        rows.map((row) => row.fingerprint),
      ];
      const added = await this.#retried(async () => {
        await this.#client.query('BEGIN');
        try {
          const result = await this.#client.query(
            `INSERT INTO flaky_attempts (run, test, attempt, status, duration_ms, fingerprint)
             SELECT * FROM unnest($1::integer[], $2::integer[], $3::smallint[], $4::smallint[], $5::float8[], $6::integer[])
             ON CONFLICT DO NOTHING`,
            columns,
          );
          await this.#client.query('COMMIT');
          return result.rowCount ?? 0;
        } catch (error) {
          await this.#client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      });
      await this.#writeFailures(attempts);
      return added;
    });
  }

  async #resolveRuns(attempts: readonly AttemptRecord[]): Promise<void> {
    const missing = [...new Set(attempts.map((attempt) => attempt.runId))].filter((runId) => !this.#runKeys.has(runId));
    if (missing.length === 0) return;
    const { rows } = await this.#client.query<{ id: number; run_id: string }>('SELECT id, run_id FROM flaky_runs WHERE run_id = ANY($1)', [
      missing,
    ]);
    for (const row of rows) this.#runKeys.set(row.run_id, row.id);
    const unknown = missing.find((runId) => !this.#runKeys.has(runId));
    if (unknown !== undefined) throw unknownRunError(unknown, this.location);
  }

  /** Tests get their keys in their own short statements (sorted, so concurrent writers queue in one order); a key nobody uses yet harms nothing. */
  async #internTests(attempts: readonly AttemptRecord[]): Promise<void> {
    const missing = new Map<string, AttemptRecord>();
    for (const attempt of attempts) if (!this.#testKeys.has(attempt.testId)) missing.set(attempt.testId, attempt);
    if (missing.size === 0) return;
    const ids = [...missing.keys()].sort();
    await this.#retried(() =>
      this.#client.query(
        `INSERT INTO flaky_tests (test_id, file, full_name)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ORDER BY 1 ON CONFLICT (test_id) DO NOTHING`,
        [ids, ids.map((id) => missing.get(id)!.file), ids.map((id) => missing.get(id)!.fullName)],
      ),
    );
    const { rows } = await this.#client.query<{ id: number; test_id: string }>(
      'SELECT id, test_id FROM flaky_tests WHERE test_id = ANY($1)',
      [ids],
    );
    for (const row of rows) this.#testKeys.set(row.test_id, row.id);
  }

  async #internFingerprints(attempts: readonly AttemptRecord[]): Promise<void> {
    const missing = new Set<string>();
    for (const { errorFingerprint } of attempts) {
      if (errorFingerprint !== undefined && !this.#fingerprintKeys.has(errorFingerprint)) missing.add(errorFingerprint);
    }
    if (missing.size === 0) return;
    const values = [...missing].sort();
    await this.#retried(() =>
      this.#client.query(
        'INSERT INTO flaky_fingerprints (fingerprint) SELECT * FROM unnest($1::text[]) ORDER BY 1 ON CONFLICT (fingerprint) DO NOTHING',
        [values],
      ),
    );
    const { rows } = await this.#client.query<{ id: number; fingerprint: string }>(
      'SELECT id, fingerprint FROM flaky_fingerprints WHERE fingerprint = ANY($1)',
      [values],
    );
    for (const row of rows) this.#fingerprintKeys.set(row.fingerprint, row.id);
  }

  /**
   * The text of each test's failure with each fingerprint, the first one written (later ones differ
   * only in what the fingerprint ignores). Written after the attempts, in its own statement: a writer
   * killed in between loses a message, never an attempt.
   */
  async #writeFailures(attempts: readonly AttemptRecord[]): Promise<void> {
    const fresh = new Map<number, { test: number; fingerprint: number; message: string | null; line: number | null }>();
    for (const attempt of attempts) {
      if (attempt.errorFingerprint === undefined || (attempt.failureMessage === undefined && attempt.failureLine === undefined)) continue;
      const test = this.#testKeys.get(attempt.testId)!;
      const fingerprint = this.#fingerprintKeys.get(attempt.errorFingerprint)!;
      const key = failureKey(test, fingerprint);
      if (this.#failureKeys.has(key) || fresh.has(key)) continue;
      fresh.set(key, { test, fingerprint, message: attempt.failureMessage ?? null, line: attempt.failureLine ?? null });
    }
    if (fresh.size === 0) return;
    const rows = [...fresh.values()].sort((a, b) => a.test - b.test || a.fingerprint - b.fingerprint);
    await this.#retried(() =>
      this.#client.query(
        `INSERT INTO flaky_failures (test, fingerprint, message, line)
         SELECT * FROM unnest($1::integer[], $2::integer[], $3::text[], $4::integer[]) ON CONFLICT DO NOTHING`,
        [rows.map((row) => row.test), rows.map((row) => row.fingerprint), rows.map((row) => row.message), rows.map((row) => row.line)],
      ),
    );
    for (const key of fresh.keys()) this.#failureKeys.add(key);
  }

  async #retried<T>(body: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await body();
      } catch (error) {
        const code = sqlState(error);
        if (attempt >= ATTEMPT_RETRIES || code === undefined || !RETRIED_CODES.has(code)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 10 * attempt * Math.random()));
      }
    }
  }

  async history(query: HistoryQuery = {}): Promise<History> {
    return collectHistory(this, query);
  }

  countRuns(query: HistoryQuery = {}): Promise<number> {
    return this.#serial('read', async () => {
      const { sql, parameters } = runSelection(query, 'id');
      const { rows } = await this.#client.query<{ count: string }>(`SELECT count(*) AS count FROM (${sql}) AS selected`, parameters);
      return Number(rows[0]?.count ?? 0);
    });
  }

  async *eachRun(query: HistoryQuery = {}): AsyncIterable<RunWithAttempts> {
    for await (const { run, columns } of this.eachRunColumns(query)) yield { run, attempts: recordsOf(run.runId, columns) };
  }

  /** {@link eachRun} with each run's attempts as typed-array columns: no object per attempt. */
  async *eachRunColumns(query: HistoryQuery = {}): AsyncIterable<RunColumnsEntry> {
    const { runs, catalog, wanted } = await this.#serial('read', () => this.#readIndex(query));
    for (const [key, run] of runs) {
      const columns = await this.#serial('read', async () => {
        // Only some tests: the server reads just their rows (the key starts with run and test).
        const result = await this.#client.query({
          text:
            'SELECT test, attempt, status, duration_ms, fingerprint FROM flaky_attempts WHERE run = $1' +
            (wanted === undefined ? '' : ' AND test = ANY($2::integer[])') +
            ' ORDER BY test, attempt',
          values: wanted === undefined ? [key] : [key, [...wanted]],
          rowMode: 'array',
        });
        const rows = result.rows as [number, number, number, number, number | null][];
        const filled = allocateColumns(rows.length, catalog);
        for (const [test, attempt, status, durationMs, fingerprint] of rows) {
          const at = filled.length++;
          filled.test[at] = test;
          filled.attempt[at] = attempt;
          filled.status[at] = status;
          filled.durationMs[at] = durationMs;
          filled.fingerprint[at] = fingerprint ?? -1;
        }
        return filled;
      });
      yield { run, columns };
    }
  }

  /** {@link HistorySource.runStartDigest}: two queries, no object per attempt. */
  runStartDigest(query: RunStartDigestQuery): Promise<RunStartDigest> {
    return this.#serial('read', async () => {
      const { sql, parameters } = runSelection({ lastRuns: query.lastRuns }, 'id, started_at');
      const failing = await this.#client.query({
        text: `SELECT test_id FROM flaky_tests WHERE id IN (SELECT test FROM flaky_attempts WHERE run IN (SELECT id FROM (${sql}) AS window_runs) AND status = ${STATUS_CODES.failed})`,
        values: parameters,
        rowMode: 'array',
      });
      const known = query.knownTests
        ? await this.#client.query({ text: 'SELECT file, test_id FROM flaky_tests', rowMode: 'array' })
        : undefined;
      return {
        failing: (failing.rows as [string][]).map(([testId]) => testId),
        knownByFile: known === undefined ? undefined : groupByFile(known.rows as [string, string][]),
      };
    });
  }

  /** {@link HistorySource.testsPerRun}: one query for every run asked for. */
  testsPerRun(runIds: readonly string[]): Promise<Map<string, number>> {
    return this.#serial('read', async () => {
      const { rows } = await this.#client.query({
        text: `SELECT r.run_id, count(DISTINCT a.test) FROM flaky_runs r JOIN flaky_attempts a ON a.run = r.id
               WHERE r.run_id = ANY($1::text[]) AND a.status IN (${STATUS_CODES.passed}, ${STATUS_CODES.failed}) GROUP BY r.run_id`,
        values: [[...runIds]],
        rowMode: 'array',
      });
      const counts = new Map((rows as [string, string][]).map(([runId, tests]) => [runId, Number(tests)]));
      return new Map(runIds.map((runId) => [runId, counts.get(runId) ?? 0]));
    });
  }

  async #readIndex(
    query: HistoryQuery,
  ): Promise<{ runs: [number, RunRecord][]; catalog: AttemptCatalog; wanted: Set<number> | undefined }> {
    const { sql, parameters } = runSelection(query, `id, run_id, ${POSTGRES_RUN_COLUMNS}`);
    const selected = await this.#client.query({ text: sql, values: parameters, rowMode: 'array' });
    const runs = (selected.rows as unknown[][]).map(([id, runId, ...columns]): [number, RunRecord] => [
      Number(id),
      runFromColumns(String(runId), columns),
    ]);
    const wantedIds = query.testIds === undefined ? undefined : new Set(query.testIds.map((id) => id.toLowerCase()));
    const wanted = wantedIds === undefined ? undefined : new Set<number>();
    const catalog = emptyCatalog();
    const testRows = await this.#client.query({ text: 'SELECT id, test_id, file, full_name FROM flaky_tests', rowMode: 'array' });
    for (const [id, testId, file, fullName] of testRows.rows as [number, string, string, string][]) {
      catalog.tests[id] = { testId, file, fullName };
      if (wantedIds?.has(testId) === true) wanted?.add(id);
    }
    const fingerprintRows = await this.#client.query({ text: 'SELECT id, fingerprint FROM flaky_fingerprints', rowMode: 'array' });
    for (const [id, fingerprint] of fingerprintRows.rows as [number, string][]) catalog.fingerprints[id] = fingerprint;
    const failureRows = await this.#client.query({ text: 'SELECT test, fingerprint, message, line FROM flaky_failures', rowMode: 'array' });
    for (const [test, fingerprint, message, line] of failureRows.rows as [number, number, string | null, number | null][]) {
      catalog.failures.set(failureKey(test, fingerprint), { message: message ?? undefined, line: line ?? undefined });
    }
    return { runs, catalog, wanted };
  }

  /** Run `body` after the store's earlier operations, turning connection failures into the package's error. */
  #serial<T>(action: string, body: () => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.#closed) {
        throw new FlakyError('FLAKY_STORE_UNREACHABLE', {
          action: `${action} the history store ${this.location}`,
          reason: 'the store was closed',
          fix: 'Open it again with openHistoryStore().',
        });
      }
      try {
        return await body();
      } catch (error) {
        if (error instanceof FlakyError) throw error;
        throw new FlakyError(
          'FLAKY_STORE_UNREACHABLE',
          {
            action: `${action} the history store ${this.location}`,
            reason: firstLine(error),
            fix: 'Check that the server is up and the user may write to the flaky_* tables.',
          },
          { cause: error },
        );
      }
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#queue;
    this.#closed = true;
    await this.#client.end();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** The SELECT over runs that `query` asks for, oldest first, with its parameters. */
function runSelection(query: HistoryQuery, columns: string): { sql: string; parameters: (string | number)[] } {
  const parameters: (string | number)[] = [];
  let where = '';
  if (query.since !== undefined) {
    parameters.push(query.since);
    where = `WHERE started_at >= $${parameters.length}`;
  }
  if (query.lastRuns === undefined) return { sql: `SELECT ${columns} FROM flaky_runs ${where} ORDER BY started_at, id`, parameters };
  parameters.push(query.lastRuns);
  return {
    sql: `SELECT * FROM (SELECT ${columns} FROM flaky_runs ${where} ORDER BY started_at DESC, id DESC LIMIT $${parameters.length}) AS latest ORDER BY started_at, id`,
    parameters,
  };
}
