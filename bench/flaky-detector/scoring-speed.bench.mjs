// Scoring speed and memory over the large history, 1,000 runs x 10,000 tests, in a fresh
// process per mode so each peak is its own:
//   stream:  runs fed one at a time to createHistoryAnalyzer (what `flaky-detector report` does);
//   history: the whole History in memory (10 M attempt objects), then analyzeHistory.
// Only the scoring calls are timed (building the synthetic attempts is not). The HTML report on
// top is measured by report.bench.mjs.
// `node flaky-detector/scoring-speed.bench.mjs [runs] [tests]` after `npm run build -w packages/flaky-detector`.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { analyzeHistory, createHistoryAnalyzer, testIdOf } from '@proving-ground/flaky-detector';

const numbers = process.argv
  .slice(2)
  .filter((arg) => /^\d+$/.test(arg))
  .map(Number);
const RUNS = numbers[0] ?? 1000;
const TESTS = numbers[1] ?? 10_000;
const mode = process.argv.find((arg) => arg === 'stream' || arg === 'history');

function* generatedRuns() {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const tests = Array.from({ length: TESTS }, (_, index) => {
    const file = `src/area-${index % 500}.test.ts`;
    const fullName = `area ${index % 500} case ${index}`;
    return { file, fullName, testId: testIdOf(file, fullName), p: index % 200 === 0 ? 0.05 + (index % 7) / 20 : 0, ms: 1 + (index % 97) };
  });
  for (let r = 0; r < RUNS; r++) {
    const run = {
      runId: `run-${r}`,
      commit: `c${Math.floor(r / 2)}`,
      nodeVersion: 'v24',
      os: 'linux',
      startedAt: new Date(Date.UTC(2026, 0, 1) + r * 60_000).toISOString(),
    };
    const attempts = [];
    for (const test of tests) {
      const failed = test.p > 0 && random() < test.p;
      const base = { runId: run.runId, testId: test.testId, file: test.file, fullName: test.fullName };
      attempts.push({ ...base, attempt: 1, status: failed ? 'failed' : 'passed', durationMs: test.ms });
      if (failed) attempts.push({ ...base, attempt: 2, status: 'passed', durationMs: test.ms });
    }
    yield { run, attempts };
  }
}

if (mode === undefined) {
  const self = fileURLToPath(import.meta.url);
  for (const each of ['stream', 'history']) {
    const child = spawnSync(process.execPath, ['--max-old-space-size=6000', self, each, String(RUNS), String(TESTS)], { encoding: 'utf8' });
    if (child.status !== 0) {
      console.log(`${each}: failed\n${child.stderr}`);
      continue;
    }
    const result = JSON.parse(child.stdout);
    console.log(
      `${each}: ${RUNS} runs x ${TESTS} tests (${result.attempts.toLocaleString('en')} attempts): scoring ${result.seconds.toFixed(2)} s, ` +
        `peak RSS ${result.peakMiB.toFixed(0)} MiB (${result.flaky} flaky, ${result.groups} groups, ${result.recommendations} recommendations)`,
    );
  }
} else {
  let seconds = 0;
  let peak = 0;
  let attempts = 0;
  let analysis;
  if (mode === 'stream') {
    const analyzer = createHistoryAnalyzer();
    for (const { run, attempts: list } of generatedRuns()) {
      const started = performance.now();
      analyzer.addRun(run, list);
      seconds += (performance.now() - started) / 1000;
      attempts += list.length;
      if (run.runId.endsWith('0')) peak = Math.max(peak, process.memoryUsage().rss);
    }
    const started = performance.now();
    analysis = analyzer.finish();
    seconds += (performance.now() - started) / 1000;
  } else {
    const history = { runs: [], attempts: [] };
    for (const { run, attempts: list } of generatedRuns()) {
      history.runs.push(run);
      for (const attempt of list) history.attempts.push(attempt);
    }
    attempts = history.attempts.length;
    const started = performance.now();
    analysis = analyzeHistory(history);
    seconds = (performance.now() - started) / 1000;
  }
  peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  console.log(
    JSON.stringify({
      seconds,
      peakMiB: peak / 1024 / 1024,
      attempts,
      flaky: analysis.classCounts.flaky,
      groups: analysis.groups.length,
      recommendations: analysis.recommendations.length,
    }),
  );
}
