// What the flaky-detector reporter adds per test on a 10,000-test suite, store writes included
// (target: at most 20 µs per test). `node flaky-detector/reporter-overhead.bench.mjs [tests] [reps]`
// after `npm run build -w packages/flaky-detector`. `[history]` (default 20, as the reporter's `historyRuns`): the earlier runs the
// reporter reads and scores at run start (its `historyRuns` option), reported apart: a cost per run,
// not per test.
//
// 1. The reporter class alone, driven as Jest drives it (onRunStart, one onTestCaseResult per test,
//    one onTestFileResult per file, onRunComplete) with synthetic results, against the same loop
//    without it: the reporter's own cost, SQLite writes included, free of Jest's noise.
// 2. Real Jest (--runInBand) on a generated suite of the same size: Jest alone, with the reporter,
//    with the reporter and a no-op jest-circus event handler (jest-circus's own cost of any
//    handler), and with the reporter and the setup file (which times every attempt in the worker).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import FlakyDetectorReporter from '@proving-ground/flaky-detector/reporter';

const TESTS = Number(process.argv[2] ?? 10_000);
const REPS = Number(process.argv[3] ?? 5);
const HISTORY = Number(process.argv[4] ?? 20);
const FILES = 20;
const PER_FILE = Math.ceil(TESTS / FILES);
const scratch = join(dirname(fileURLToPath(import.meta.url)), '.tmp');
mkdirSync(scratch, { recursive: true });
const jestBin = join(dirname(createRequire(import.meta.url).resolve('jest/package.json')), 'bin', 'jest.js');

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const us = (ms) => ((ms * 1000) / TESTS).toFixed(2);

/** Jest's per-test result, as onTestCaseResult and the file result carry it; 1 % of tests fail. */
function synthetic(file, index) {
  const failed = index % 100 === 99;
  return {
    ancestorTitles: [`suite ${file}`],
    title: `test number ${index}`,
    fullName: `suite ${file} test number ${index}`,
    status: failed ? 'failed' : 'passed',
    duration: 1 + (index % 7),
    invocations: 1,
    failureMessages: failed
      ? [`Error: expected ${index} to be ${index + 1}\n    at Object.<anonymous> (/repo/test/file-${file}.test.js:${index}:5)`]
      : [],
    numPassingAsserts: 1,
    retryReasons: [],
  };
}

/** One run of the synthetic suite through `reporter` (or through nothing): ms at run start, and in all. */
async function driveOnce(reporter, root) {
  const started = performance.now();
  await reporter?.onRunStart({}, {});
  const start = performance.now() - started;
  let failed = 0;
  for (let file = 0; file < FILES; file++) {
    const path = join(root, `file-${file}.test.js`);
    const testResults = [];
    for (let index = 0; index < PER_FILE; index++) {
      const result = synthetic(file, index);
      if (result.status === 'failed') failed++;
      reporter?.onTestCaseResult({ path }, result);
      testResults.push(result);
    }
    await reporter?.onTestFileResult({ path }, { testFilePath: path, testResults });
  }
  await reporter?.onRunComplete(new Set(), {
    numPassedTests: TESTS - failed,
    numFailedTests: failed,
    numPendingTests: 0,
    numTodoTests: 0,
    numRuntimeErrorTestSuites: 0,
  });
  return { start, total: performance.now() - started };
}

async function reporterClass() {
  const root = mkdtempSync(join(scratch, 'reporter-'));
  try {
    const without = [];
    const perTest = [];
    const starts = [];
    // Earlier runs first, so each measured run starts by reading (and scoring) a history of HISTORY runs.
    for (let run = 0; run < HISTORY; run++) {
      await driveOnce(new FlakyDetectorReporter({ rootDir: root }, { store: 'history.sqlite', silent: true, historyRuns: 1 }), root);
    }
    for (let rep = 0; rep < REPS; rep++) {
      without.push((await driveOnce(undefined, root)).total);
      const options = { store: 'history.sqlite', silent: true, historyRuns: HISTORY };
      const { start, total } = await driveOnce(new FlakyDetectorReporter({ rootDir: root }, options), root);
      starts.push(start);
      perTest.push(total - start);
    }
    return { without: median(without), perTest: median(perTest), start: median(starts) };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** A project of FILES test files with PER_FILE trivial tests each. */
function generatedSuite() {
  const dir = mkdtempSync(join(scratch, 'jest-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'overhead', private: true }));
  mkdirSync(join(dir, 'tests'));
  for (let file = 0; file < FILES; file++) {
    writeFileSync(
      join(dir, 'tests', `file-${file}.test.js`),
      `describe('suite ${file}', () => {\n  for (let i = 0; i < ${PER_FILE}; i++) test('test number ' + i, () => { expect(i).toBe(i); });\n});\n`,
    );
  }
  const reporter = [
    '@proving-ground/flaky-detector/reporter',
    { store: 'history.sqlite', silent: true, historyRuns: HISTORY, earlyDetection: false },
  ];
  // A setup file that adds one jest-circus event handler doing nothing: what jest-circus itself
  // costs for any handler (it awaits each one, with its state, at every event of every test).
  writeFileSync(
    join(dir, 'noop-handler.js'),
    `const slot = Symbol.for('EVENT_HANDLERS');
const noop = () => undefined;
if (Array.isArray(globalThis[slot])) globalThis[slot].unshift(noop);
else Object.defineProperty(globalThis, slot, { configurable: true, get: () => undefined, set(value) { Object.defineProperty(globalThis, slot, { value, writable: true, configurable: true }); value.unshift(noop); } });
`,
  );
  const configs = {
    jest: { testEnvironment: 'node', transform: {}, reporters: ['summary'] },
    reporter: { testEnvironment: 'node', transform: {}, reporters: ['summary', reporter] },
    handler: {
      testEnvironment: 'node',
      transform: {},
      reporters: ['summary', reporter],
      setupFilesAfterEnv: ['<rootDir>/noop-handler.js'],
    },
    setup: {
      testEnvironment: 'node',
      transform: {},
      reporters: ['summary', reporter],
      setupFilesAfterEnv: ['@proving-ground/flaky-detector/setup'],
    },
  };
  for (const [name, config] of Object.entries(configs))
    writeFileSync(join(dir, `${name}.config.js`), `module.exports = ${JSON.stringify(config)};\n`);
  return dir;
}

function jestOnce(dir, config) {
  const started = performance.now();
  execFileSync(
    process.execPath,
    [jestBin, '--config', `${config}.config.js`, '--runInBand', '--ci', `--cacheDirectory=${join(dir, '.cache')}`],
    {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  return performance.now() - started;
}

async function realJest() {
  const dir = generatedSuite();
  try {
    jestOnce(dir, 'jest'); // warm the transform cache
    const times = { jest: [], reporter: [], handler: [], setup: [] };
    // Interleaved, so a change in the machine's load hits the three alike; differences are taken within a repetition.
    for (let rep = 0; rep < REPS; rep++) for (const config of Object.keys(times)) times[config].push(jestOnce(dir, config));
    return times;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** µs per test of `ms` for the whole suite. */
const perTest = (ms) => (ms * 1000) / TESTS;
const spread = (values) => `${perTest(Math.min(...values)).toFixed(1)} to ${perTest(Math.max(...values)).toFixed(1)}`;

const drive = await reporterClass();
console.log(`reporter class, ${TESTS} tests in ${FILES} files, median of ${REPS} runs:`);
console.log(`  run start (read and score ${HISTORY} earlier runs of ${TESTS} tests, write the run folder): ${drive.start.toFixed(0)} ms`);
console.log(
  `  per test: ${perTest(drive.perTest).toFixed(2)} µs with the reporter, ${perTest(drive.without).toFixed(2)} µs for the same loop without it`,
);
console.log(`  added per test, store writes included: ${us(drive.perTest - drive.without)} µs (target <= 20 µs)`);

const jest = await realJest();
const base = median(jest.jest);
const added = (config) => jest[config].map((ms, rep) => ms - jest.jest[rep]);
console.log(`real Jest --runInBand, ${TESTS} tests, ${REPS} interleaved runs of each (medians; per-run differences in brackets):`);
console.log(`  Jest alone: ${perTest(base).toFixed(1)} µs per test (${base.toFixed(0)} ms)`);
for (const [config, label] of [
  ['reporter', 'with the reporter'],
  ['handler', 'with the reporter and a no-op jest-circus handler (what any event handler costs)'],
  ['setup', 'with the reporter and the setup file'],
]) {
  const ms = median(jest[config]);
  const differences = added(config);
  console.log(
    `  ${label}: ${perTest(ms).toFixed(1)} µs per test, ${(ms / base).toFixed(3)}x Jest alone; ` +
      `added ${perTest(median(differences)).toFixed(1)} µs per test [${spread(differences)}], ` +
      `of which the run start (once per run, measured on the class above) ${perTest(drive.start).toFixed(1)} µs: ` +
      `${(perTest(median(differences)) - perTest(drive.start)).toFixed(1)} µs per test beyond it (target <= 20 µs)`,
  );
}
