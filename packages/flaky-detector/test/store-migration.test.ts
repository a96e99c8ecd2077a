import { afterAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { realService } from '@proving-ground/test-kit';
import { runCli } from '../src/cli.js';
import { openHistoryStore, testIdOf, type AttemptRecord } from '../src/index.js';
import type { Report } from '../src/report/report-model.js';
import { POSTGRES_SCHEMA_V1, SQLITE_SCHEMA_V1 } from './fixtures/store-schema-v1.js';
import { sampleAttempt, sampleRun } from './history-samples.js';
import { scratchDatabase } from './postgres-database.js';

const postgres = realService('postgres');
const folder = mkdtempSync(join(tmpdir(), 'flaky-migration-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const OLD_TEST = testIdOf('src/cart.test.ts', 'cart totals');
/** What the version 1 store holds, as records. */
const OLD_ATTEMPTS: AttemptRecord[] = [
  {
    runId: 'old-1',
    testId: OLD_TEST,
    file: 'src/cart.test.ts',
    fullName: 'cart totals',
    attempt: 1,
    status: 'failed',
    durationMs: 12,
    errorFingerprint: 'aaaaaaaaaaaa',
  },
  { runId: 'old-1', testId: OLD_TEST, file: 'src/cart.test.ts', fullName: 'cart totals', attempt: 2, status: 'passed', durationMs: 9 },
];
const OLD_RUN = ['old-1', 'c0ffee0000000000000000000000000000000000', 'v22.0.0', 'linux', '2025-12-01T00:00:00.000Z'] as const;

function sha(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** A SQLite store exactly as version 1 wrote it: one run of one test, failed then passed on retry. */
function sqliteV1(file: string): void {
  const db = new DatabaseSync(file);
  db.exec(SQLITE_SCHEMA_V1);
  db.prepare('INSERT INTO runs (id, run_id, commit_sha, node_version, os, started_at) VALUES (1, ?, ?, ?, ?, ?)').run(...OLD_RUN);
  db.prepare('INSERT INTO tests (id, test_id, file, full_name) VALUES (1, ?, ?, ?)').run(OLD_TEST, 'src/cart.test.ts', 'cart totals');
  db.prepare("INSERT INTO fingerprints (id, fingerprint) VALUES (1, 'aaaaaaaaaaaa')").run();
  db.exec('INSERT INTO attempts VALUES (1, 1, 1, 1, 12, 1), (1, 1, 2, 0, 9, NULL)');
  db.exec('PRAGMA user_version = 1');
  db.close();
}

async function reportJson(store: string): Promise<Report> {
  let stdout = '';
  const code = await runCli(['report', '--format', 'json', '--store', store], {
    cwd: folder,
    env: {},
    isTTY: false,
    stdout: (text) => (stdout += text),
    stderr: () => undefined,
  });
  expect(code).toBe(0);
  return JSON.parse(stdout) as Report;
}

describe('a version 1 store', () => {
  it('should be reported on read-only without being changed', async () => {
    const file = join(folder, 'read-only.sqlite');
    sqliteV1(file);
    const before = sha(file);

    const report = await reportJson(file);

    expect(report.totals).toMatchObject({ runs: 1, tests: 1, attempts: 2 });
    expect(report.tests[0]).toMatchObject({ testId: OLD_TEST, lastFailure: { runId: 'old-1', fingerprint: 'aaaaaaaaaaaa' } });
    expect(report.tests[0]?.lastFailure?.message).toBeUndefined();
    expect(sha(file)).toBe(before);
  });

  it('should open as version 2 (SQLite), keep its history and take failure texts from then on', async () => {
    const file = join(folder, 'upgraded.sqlite');
    sqliteV1(file);
    const text = sampleAttempt('new-1', 'cart totals', 'failed', {
      errorFingerprint: 'bbbbbbbbbbbb',
      failureMessage: 'Error: boom',
      failureLine: 4,
    });

    await using store = await openHistoryStore({ path: file });
    await store.recordRun(sampleRun('new-1', 1));
    await store.recordAttempts([text]);
    const { runs, attempts } = await store.history();

    expect(runs.map((run) => run.runId)).toEqual(['old-1', 'new-1']);
    expect(attempts.filter((attempt) => attempt.runId === 'old-1')).toStrictEqual(OLD_ATTEMPTS);
    expect(attempts.find((attempt) => attempt.runId === 'new-1')).toStrictEqual(text);
    const db = new DatabaseSync(file, { readOnly: true });
    expect(db.prepare('PRAGMA user_version').get()).toEqual({ user_version: 2 });
    expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    db.close();
  });

  it('should be refused, untouched, by a version that reads only older layouts', async () => {
    const file = join(folder, 'too-new.sqlite');
    sqliteV1(file);
    const db = new DatabaseSync(file);
    db.exec('PRAGMA user_version = 3');
    db.close();
    const before = sha(file);

    const opened = openHistoryStore({ path: file });

    await expect(opened).rejects.toMatchObject({ code: 'FLAKY_STORE_TOO_NEW' });
    expect(sha(file)).toBe(before);
  });

  // A real PostgreSQL: `.ci/run` starts one; without it a developer's run skips with the reason in the
  // title (CI fails instead, see the real-services helper).
  const describeWithPostgres = postgres.url === undefined ? describe.skip : describe;
  describeWithPostgres(`in PostgreSQL ${postgres.skipReason ?? ''}`.trim(), () => {
    async function postgresV1(version: number): Promise<{ url: string; drop(): Promise<void> }> {
      const database = await scratchDatabase(postgres.url!, 'migration');
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        await client.query(POSTGRES_SCHEMA_V1);
        await client.query('INSERT INTO flaky_schema (version) VALUES ($1)', [version]);
        // A new database: the identity columns hand out 1 to the first row of each table.
        await client.query('INSERT INTO flaky_runs (run_id, commit_sha, node_version, os, started_at) VALUES ($1, $2, $3, $4, $5)', [
          ...OLD_RUN,
        ]);
        await client.query('INSERT INTO flaky_tests (test_id, file, full_name) VALUES ($1, $2, $3)', [
          OLD_TEST,
          'src/cart.test.ts',
          'cart totals',
        ]);
        await client.query("INSERT INTO flaky_fingerprints (fingerprint) VALUES ('aaaaaaaaaaaa')");
        await client.query('INSERT INTO flaky_attempts VALUES (1, 1, 1, 1, 12, 1), (1, 1, 2, 0, 9, NULL)');
      } finally {
        await client.end();
      }
      return database;
    }

    async function tablesAndVersion(url: string): Promise<{ failures: boolean; version: number }> {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ failures: boolean; version: number }>(
          "SELECT to_regclass('flaky_failures') IS NOT NULL AS failures, (SELECT max(version) FROM flaky_schema) AS version",
        );
        return rows[0]!;
      } finally {
        await client.end();
      }
    }

    it('should open as version 2, keep its history and take failure texts from then on', async () => {
      const database = await postgresV1(1);
      try {
        const text = sampleAttempt('new-1', 'cart totals', 'failed', {
          errorFingerprint: 'bbbbbbbbbbbb',
          failureMessage: 'Error: boom',
          failureLine: 4,
        });
        const store = await openHistoryStore({ url: database.url });
        await store.recordRun(sampleRun('new-1', 1));
        await store.recordAttempts([text]);
        const { attempts } = await store.history();
        await store.close();

        expect(attempts.filter((attempt) => attempt.runId === 'old-1')).toStrictEqual(OLD_ATTEMPTS);
        expect(attempts.find((attempt) => attempt.runId === 'new-1')).toStrictEqual(text);
        expect(await tablesAndVersion(database.url)).toEqual({ failures: true, version: 2 });
      } finally {
        await database.drop();
      }
    });

    it('should refuse a newer layout without creating anything in it', async () => {
      const database = await postgresV1(3);
      try {
        await expect(openHistoryStore({ url: database.url })).rejects.toMatchObject({ code: 'FLAKY_STORE_TOO_NEW' });
        expect(await tablesAndVersion(database.url)).toEqual({ failures: false, version: 3 });
      } finally {
        await database.drop();
      }
    });
  });
});
