// The history store's size on disk, write speed and read cost for the large history:
// 1,000 runs x 10,000 tests (10 M first attempts, plus the retries of the ~1 % that fail).
// `node flaky-detector/store-size.bench.mjs [runs] [tests]` after `npm run build -w packages/flaky-detector`.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { errorFingerprint, openHistoryStore, testIdOf } from '@proving-ground/flaky-detector';

const RUNS = Number(process.argv[2] ?? 1000);
const TESTS = Number(process.argv[3] ?? 10_000);

/** A small seeded PRNG (mulberry32), so every run of the bench writes the same history. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const next = random(12);
const tests = Array.from({ length: TESTS }, (_, index) => {
  const file = `src/module-${Math.floor(index / 25)}/feature-${index % 7}.test.ts`;
  const fullName = `module ${Math.floor(index / 25)} feature ${index % 7} should handle case ${index}`;
  return { testId: testIdOf(file, fullName), file, fullName, baseMs: 1 + Math.floor(next() * 200) };
});
const fingerprints = Array.from({ length: 50 }, (_, index) => errorFingerprint(`Expected ${index} to equal something else`));

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
      ...(failed ? { errorFingerprint: fingerprints[Math.floor(next() * 50)] } : {}),
    });
    if (failed) attempts.push({ runId, ...test, attempt: 2, status: 'passed', durationMs });
  }
  await store.recordAttempts(attempts);
  attemptsWritten += attempts.length;
}
const writeSeconds = (performance.now() - started) / 1000;
await store.close();
const bytes = statSync(file).size;

const openStarted = performance.now();
const reader = await openHistoryStore({ path: file });
const openMs = performance.now() - openStarted;
const readStarted = performance.now();
const before = process.memoryUsage().rss;
const { runs, attempts } = await reader.history({ lastRuns: 100 });
const read100Seconds = (performance.now() - readStarted) / 1000;
const rss100 = process.memoryUsage().rss - before;
await reader.close();

console.log(`history: ${RUNS} runs x ${TESTS} tests, ${attemptsWritten.toLocaleString('en')} attempts`);
console.log(`size on disk: ${(bytes / 1024 / 1024).toFixed(1)} MiB (${(bytes / attemptsWritten).toFixed(1)} bytes per attempt)`);
console.log(
  `written in ${writeSeconds.toFixed(1)} s (${((writeSeconds * 1e6) / attemptsWritten).toFixed(2)} us per attempt, one transaction per run)`,
);
console.log(`open with quick_check: ${openMs.toFixed(0)} ms`);
console.log(
  `history({ lastRuns: 100 }): ${runs.length} runs, ${attempts.length.toLocaleString('en')} attempts in ${read100Seconds.toFixed(2)} s, +${(rss100 / 1024 / 1024).toFixed(0)} MiB resident`,
);
rmSync(folder, { recursive: true, force: true });
