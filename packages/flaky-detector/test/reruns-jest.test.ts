import { afterAll, describe, expect, it } from '@jest/globals';
import { testModule, type JestProject } from '@proving-ground/test-kit';
import { testIdOf } from '../src/model.js';
import { backoffDelay } from '../src/reruns/backoff.js';
import { lastRunId, outcomesByTest, reporterProject, storedHistory } from './reporter-projects.js';

// --- Test files of the temporary projects (typed here, written there with testModule) ---

declare const test: typeof import('@jest/globals').test;
declare const beforeEach: typeof import('@jest/globals').beforeEach;
declare const afterEach: typeof import('@jest/globals').afterEach;
declare const process: NodeJS.Process;
declare const require: (id: string) => unknown;

/** A uniform draw in [0, 1) from a seed and a call number (mulberry32): the outer test computes the same. */
function draw(seed: number, call: number): number {
  let t = (Math.imul(seed, 0x9e3779b1) + Math.imul(call, 0x85ebca6b)) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** A test failing with probability 0.3 on each call, seeded by RUN_SEED; and a stable one. */
function seededFlaky(): void {
  let calls = 0;
  describe('checkout', () => {
    test('reserves the stock', () => {
      calls++;
      if (draw(Number(process.env['RUN_SEED']), calls) < 0.3) throw new Error(`stock service timed out (call ${calls})`);
    });
    test('totals the cart', () => undefined);
  });
}

/** Each attempt's hooks and start time go to OUT_DIR, to show hooks run again and the waits between attempts. */
function hooksAndPatterns(): void {
  const { writeFileSync } = require('node:fs') as typeof import('node:fs');
  const events: string[] = [];
  const starts: number[] = [];
  let resets = 0;
  let broken = 0;
  beforeEach(() => {
    events.push('beforeEach');
  });
  afterEach(() => {
    events.push('afterEach');
    writeFileSync(`${process.env['OUT_DIR']}/events.json`, JSON.stringify({ events, starts }));
  });
  test('talks to the flaky service', () => {
    starts.push(Date.now());
    resets++;
    if (resets < 3) throw new Error('read ECONNRESET');
  });
  test('is broken for good', () => {
    broken++;
    throw new Error(`expected 3 lines, got 2 (call ${broken})`);
  });
}

/** A test that fails its first two calls, in every file of the budget project. */
function failsTwice(): void {
  let calls = 0;
  test('fails twice, then passes', () => {
    calls++;
    if (calls <= 2) throw new Error(`not yet (call ${calls})`);
  });
}

function alwaysFails(): void {
  test('fails with a regression', () => {
    throw new Error('expected 3 lines, got 2');
  });
}

/** A snapshot match, then a failure on the first call: the retry must match the same snapshot again. */
function snapshotThenReset(): void {
  let calls = 0;
  test('renders the receipt', () => {
    calls++;
    expect({ total: 12 }).toMatchSnapshot();
    if (calls === 1) throw new Error('read ECONNRESET');
  });
}

const RECEIPT_SNAPSHOT =
  '// Jest Snapshot v1, https://jestjs.io/docs/snapshot-testing\n\nexports[`renders the receipt 1`] = `\n{\n  "total": 12,\n}\n`;\n';

// --- The checks ---

/** What the seeded test does in one run with `maxRetries`: its outcomes until it passes or runs out. */
function expectedAttempts(seed: number, maxRetries: number): string[] {
  const outcomes: string[] = [];
  for (let call = 1; call <= maxRetries + 1; call++) {
    const failed = draw(seed, call) < 0.3;
    outcomes.push(failed ? 'failed' : 'passed');
    if (!failed) break;
  }
  return outcomes;
}

const RESERVE = testIdOf('checkout.test.js', 'checkout reserves the stock');
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

describe('reruns in real Jest runs', () => {
  const projects: JestProject[] = [];
  afterAll(() => projects.forEach((project) => project.remove()));

  it('should retry a known-flaky test failing with probability 0.3, run after run, recording every attempt', async () => {
    const project = reporterProject({
      setup: true,
      options: { earlyDetection: false, retries: { knownFlaky: false, tests: [RESERVE], maxRetries: 2, initialDelayMs: 1, maxDelayMs: 4 } },
      files: { 'checkout.test.js': testModule(seededFlaky, draw) },
    });
    projects.push(project);

    const runs = [];
    for (const seed of SEEDS) runs.push(await project.run({ env: { RUN_SEED: String(seed) } }));

    const history = await storedHistory(project);
    const expected = SEEDS.map((seed) => expectedAttempts(seed, 2));
    expect(history.runs.map((run) => outcomesByTest(history, run.runId)['checkout reserves the stock'])).toEqual(expected);
    expect(history.runs.map((run) => outcomesByTest(history, run.runId)['checkout totals the cart'])).toEqual(SEEDS.map(() => ['passed']));
    expect(runs.map((run) => run.exitCode)).toEqual(expected.map((outcomes) => (outcomes.at(-1) === 'passed' ? 0 : 1)));
    // The draws make some runs need a retry: the test would prove nothing if none did.
    expect(expected.filter((outcomes) => outcomes.length > 1).length).toBeGreaterThan(0);
  });

  it('should retry failures matching the error pattern with backoff, running the hooks again, and never retry the rest', async () => {
    const project = reporterProject({
      setup: true,
      options: {
        earlyDetection: false,
        retries: {
          knownFlaky: false,
          errorPattern: 'ECONNRESET|socket hang up',
          maxRetries: 3,
          initialDelayMs: 150,
          factor: 2,
          maxDelayMs: 1000,
          seed: 7,
        },
      },
      files: { 'service.test.js': testModule(hooksAndPatterns) },
    });
    projects.push(project);

    const run = await project.run();

    expect(run.exitCode).toBe(1);
    const history = await storedHistory(project);
    expect(outcomesByTest(history, lastRunId(history))).toEqual({
      'talks to the flaky service': ['failed', 'failed', 'passed'],
      'is broken for good': ['failed'],
    });
    expect(run.tests.map((outcome) => [outcome.fullName, outcome.status])).toEqual([
      ['talks to the flaky service', 'passed'],
      ['is broken for good', 'failed'],
    ]);
    const { events, starts } = run.outputs['events.json'] as { events: string[]; starts: number[] };
    expect(events).toEqual(Array.from({ length: 4 }, () => ['beforeEach', 'afterEach']).flat());
    const id = testIdOf('service.test.js', 'talks to the flaky service');
    const options = { initialDelayMs: 150, factor: 2, maxDelayMs: 1000, seed: 7 };
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(backoffDelay(options, id, 1));
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(backoffDelay(options, id, 2));
    expect(run.stderr).toContain('flaky-detector: 1 test retried (seed 7)');
  });

  it("should roll back a failed attempt's snapshot checks, as Jest's own retries do", async () => {
    const project = reporterProject({
      setup: true,
      options: { earlyDetection: false, retries: { knownFlaky: false, errorPattern: 'ECONNRESET', initialDelayMs: 1, maxDelayMs: 2 } },
      files: { 'receipt.test.js': testModule(snapshotThenReset), '__snapshots__/receipt.test.js.snap': RECEIPT_SNAPSHOT },
    });
    projects.push(project);

    const run = await project.run();

    expect(run.exitCode).toBe(0);
    // Without the rollback the retry would look for a second snapshot, "renders the receipt 2".
    expect(run.stderr).toMatch(/Snapshots:\s+1 passed, 1 total/);
  });

  it('should retry the tests the history classes as flaky, and only those', async () => {
    const project = reporterProject({
      setup: true,
      options: { earlyDetection: false, retries: { initialDelayMs: 1, maxDelayMs: 2 } },
      files: { 'a.test.js': testModule(failsTwice), 'b.test.js': testModule(alwaysFails) },
    });
    projects.push(project);
    // The first run fails it (nothing known yet); Jest's own retries in a second run show it passing
    // and failing on the same code, which classes it flaky.
    const first = await project.run();
    project.write('a.test.js', `jest.retryTimes(2);\n${testModule(failsTwice)}`);
    await project.run();
    project.write('a.test.js', testModule(failsTwice));

    const third = await project.run();

    expect([first.exitCode, third.exitCode]).toEqual([1, 1]);
    expect(third.tests.map((outcome) => [outcome.fullName, outcome.status]).sort()).toEqual([
      ['fails twice, then passes', 'passed'],
      ['fails with a regression', 'failed'],
    ]);
    const history = await storedHistory(project);
    expect(history.runs.map((run) => outcomesByTest(history, run.runId))).toEqual([
      { 'fails twice, then passes': ['failed'], 'fails with a regression': ['failed'] },
      { 'fails twice, then passes': ['failed', 'failed', 'passed'], 'fails with a regression': ['failed'] },
      // Flaky by the history: retried. Broken (failing every attempt): never retried.
      { 'fails twice, then passes': ['failed', 'failed', 'passed'], 'fails with a regression': ['failed'] },
    ]);
  });

  it('should share the retry budget across workers', async () => {
    const files = Object.fromEntries(['a', 'b', 'c', 'd'].map((name) => [`${name}.test.js`, testModule(failsTwice)]));
    const ids = ['a', 'b', 'c', 'd'].map((name) => testIdOf(`${name}.test.js`, 'fails twice, then passes'));
    const project = reporterProject({
      setup: true,
      options: {
        earlyDetection: false,
        retries: { knownFlaky: false, tests: ids, budget: 3, maxRetries: 2, initialDelayMs: 1, maxDelayMs: 2 },
      },
      files,
    });
    projects.push(project);

    const run = await project.run({ args: ['--maxWorkers=2'] });

    expect(run.exitCode).toBe(1);
    const history = await storedHistory(project);
    const retries = history.attempts.filter((attempt) => attempt.attempt > 1);
    expect(retries).toHaveLength(3);
    expect(history.attempts.filter((attempt) => attempt.attempt === 1)).toHaveLength(4);
  });
});
