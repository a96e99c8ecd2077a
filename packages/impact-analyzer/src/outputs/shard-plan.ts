import { packLongestFirst } from '@proving-ground/kit';
import { ImpactError } from '../errors.js';
import type { Selection } from '../model.js';
import { testsToRun } from './test-paths.js';

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function checkTotal(total: number): void {
  if (!Number.isInteger(total) || total < 1) {
    throw new ImpactError('IMPACT_INVALID_OPTIONS', {
      action: 'plan shards',
      reason: `the number of shards must be a whole number >= 1, got ${String(total)}`,
      fix: 'Pass --total N with N >= 1.',
    });
  }
}

/**
 * `paths` split into `total` shards of about the same recorded duration, longest processing time
 * first: the longest test goes to the least loaded shard, and so on. An unknown duration counts as
 * the median of the known ones among `paths` (or of all of `durations`, or 1 ms). Deterministic:
 * ties go by path, then to the lowest shard, so every CI job computes the same plan; each shard
 * keeps the order of `paths`.
 *
 * @example
 * packShards(['a.test.ts', 'b.test.ts', 'c.test.ts'], 2, { 'a.test.ts': 900, 'b.test.ts': 300, 'c.test.ts': 500 })
 * // [['a.test.ts'], ['b.test.ts', 'c.test.ts']]
 */
export function packShards(paths: readonly string[], total: number, durations: Readonly<Record<string, number>>): string[][] {
  checkTotal(total);
  const known = (path: string): number | undefined => {
    const value = Object.hasOwn(durations, path) ? durations[path] : undefined;
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
  };
  const unique = [...new Set(paths)];
  const fallback =
    median(unique.map(known).filter((value) => value !== undefined)) ??
    median(Object.values(durations).filter((value) => Number.isFinite(value) && value >= 0)) ??
    1;
  const packed = packLongestFirst(
    unique.map((path) => ({ path, cost: known(path) ?? fallback })),
    total,
  );
  const shardOf = new Map(packed.flatMap((shardPaths, index) => shardPaths.map((path) => [path, index] as const)));
  const shards: string[][] = Array.from({ length: total }, () => []);
  for (const path of unique) shards[shardOf.get(path)!]!.push(path);
  return shards;
}

/**
 * The tests a selection runs (all of them when everything runs) split into `total` shards of about
 * the same duration; see {@link packShards}. `durations` are milliseconds by repository-relative
 * path (the map's `durationMs`); a decision's own `durationMs` fills in where they say nothing.
 *
 * @example
 * planShards(selection, 4, durationsOf(map))[0] // the tests of shard 1
 */
export function planShards(selection: Selection, total: number, durations: Readonly<Record<string, number>>): string[][] {
  const merged: Record<string, number> = {};
  for (const test of selection.tests) if (test.durationMs !== undefined) merged[test.path] = test.durationMs;
  Object.assign(merged, durations);
  return packShards(testsToRun(selection), total, merged);
}
