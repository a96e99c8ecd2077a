// The history store's size on disk, write speed and read cost for the large history:
// 1,000 runs x 10,000 tests (10 M first attempts, plus the retries of the ~1 % that fail). Each failure
// carries a message of about 300 characters and a line, as the reporter records them; the store keeps
// one text per test and fingerprint.
// `node flaky-detector/store-size.bench.mjs [runs] [tests]` after `npm run build -w packages/flaky-detector`.
// Reads are measured in fresh processes (`--read <mode> <file>`), so each one's memory is its own.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { errorFingerprint, historyByRun, historyColumnsByRun, openHistoryStore, testIdOf } from '@proving-ground/flaky-detector';
import { prng as random } from './accuracy/suite-generator.mjs';

if (process.argv[2] === '--read') {
  const [, , , mode, file] = process.argv;
  const started = performance.now();
  let peak = process.memoryUsage().rss;
  let attempts = 0;
  const store = await openHistoryStore({ path: file, quickCheck: mode === 'open' });
  const opened = performance.now() - started;
  if (mode === 'history') attempts = (await store.history()).attempts.length;
  if (mode === 'history-100') attempts = (await store.history({ lastRuns: 100 })).attempts.length;
  if (mode === 'by-run') {
    for await (const run of historyByRun(store)) {
      attempts += run.attempts.length;
      peak = Math.max(peak, process.memoryUsage().rss);
    }
  }
  if (mode === 'by-run-columns') {
    for await (const { columns } of historyColumnsByRun(store)) {
      attempts += columns.length;
      peak = Math.max(peak, process.memoryUsage().rss);
    }
  }
  await store.close();
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, openMs: opened, attempts, peakMiB: peak / 1024 / 1024 }));
  process.exit(0);
}

const RUNS = Number(process.argv[2] ?? 1000);
const TESTS = Number(process.argv[3] ?? 10_000);

const next = random(12);
const tests = Array.from({ length: TESTS }, (_, index) => {
  const file = `src/module-${Math.floor(index / 25)}/feature-${index % 7}.test.ts`;
  const fullName = `module ${Math.floor(index / 25)} feature ${index % 7} should handle case ${index}`;
  return { testId: testIdOf(file, fullName), file, fullName, baseMs: 1 + Math.floor(next() * 200) };
});
/** `index` in letters: fingerprints read the first three lines and ignore numbers, so 50 distinct failures differ in words there. */
const letters = (index) => String.fromCharCode(97 + (index % 26), 97 + Math.floor(index / 26));
const messages = Array.from(
  { length: 50 },
  (_, index) =>
    `Error: expect(received).toEqual(expected) // order ${letters(index)}\n\n- Expected  - 1\n+ Received  + 1\n\n  Object {\n-   "status": "shipped-${letters(index)}",\n+   "status": "pending",\n    "total": 1299,\n  }`,
);
const fingerprints = messages.map((message) => errorFingerprint(message));

function failure(index) {
  return { errorFingerprint: fingerprints[index], failureMessage: messages[index], failureLine: 10 + index };
}

const folder = mkdtempSync(join(tmpdir(), 'flaky-store-bench-'));
const file = join(folder, 'history.sqlite');
let attemptsWritten = 0;
const started = performance.now();
const store = await openHistoryStore({ path: file });
for (let run = 0; run < RUNS; run += 1) {
  const runId = `ci-${1000 + run}-1`;
  await store.recordRun({
    runId,
    commit: (run * 2654435761).toString(16).padStart(8, '0').repeat(5).slice(0, 40),
    nodeVersion: 'v24.21.0',
    os: 'linux',
    ciJob: 'test',
    shard: '1/1',
    startedAt: new Date(Date.UTC(2026, 0, 1) + run * 3_600_000).toISOString(),
  });
  const attempts = [];
  for (const test of tests) {
    const failed = next() < 0.01;
    const durationMs = Math.max(1, Math.round(test.baseMs * (0.8 + next() * 0.4)));
    attempts.push({
      runId,
      ...test,
      attempt: 1,
      status: failed ? 'failed' : 'passed',
      durationMs,
      ...(failed ? failure(Math.floor(next() * 50)) : {}),
    });
    if (failed) attempts.push({ runId, ...test, attempt: 2, status: 'passed', durationMs });
  }
  await store.recordAttempts(attempts);
  attemptsWritten += attempts.length;
}
const writeSeconds = (performance.now() - started) / 1000;
await store.close();
const bytes = statSync(file).size;

const { DatabaseSync } = await import('node:sqlite');
const db = new DatabaseSync(file, { readOnly: true });
const tables = db.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC').all();
db.close();
const read = (mode) =>
  JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--read', mode, file], { encoding: 'utf8' }));
const open = read('open');
const last100 = read('history-100');
const byRun = read('by-run');
const byRunColumns = read('by-run-columns');
const whole = read('history');

console.log(`history: ${RUNS} runs x ${TESTS} tests, ${attemptsWritten.toLocaleString('en')} attempts`);
console.log(`size on disk: ${(bytes / 1024 / 1024).toFixed(1)} MiB (${(bytes / attemptsWritten).toFixed(1)} bytes per attempt)`);
console.log(
  `written in ${writeSeconds.toFixed(1)} s (${((writeSeconds * 1e6) / attemptsWritten).toFixed(2)} us per attempt, one transaction per run)`,
);
console.log(`open with PRAGMA quick_check: ${open.openMs.toFixed(0)} ms`);
const line = (label, result) =>
  console.log(
    `${label}: ${result.attempts.toLocaleString('en')} attempts in ${result.seconds.toFixed(2)} s, peak resident ${result.peakMiB.toFixed(0)} MiB`,
  );
console.log(`by table and index: ${tables.map(({ name, bytes }) => `${name} ${(bytes / 1024 / 1024).toFixed(1)} MiB`).join(', ')}`);
line('history({ lastRuns: 100 })', last100);
line('historyByRun(store), every run', byRun);
line('historyColumnsByRun(store), every run', byRunColumns);
line('history(), every run', whole);
rmSync(folder, { recursive: true, force: true });
