import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { testModule, type JestProject } from '@proving-ground/test-kit';
import { outcomesByTest, reporterProject, storedHistory } from './reporter-projects.js';

// --- Test files of the temporary projects (typed here, written there with testModule) ---

declare const test: typeof import('@jest/globals').test;

function knownFile(): void {
  test('lists the orders', () => undefined);
}

/** A new test that passes twice and fails on its third call; a new test that always passes. */
function newFile(): void {
  let calls = 0;
  test('exports the orders', () => {
    calls++;
    if (calls === 3) throw new Error('the export raced the writer');
  });
  test('counts the orders', () => undefined);
}

/** A new test that fails every time. */
function brokenFile(): void {
  test('refunds the order', () => {
    throw new Error('refunds are not written yet');
  });
}

// --- The checks ---

const passed = (times: number): string[] => Array.from({ length: times }, () => 'passed');

describe('early detection of flaky new tests in real Jest runs', () => {
  const projects: JestProject[] = [];
  afterAll(() => projects.forEach((project) => project.remove()));

  function project(options: Record<string, unknown> = {}): JestProject {
    const created = reporterProject({ setup: true, options, files: { 'orders.test.js': testModule(knownFile) } });
    projects.push(created);
    return created;
  }

  it('should run new tests ten times before they pass, and fail the run on a new test that fails one run', async () => {
    const orders = project();
    const first = await orders.run();
    orders.write('export.test.js', testModule(newFile));

    const second = await orders.run();

    expect([first.exitCode, second.exitCode]).toEqual([0, 1]);
    const history = await storedHistory(orders);
    expect(history.runs.map((run) => outcomesByTest(history, run.runId))).toEqual([
      // No history before the first run: nothing is new yet, so nothing runs more than once.
      { 'lists the orders': ['passed'] },
      {
        'lists the orders': ['passed'],
        // Stops at the first failure: passing and failing once each is proof enough.
        'exports the orders': ['passed', 'passed', 'failed'],
        'counts the orders': passed(10),
      },
    ]);
    const failure = second.tests.find((outcome) => outcome.fullName === 'exports the orders')!;
    expect(failure.status).toBe('failed');
    expect(failure.failureMessages.join('\n')).toContain(
      '[flaky-detector] Failed to let the new test "exports the orders" (', // id, then the reason
    );
    expect(failure.failureMessages.join('\n')).toContain('it failed 1 of its 3 early-detection runs, and a new test must pass every run');
    expect(failure.failureMessages.join('\n')).toContain('the export raced the writer');
    expect(second.stderr).toContain('flaky-detector: early detection ran 2 new or changed tests 13 times in all; 1 failed a run');
  });

  it('should stop repeating a new test that fails its first two runs, and fail the run with its own error', async () => {
    const orders = project();
    await orders.run();
    orders.write('refunds.test.js', testModule(brokenFile));

    const second = await orders.run();

    expect(second.exitCode).toBe(1);
    const history = await storedHistory(orders);
    expect(outcomesByTest(history, history.runs[1]!.runId)['refunds the order']).toEqual(['failed', 'failed']);
    const failure = second.tests.find((outcome) => outcome.fullName === 'refunds the order')!;
    expect(failure.failureMessages.join('\n')).toContain('refunds are not written yet');
    expect(failure.failureMessages.join('\n')).not.toContain('Failed to let the new test');
  });

  it('should stop repeating new tests when the run time budget is spent', async () => {
    const orders = project({ earlyDetection: { budgetMs: 0 } });
    await orders.run();
    orders.write('export.test.js', testModule(newFile));

    const second = await orders.run();

    expect(second.exitCode).toBe(0);
    const history = await storedHistory(orders);
    expect(outcomesByTest(history, history.runs[1]!.runId)).toEqual({
      'lists the orders': ['passed'],
      'exports the orders': ['passed'],
      'counts the orders': ['passed'],
    });
  });

  it('should take the runs from the table by first-run duration', async () => {
    const orders = project({ earlyDetection: { runs: [{ underMs: 60_000, runs: 3 }] } });
    await orders.run();
    orders.write('export.test.js', testModule(newFile));

    await orders.run();

    const history = await storedHistory(orders);
    expect(outcomesByTest(history, history.runs[1]!.runId)['counts the orders']).toEqual(passed(3));
  });

  it('should repeat the known tests of test files changed since a git ref', async () => {
    const orders = project({ earlyDetection: { changedSince: 'HEAD', runs: [{ underMs: 60_000, runs: 4 }] } });
    const git = (...args: string[]): string =>
      execFileSync('git', ['-c', 'user.email=ci@example.invalid', '-c', 'user.name=ci', ...args], { cwd: orders.dir, encoding: 'utf8' });
    git('init', '-q');
    git('add', 'orders.test.js');
    git('commit', '-q', '-m', 'orders');
    await orders.run();
    orders.write('orders.test.js', `${testModule(knownFile)}// changed\n`);

    await orders.run();

    const history = await storedHistory(orders);
    expect(outcomesByTest(history, history.runs[1]!.runId)).toEqual({ 'lists the orders': passed(4) });
  });
});
