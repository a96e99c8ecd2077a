import { describe, expect, it } from '@jest/globals';
import type { TestDecision } from '../model.js';
import { coFailureRates, failureScore, orderByFailureLikelihood } from './failure-order.js';

describe('failureScore', () => {
  it('should rank a changed test above a test one edge away, and that above one three edges away', () => {
    expect(failureScore({ distance: 0 })).toBeGreaterThan(failureScore({ distance: 1 }));
    expect(failureScore({ distance: 1 })).toBeGreaterThan(failureScore({ distance: 3 }));
  });

  it('should let a test that failed last time outrank a closer test with a clean record', () => {
    expect(failureScore({ distance: 3, failedLastTime: true })).toBeGreaterThan(failureScore({ distance: 1 }));
  });

  it('should stay between 0 and 1 when every signal is at its strongest', () => {
    const score = failureScore({ distance: 0, failureRate: 1, failedLastTime: true, coFailure: 1 });

    expect(score).toBeLessThanOrEqual(1);
    expect(score).toBeGreaterThan(0.99);
  });

  it('should give a test that runs only because everything runs a small but non-zero score', () => {
    expect(failureScore({})).toBeGreaterThan(0);
    expect(failureScore({})).toBeLessThan(failureScore({ distance: 5 }));
  });
});

describe('coFailureRates', () => {
  it('should count only past changes that touched one of the changed files, smoothed by one passing run', () => {
    const past = [
      { changed: ['src/a.ts'], failed: ['test/a.test.ts'] },
      { changed: ['src/a.ts', 'src/b.ts'], failed: ['test/a.test.ts', 'test/b.test.ts'] },
      { changed: ['src/c.ts'], failed: ['test/c.test.ts'] },
    ];

    const rates = coFailureRates(past, ['src/a.ts']);

    expect(rates.get('test/a.test.ts')).toBeCloseTo(2 / 3);
    expect(rates.get('test/b.test.ts')).toBeCloseTo(1 / 3);
    expect(rates.has('test/c.test.ts')).toBe(false);
  });

  it('should ignore past runs that do not say what changed', () => {
    expect(coFailureRates([{ failed: ['test/a.test.ts'] }], ['src/a.ts']).size).toBe(0);
  });
});

describe('orderByFailureLikelihood', () => {
  const decision = (path: string, selected: boolean, failureScore?: number, durationMs?: number): TestDecision => ({
    path,
    selected,
    reasons: [],
    ...(failureScore === undefined ? {} : { failureScore }),
    ...(durationMs === undefined ? {} : { durationMs }),
  });

  it('should put selected tests first, likeliest to fail first, shorter first on a tie, then by path', () => {
    const ordered = orderByFailureLikelihood([
      decision('z.test.ts', false),
      decision('b.test.ts', true, 0.2, 500),
      decision('a.test.ts', true, 0.2, 500),
      decision('c.test.ts', true, 0.2, 100),
      decision('d.test.ts', true, 0.9, 9000),
    ]);

    expect(ordered.map((entry) => entry.path)).toEqual(['d.test.ts', 'c.test.ts', 'a.test.ts', 'b.test.ts', 'z.test.ts']);
  });
});
