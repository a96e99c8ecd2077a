import { afterAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { testModule, type JestProject } from '@proving-ground/test-kit';
import { testIdOf } from '../src/model.js';
import { lastRunId, outcomesByTest, reporterProject, storedHistory } from './reporter-projects.js';

// --- Test files of the temporary projects (typed here, written there with testModule) ---

declare const test: typeof import('@jest/globals').test;
declare const require: (id: string) => unknown;

/** Jest's own retries: a test that fails once, one that always fails, one that passes. */
function retriedByJest(jest: typeof import('@jest/globals').jest): void {
  jest.retryTimes(2);
  let calls = 0;
  describe('cart', () => {
    test('passes on its second attempt', () => {
      calls++;
      if (calls === 1) throw new Error(`first call fails (${calls})`);
    });
    test('always fails', () => {
      throw new Error('broken for good');
    });
    test('passes', () => undefined);
    test.todo('is still to write');
  });
}

/** Slow enough that a duration is more than rounding. */
function timed(): Promise<void> {
  return new Promise((done) => setTimeout(done, 30));
}

function cjsRetried(): void {
  retriedByJest((require('@jest/globals') as typeof import('@jest/globals')).jest);
}

async function esmRetried(): Promise<void> {
  retriedByJest((await import('@jest/globals')).jest);
}

function timedFile(): void {
  test('waits 30 ms', () => timed());
}

/**
 * Under Jest's fake timers from the first test on (still on when each test starts and ends): one
 * test moves the fake clock a minute, the next blocks for 40 ms of real time while the fake clock stands.
 */
function fakeTimersFile(): void {
  const { afterAll, jest } = require('@jest/globals') as typeof import('@jest/globals');
  jest.useFakeTimers();
  afterAll(() => {
    jest.useRealTimers();
  });
  test('moves the fake clock a minute', () => {
    let fired = false;
    setTimeout(() => (fired = true), 60_000);
    jest.advanceTimersByTime(60_000);
    if (!fired) throw new Error('the fake timer did not fire');
  });
  test('blocks for 40 ms of real time under fake timers', () => {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 40);
  });
}

const LOCKFILE = '{"name":"fixture","lockfileVersion":3}\n';

describe('reporter: every attempt of every test', () => {
  const projects: JestProject[] = [];
  afterAll(() => projects.forEach((project) => project.remove()));

  it.each([
    {
      mode: 'CommonJS without the setup file (attempts from onTestCaseResult)',
      esm: false,
      setup: false,
      file: testModule(cjsRetried, retriedByJest),
    },
    {
      mode: 'native ESM with the setup file (attempts from the side channel)',
      esm: true,
      setup: true,
      file: testModule(esmRetried, retriedByJest),
    },
  ])('should record each attempt of Jest retries with its status, number and fingerprint: $mode', async ({ esm, setup, file }) => {
    const project = reporterProject({ esm, setup, files: { 'cart.test.js': file } });
    projects.push(project);

    const run = await project.run({ env: { GITHUB_SHA: 'c0ffee', GITHUB_ACTIONS: 'true', GITHUB_WORKFLOW: 'ci', GITHUB_JOB: 'unit' } });

    expect(run.exitCode).toBe(1);
    const history = await storedHistory(project);
    const runId = lastRunId(history);
    expect(outcomesByTest(history, runId)).toEqual({
      'cart passes on its second attempt': ['failed', 'passed'],
      'cart always fails': ['failed', 'failed', 'failed'],
      'cart passes': ['passed'],
      'cart is still to write': ['todo'],
    });
    const broken = history.attempts.filter((attempt) => attempt.fullName === 'cart always fails');
    expect(new Set(broken.map((attempt) => attempt.errorFingerprint)).size).toBe(1);
    expect(broken[0]).toMatchObject({ file: 'cart.test.js', testId: testIdOf('cart.test.js', 'cart always fails'), attempt: 1 });
    expect(history.runs).toEqual([
      expect.objectContaining({
        runId,
        commit: 'c0ffee',
        ciJob: 'ci/unit',
        nodeVersion: process.version,
        os: `${process.platform}-${process.arch}`,
        totals: { passed: 2, failed: 1, skipped: 0, todo: 1 },
        suiteErrors: 0,
        finishedAt: expect.any(String),
      }),
    ]);
  });

  it("should time attempts by the real clock when a test uses Jest's fake timers", async () => {
    const project = reporterProject({
      setup: true,
      options: { earlyDetection: false },
      files: { 'clock.test.js': testModule(fakeTimersFile) },
    });
    projects.push(project);

    const run = await project.run();

    expect(run.exitCode).toBe(0);
    const history = await storedHistory(project);
    const duration = (name: string): number | undefined => history.attempts.find((attempt) => attempt.fullName === name)?.durationMs;
    expect(duration('moves the fake clock a minute')).toBeLessThan(5_000);
    expect(duration('blocks for 40 ms of real time under fake timers')).toBeGreaterThanOrEqual(38);
  });

  it('should key the run by the lockfile hash and the shard, one run per shard', async () => {
    const project = reporterProject({
      setup: true,
      options: { runId: 'ci-41', earlyDetection: false },
      files: { 'package-lock.json': LOCKFILE, 'a.test.js': testModule(timedFile, timed), 'b.test.js': testModule(timedFile, timed) },
    });
    projects.push(project);

    const first = await project.run({ args: ['--shard=1/2'] });
    const second = await project.run({ args: ['--shard=2/2'] });

    expect([first.exitCode, second.exitCode]).toEqual([0, 0]);
    const history = await storedHistory(project);
    const lockfileHash = createHash('sha256').update(LOCKFILE).digest('hex').slice(0, 16);
    expect(history.runs.map(({ runId, shard, lockfileHash: hash }) => ({ runId, shard, hash }))).toEqual([
      { runId: 'ci-41-shard-1-of-2', shard: '1/2', hash: lockfileHash },
      { runId: 'ci-41-shard-2-of-2', shard: '2/2', hash: lockfileHash },
    ]);
    expect(history.attempts.map((attempt) => attempt.file).sort()).toEqual(['a.test.js', 'b.test.js']);
    // The setup file times each attempt itself, to the microsecond, where Jest gives whole milliseconds.
    for (const attempt of history.attempts) expect(attempt.durationMs).toBeGreaterThanOrEqual(25);
    expect(history.attempts.some((attempt) => !Number.isInteger(attempt.durationMs))).toBe(true);
  });
});
