// Reports over the issue's large history: 1,000 runs x 10,000 tests (10 M first attempts, plus the
// retries of those that fail; one test in 200 flaky). Two measures, each in a fresh process so its
// memory is its own:
//   1. in memory: the runs, encoded into columns, fed one at a time to the digest (report figures) and the analyzer
//      (scores), then the report assembled and the HTML dashboard rendered;
//   2. end to end: the same history written to a SQLite store, then `flaky-detector report --format
//      html --out` run on it (reading the store run by run, scoring, rendering, writing).
// `node flaky-detector/report.bench.mjs [runs] [tests] [--store <file>] [--end-to-end]` after
// `npm run build -w packages/flaky-detector`. `--store` keeps the SQLite store in <file> (and reuses it
// when it exists: writing 10 M attempts takes 10 to 20 s); `--end-to-end` skips the in-memory measure.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  assembleReport,
  ColumnEncoder,
  createHistoryAnalyzer,
  createHistoryDigest,
  errorFingerprint,
  openHistoryStore,
  renderHtml,
  testIdOf,
} from '@proving-ground/flaky-detector';
import { prng as random } from './accuracy/suite-generator.mjs';

const args = process.argv.slice(2);
const storeAt = args.indexOf('--store');
const keptStore = storeAt >= 0 ? args[storeAt + 1] : undefined;
const numbers = args.filter((arg, index) => /^\d+$/.test(arg) && index !== storeAt + 1).map(Number);
const RUNS = numbers[0] ?? 1000;
const TESTS = numbers[1] ?? 10_000;

/** The runs of the history, one at a time: `{ run, attempts }`, oldest first. */
function* history() {
  const next = random(12);
  const tests = Array.from({ length: TESTS }, (_, index) => {
    const file = `src/module-${Math.floor(index / 25)}/feature-${index % 7}.test.ts`;
    const fullName = `module ${Math.floor(index / 25)} feature ${index % 7} should handle case ${index}`;
    // One test in 200 is flaky (fails 10 % of runs, then passes on retry); the others fail 0.1 % of runs, on both attempts.
    const flaky = index % 200 === 0;
    return { testId: testIdOf(file, fullName), file, fullName, baseMs: 1 + Math.floor(next() * 200), failure: flaky ? 0.1 : 0.001, flaky };
  });
  const messages = Array.from(
    { length: 50 },
    // Fingerprints read the first three lines and ignore numbers: 50 distinct failures differ in words.
    (_, index) =>
      `Error: expect(received).toBe(expected)\n\nExpected: "${String.fromCharCode(97 + (index % 26), 97 + Math.floor(index / 26))}"\nReceived: "zz"`,
  );
  const fingerprints = messages.map((message) => errorFingerprint(message));
  const failureOf = (index) => ({ errorFingerprint: fingerprints[index], failureMessage: messages[index], failureLine: 10 + index });
  for (let index = 0; index < RUNS; index += 1) {
    const runId = `ci-${1000 + index}-1`;
    const run = {
      runId,
      commit: (Math.floor(index / 3) * 2654435761).toString(16).padStart(8, '0').repeat(5).slice(0, 40),
      lockfileHash: 'lock-1',
      nodeVersion: 'v24.21.0',
      os: 'linux',
      ciJob: 'test',
      startedAt: new Date(Date.UTC(2026, 0, 1) + index * 3_600_000).toISOString(),
    };
    const attempts = [];
    for (const { failure, baseMs, flaky, ...test } of tests) {
      const failed = next() < failure;
      const durationMs = Math.max(1, Math.round(baseMs * (0.8 + next() * 0.4)));
      attempts.push({
        runId,
        ...test,
        attempt: 1,
        status: failed ? 'failed' : 'passed',
        durationMs,
        ...(failed ? failureOf(Math.floor(next() * 50)) : {}),
      });
      if (failed) attempts.push({ runId, ...test, attempt: 2, status: flaky ? 'passed' : 'failed', durationMs });
    }
    yield { run, attempts };
  }
}

const mib = (bytes) => bytes / 1024 / 1024;

if (args[0] === '--in-memory') {
  let attempts = 0;
  let encodeMs = 0;
  let digestMs = 0;
  let analyzeMs = 0;
  const digest = createHistoryDigest();
  const analyzer = createHistoryAnalyzer();
  // Records encoded once into columns and fed to both, as the command feeds what it reads.
  const encoder = new ColumnEncoder();
  for (const { run, attempts: batch } of history()) {
    attempts += batch.length;
    let started = performance.now();
    const columns = encoder.encode(batch);
    encodeMs += performance.now() - started;
    started = performance.now();
    digest.addColumns(run, columns);
    digestMs += performance.now() - started;
    started = performance.now();
    analyzer.addColumns(run, columns);
    analyzeMs += performance.now() - started;
  }
  let started = performance.now();
  const digested = digest.finish();
  digestMs += performance.now() - started;
  started = performance.now();
  const analysis = analyzer.finish();
  analyzeMs += performance.now() - started;
  started = performance.now();
  const html = renderHtml(assembleReport(digested, analysis));
  const renderMs = performance.now() - started;
  console.log(
    JSON.stringify({
      attempts,
      encodeMs,
      digestMs,
      analyzeMs,
      renderMs,
      htmlMiB: mib(Buffer.byteLength(html)),
      flaky: analysis.classCounts.flaky,
      peakMiB: mib(process.resourceUsage().maxRSS * 1024),
    }),
  );
  process.exit(0);
}

if (!args.includes('--end-to-end')) {
  const inMemory = JSON.parse(
    execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--in-memory', String(RUNS), String(TESTS)], { encoding: 'utf8' }),
  );
  console.log(
    `history: ${RUNS} runs x ${TESTS} tests, ${inMemory.attempts.toLocaleString('en')} attempts, ${inMemory.flaky} tests scored flaky`,
  );
  console.log(
    `in memory: records to columns ${(inMemory.encodeMs / 1000).toFixed(2)} s, digest ${(inMemory.digestMs / 1000).toFixed(2)} s, scores ${(inMemory.analyzeMs / 1000).toFixed(2)} s, report and HTML ${(inMemory.renderMs / 1000).toFixed(2)} s ` +
      `(${((inMemory.encodeMs + inMemory.digestMs + inMemory.analyzeMs + inMemory.renderMs) / 1000).toFixed(2)} s in all), HTML ${inMemory.htmlMiB.toFixed(1)} MiB, peak resident ${inMemory.peakMiB.toFixed(0)} MiB (generator included)`,
  );
}

const folder = mkdtempSync(join(tmpdir(), 'flaky-report-bench-'));
try {
  const file = keptStore ?? join(folder, 'history.sqlite');
  if (keptStore === undefined || !existsSync(keptStore)) {
    const store = await openHistoryStore({ path: file });
    for (const { run, attempts } of history()) {
      await store.recordRun(run);
      await store.recordAttempts(attempts);
    }
    await store.close();
  }
  const out = join(folder, 'flaky-dashboard.html');
  const cli = join(dirname(createRequire(import.meta.url).resolve('@proving-ground/flaky-detector/package.json')), 'dist', 'cli.mjs');
  // Preloaded into the command's own process: its peak resident memory and CPU time (user and system,
  // all threads), printed on exit. CPU time moves less than wall time on a machine shared with other work.
  const peak = `data:text/javascript,process.on('exit',()=>{const u=process.cpuUsage();process.stderr.write('peak '+process.resourceUsage().maxRSS+' cpu '+(u.user+u.system)/1e6+'\\n')})`;
  for (const window of [[], ['--last', String(Math.ceil(RUNS / 5))]]) {
    const started = performance.now();
    const command = spawnSync(
      process.execPath,
      ['--import', peak, cli, 'report', '--format', 'html', '--store', file, '--out', out, ...window],
      {
        encoding: 'utf8',
      },
    );
    if (command.status !== 0) throw new Error(`flaky-detector report failed: ${command.stderr}`);
    const seconds = (performance.now() - started) / 1000;
    const measured = /peak (\d+) cpu ([\d.]+)/.exec(command.stderr);
    const peakKiB = Number(measured?.[1] ?? NaN);
    const cpuSeconds = Number(measured?.[2] ?? NaN);
    console.log(
      `flaky-detector report --format html${window.length === 0 ? '' : ` ${window.join(' ')}`} on the SQLite store (${mib(statSync(file).size).toFixed(0)} MiB): ${seconds.toFixed(2)} s (${cpuSeconds.toFixed(2)} s of CPU), ` +
        `peak resident ${mib(peakKiB * 1024).toFixed(0)} MiB, dashboard ${mib(statSync(out).size).toFixed(1)} MiB`,
    );
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
