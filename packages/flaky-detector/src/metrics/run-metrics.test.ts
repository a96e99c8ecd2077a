import { describe, expect, it } from '@jest/globals';
import { attempt, sampleAttempts, sampleRun } from '../../test/fixtures/metrics-run.js';
import { isFlakyError } from '../errors.js';
import { testIdOf } from '../model.js';
import { runMetrics } from './run-metrics.js';

describe('runMetrics', () => {
  it('should count the run by status, attempts, flaky tests and coverage ratios, leaving other runs out', () => {
    const metrics = runMetrics(sampleRun(), sampleAttempts());

    expect(metrics.status).toBe('failure');
    expect(metrics.durationSeconds).toBe(90);
    expect(metrics.startSeconds).toBe(Date.parse('2026-12-01T10:00:00.000Z') / 1000);
    expect(metrics.tests).toEqual({ passed: 3, failed: 1, skipped: 1, todo: 0 });
    expect(metrics.attempts).toEqual({ passed: 3, failed: 3, skipped: 1, todo: 0 });
    expect(metrics.flakyTests).toBe(1);
    expect(metrics.coverage).toEqual({ lines: 0.815, statements: 0.8, functions: 0.75, branches: 0.625 });
    expect(metrics.testDurations.sort((a, b) => a - b)).toEqual([0.1, 0.12, 0.55, 2]);
  });

  it('should aggregate per file by default: outcomes, attempts and the time of every attempt', () => {
    const { groups } = runMetrics(sampleRun(), sampleAttempts());

    expect(groups.map((group) => group.labels)).toEqual([{ file: 'src/cart.test.ts' }, { file: 'src/orders.test.ts' }]);
    expect(groups[0]).toMatchObject({
      tests: { passed: 1, flaky: 1, failed: 0, skipped: 1, todo: 0 },
      attempts: { passed: 2, failed: 1, skipped: 1, todo: 0 },
      durationSeconds: 0.67,
      flakiness: undefined,
    });
    expect(groups[1]).toMatchObject({ tests: { passed: 1, failed: 1 }, attempts: { passed: 1, failed: 2 } });
  });

  it('should take the highest score and count classes per group when scores are given', () => {
    const scores = [
      { testId: testIdOf('src/cart.test.ts', 'cart should total "gross" prices'), score: 0.3, class: 'flaky' as const },
      { testId: testIdOf('src/cart.test.ts', 'cart should add a line'), score: 0, class: 'stable' as const },
      { testId: testIdOf('src/orders.test.ts', 'orders should ship'), score: 0, class: 'broken' as const },
    ];

    const { groups, scored } = runMetrics(sampleRun(), sampleAttempts(), { scores });

    expect(scored).toBe(true);
    expect(groups[0]?.flakiness).toBe(0.3);
    expect(groups[0]?.classes).toEqual({ new: 0, stable: 1, flaky: 1, broken: 0, fixed: 0 });
    expect(groups[1]?.classes).toMatchObject({ broken: 1 });
  });

  it('should give tests series of their own only when asked, capped, the rest added up per file under "other"', () => {
    const attempts = Array.from({ length: 5 }, (_, index) => attempt('src/a.test.ts', `a ${index}`, 'passed', 10 * (index + 1)));

    const metrics = runMetrics(sampleRun({ totals: undefined }), attempts, { granularity: 'test', maxTests: 2 });

    expect(new Set(metrics.groups.map((group) => group.labels.test))).toEqual(new Set(['a 4', 'a 3', 'other']));
    expect(metrics.groups.find((group) => group.labels.test_id === 'other')?.tests.passed).toBe(3);
    expect(metrics.tests).toEqual({ passed: 5, failed: 0, skipped: 0, todo: 0 });
    expect(metrics.warnings).toHaveLength(1);
    expect(metrics.warnings[0]).toContain("capped at 2 of the run's 5 tests");
  });

  it('should say a run without an end is in progress, with no duration', () => {
    const metrics = runMetrics(sampleRun({ finishedAt: undefined }), sampleAttempts());

    expect(metrics.status).toBe('in_progress');
    expect(metrics.durationSeconds).toBeUndefined();
  });

  it('should report every bad option at once', () => {
    let error: unknown;
    try {
      runMetrics(sampleRun(), [], { granularity: 'files' as 'file', maxTests: 0, scores: {} as [] });
    } catch (caught) {
      error = caught;
    }

    expect(isFlakyError(error) && error.code).toBe('FLAKY_INVALID_METRICS_OPTIONS');
    expect((error as Error).message).toContain('3 problems');
    expect((error as Error).message).toContain('- granularity: expected one of "file" and "test", got "files" (did you mean "file"?)');
    expect((error as Error).message).toContain('- maxTests: expected a whole number >= 1, got 0');
  });
});
