import { describe, expect, it } from '@jest/globals';
import { isImpactError } from '../errors.js';
import type { Selection, TestDecision } from '../model.js';
import { packShards, planShards } from './shard-plan.js';

function selection(paths: readonly string[], overrides: Partial<Selection> = {}): Selection {
  const tests: TestDecision[] = paths.map((path) => ({ path, selected: true, reasons: [{ code: 'test-changed', message: 'Changed.' }] }));
  return {
    base: 'HEAD',
    head: 'working-tree',
    changes: [],
    runAll: false,
    runAllReasons: [],
    tests,
    selected: [...paths],
    elapsedMs: 1,
    ...overrides,
  };
}

describe('packShards', () => {
  it('should give each test, longest first, to the least loaded shard (the lowest on a tie)', () => {
    const durations = { 'a.test.ts': 4000, 'b.test.ts': 3000, 'c.test.ts': 2000, 'd.test.ts': 1000, 'e.test.ts': 500, 'f.test.ts': 500 };

    const shards = packShards(Object.keys(durations), 2, durations);

    expect(shards).toEqual([
      ['a.test.ts', 'd.test.ts', 'e.test.ts'],
      ['b.test.ts', 'c.test.ts', 'f.test.ts'],
    ]);
  });

  it('should count an unknown duration as the median of the known ones', () => {
    const shards = packShards(['a.test.ts', 'b.test.ts', 'c.test.ts', 'new.test.ts'], 2, {
      'a.test.ts': 100,
      'b.test.ts': 300,
      'c.test.ts': 1000,
    });

    // new.test.ts counts 300 ms: a (100) joins it, so the shards take 1000 and 700 ms.
    expect(shards).toEqual([['c.test.ts'], ['a.test.ts', 'b.test.ts', 'new.test.ts']]);
  });

  it('should plan the same shards whatever the order of the tests given', () => {
    const paths = Array.from({ length: 9 }, (_, i) => `t${i}.test.ts`);
    const keepOrder = (shards: string[][]): string[][] => shards.map((shard) => [...shard].sort());

    expect(keepOrder(packShards([...paths].reverse(), 3, {}))).toEqual(keepOrder(packShards(paths, 3, {})));
  });

  it('should leave a shard empty when there are more shards than tests', () => {
    expect(packShards(['a.test.ts'], 3, {})).toEqual([['a.test.ts'], [], []]);
  });

  it('should refuse a number of shards that is not a whole number >= 1', () => {
    let error: unknown;
    try {
      packShards(['a.test.ts'], 0, {});
    } catch (caught) {
      error = caught;
    }
    expect(isImpactError(error) && error.code).toBe('IMPACT_INVALID_OPTIONS');
  });
});

describe('planShards', () => {
  it('should plan every known test when everything runs', () => {
    const plan = planShards(selection(['a.test.ts', 'b.test.ts'], { runAll: true, selected: ['a.test.ts'] }), 2, {});

    expect(plan.flat().sort()).toEqual(['a.test.ts', 'b.test.ts']);
  });

  it("should use a decision's recorded duration where the durations say nothing", () => {
    const base = selection(['a.test.ts', 'b.test.ts', 'c.test.ts']);
    const withDuration = { ...base, tests: base.tests.map((test) => (test.path === 'c.test.ts' ? { ...test, durationMs: 5000 } : test)) };

    expect(planShards(withDuration, 2, { 'a.test.ts': 10, 'b.test.ts': 10 })).toEqual([['c.test.ts'], ['a.test.ts', 'b.test.ts']]);
  });
});
