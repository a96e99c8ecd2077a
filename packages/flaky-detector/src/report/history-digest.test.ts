import { describe, expect, it } from '@jest/globals';
import type { AttemptRecord, AttemptStatus, RunRecord } from '../model.js';
import { digestHistory } from './history-digest.js';

function run(runId: string, minute: number, wallMs?: number): RunRecord {
  const startedAt = new Date(Date.UTC(2026, 0, 1, 0, minute));
  return {
    runId,
    nodeVersion: 'v24.11.0',
    os: 'linux',
    startedAt: startedAt.toISOString(),
    ...(wallMs === undefined ? {} : { finishedAt: new Date(startedAt.getTime() + wallMs).toISOString() }),
  };
}

function attempt(runId: string, testId: string, number: number, status: AttemptStatus, durationMs: number): AttemptRecord {
  return { runId, testId, file: `src/${testId}.test.ts`, fullName: `test ${testId}`, attempt: number, status, durationMs };
}

describe('digestHistory', () => {
  it('should take each test’s last attempt as its outcome in a run, whatever order the attempts come in', () => {
    const history = {
      runs: [run('r1', 0, 5000), run('r2', 1)],
      attempts: [
        attempt('r1', 'a', 2, 'passed', 30),
        attempt('r1', 'a', 1, 'failed', 10),
        attempt('r1', 'b', 1, 'failed', 20),
        attempt('r1', 'b', 2, 'failed', 20),
        attempt('r1', 'c', 1, 'skipped', 0),
        attempt('r2', 'a', 1, 'passed', 20),
        attempt('r2', 'b', 1, 'passed', 40),
      ],
    };

    const digest = digestHistory(history);

    expect(
      digest.runs.map(({ runId, passed, failed, skipped, flaky, retries, passRate, durationMs, testTimeMs }) => ({
        runId,
        passed,
        failed,
        skipped,
        flaky,
        retries,
        passRate,
        durationMs,
        testTimeMs,
      })),
    ).toEqual([
      { runId: 'r1', passed: 1, failed: 1, skipped: 1, flaky: 1, retries: 2, passRate: 0.5, durationMs: 5000, testTimeMs: 80 },
      { runId: 'r2', passed: 2, failed: 0, skipped: 0, flaky: 0, retries: 0, passRate: 1, durationMs: 60, testTimeMs: 60 },
    ]);
    expect(
      digest.tests.map(({ testId, runs, failedRuns, flakyRuns, medianMs, lastStatus }) => ({
        testId,
        runs,
        failedRuns,
        flakyRuns,
        medianMs,
        lastStatus,
      })),
    ).toEqual([
      { testId: 'a', runs: 2, failedRuns: 0, flakyRuns: 1, medianMs: 20, lastStatus: 'passed' },
      { testId: 'b', runs: 2, failedRuns: 1, flakyRuns: 0, medianMs: 20, lastStatus: 'passed' },
      { testId: 'c', runs: 1, failedRuns: 0, flakyRuns: 0, medianMs: 0, lastStatus: 'skipped' },
    ]);
    expect(digest.heatmap.rows.map((row) => [row.testId, row.cells])).toEqual([
      ['b', 'fp'],
      ['a', 'kp'],
      ['c', 's.'],
    ]);
  });

  it('should cap the heatmap at the latest runs and the most troubled tests, and say how many it left out', () => {
    const runs = Array.from({ length: 5 }, (_, index) => run(`r${index}`, index));
    const attempts = runs.flatMap((entry, index) => [
      attempt(entry.runId, 'steady', 1, 'passed', 5),
      attempt(entry.runId, 'early', 1, index === 0 ? 'failed' : 'passed', 5),
      attempt(entry.runId, 'late', 1, index === 4 ? 'failed' : 'passed', 5),
    ]);

    const { heatmap } = digestHistory({ runs, attempts }, { runs: 3, tests: 1 });

    expect(heatmap).toEqual({
      runIds: ['r2', 'r3', 'r4'],
      rows: [{ testId: 'late', fullName: 'test late', cells: 'ppf' }],
      omittedTests: 2,
      omittedRuns: 2,
    });
  });
});
