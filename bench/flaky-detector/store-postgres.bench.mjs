// The PostgreSQL history store: write and read cost, and size, for a history of `runs` runs of
// `tests` tests, written by `writers` processes at once (each its own runs, like CI shards).
// PROVING_GROUND_POSTGRES_URL=postgres://... node flaky-detector/store-postgres.bench.mjs [runs] [tests] [writers]
// (start a server with `bash scripts/start-postgres.sh`); the bench works in a database of its own and drops it.
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { historyByRun, openHistoryStore, testIdOf } from '@proving-ground/flaky-detector';

const [, , first, second, third] = process.argv;

if (first === '--write') {
  const { url, writer, runs, tests } = JSON.parse(second);
  const store = await openHistoryStore({ url });
  for (let run = writer; run < runs; run += third === undefined ? 1 : Number(third)) {
    const runId = `ci-${run}`;
    await store.recordRun({
      runId,
      nodeVersion: 'v24.21.0',
      os: 'linux',
      shard: `${writer + 1}`,
      startedAt: new Date(Date.UTC(2026, 0, 1) + run * 60_000).toISOString(),
    });
    const attempts = [];
    for (let index = 0; index < tests; index += 1) {
      const file = `src/module-${index % 400}.test.ts`;
      const fullName = `module ${index % 400} should handle case ${index}`;
      const failed = (index * 31 + run) % 100 === 0;
      attempts.push({
        runId,
        testId: testIdOf(file, fullName),
        file,
        fullName,
        attempt: 1,
        status: failed ? 'failed' : 'passed',
        durationMs: 1 + ((index * 7 + run) % 300),
        ...(failed ? { errorFingerprint: `fp${index % 20}`.padEnd(12, '0') } : {}),
      });
    }
    for (let start = 0; start < attempts.length; start += 1_000) await store.recordAttempts(attempts.slice(start, start + 1_000));
  }
  await store.close();
  process.exit(0);
}

const server = process.env.PROVING_GROUND_POSTGRES_URL;
if (server === undefined || server === '') {
  console.log('PROVING_GROUND_POSTGRES_URL is not set: start a server with `bash scripts/start-postgres.sh` and export its URL.');
  process.exit(0);
}
const RUNS = Number(first ?? 100);
const TESTS = Number(second ?? 10_000);
const WRITERS = Number(third ?? 4);

const name = `flaky_bench_${process.pid}`;
const admin = new pg.Client({ connectionString: server });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(server);
url.pathname = `/${name}`;
try {
  const started = performance.now();
  const self = fileURLToPath(import.meta.url);
  await Promise.all(
    Array.from({ length: WRITERS }, (_, writer) =>
      promisify(execFile)(process.execPath, [
        self,
        '--write',
        JSON.stringify({ url: url.toString(), writer, runs: RUNS, tests: TESTS }),
        String(WRITERS),
      ]),
    ),
  );
  const writeSeconds = (performance.now() - started) / 1000;
  const attempts = RUNS * TESTS;

  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  const { rows } = await client.query(
    "SELECT sum(pg_total_relation_size(c.oid))::bigint AS bytes FROM pg_class c WHERE c.relname LIKE 'flaky_%' AND c.relkind = 'r'",
  );
  await client.end();

  const readStarted = performance.now();
  const store = await openHistoryStore({ url: url.toString() });
  let read = 0;
  for await (const run of historyByRun(store)) read += run.attempts.length;
  await store.close();
  const readSeconds = (performance.now() - readStarted) / 1000;

  console.log(
    `history: ${RUNS} runs x ${TESTS} tests = ${attempts.toLocaleString('en')} attempts, ${WRITERS} writer processes, batches of 1,000`,
  );
  console.log(
    `written in ${writeSeconds.toFixed(1)} s (${((writeSeconds * 1e6) / attempts).toFixed(1)} us per attempt, all writers together)`,
  );
  console.log(
    `tables and indexes: ${(Number(rows[0].bytes) / 1024 / 1024).toFixed(1)} MiB (${(Number(rows[0].bytes) / attempts).toFixed(1)} bytes per attempt)`,
  );
  console.log(`historyByRun over every run: ${read.toLocaleString('en')} attempts in ${readSeconds.toFixed(1)} s`);
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
