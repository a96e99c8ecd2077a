import { ChaosError } from '../errors.js';

/** The environment variable that lists the seeds of a sweep (`1,2,3`), read by `chaosTest()`; the chaos runner sets it. */
export const SEEDS_ENV = 'CHAOS_SEEDS';

/** Seeds a sweep may hold at most: more is a typo (`--seeds 1000000`), not a plan. */
const MAX_SEEDS = 100_000;

/** One shard of a sweep: the `index`-th of `count` (1-based, as CI matrices count). */
export interface Shard {
  index: number;
  count: number;
}

function invalidSeeds(spec: string, reason: string): ChaosError {
  return new ChaosError('CHAOS_INVALID_RUNNER_OPTIONS', {
    action: `read the seeds ${JSON.stringify(spec)}`,
    reason,
    fix: 'Give a count (--seeds 50: seeds 1 to 50), a range (--seeds 100..149) or a list (--seeds 7,42,1234)',
  });
}

/**
 * The seeds of a sweep, from a count (`50`: seeds 1 to 50), an inclusive range (`100..149`) or a
 * comma-separated list (`7,42,ab12`, which keeps the order and drops repeats).
 *
 * @example
 * parseSeeds('3') // ['1', '2', '3']
 * parseSeeds('100..102') // ['100', '101', '102']
 */
export function parseSeeds(spec: string): string[] {
  const text = spec.trim();
  const range = /^(\d+)\s*\.\.\s*(\d+)$/.exec(text);
  if (range !== null) {
    const from = Number(range[1]);
    const to = Number(range[2]);
    if (to < from) throw invalidSeeds(spec, `the range ends (${to}) before it starts (${from})`);
    if (to - from + 1 > MAX_SEEDS) throw invalidSeeds(spec, `it holds ${to - from + 1} seeds, more than ${MAX_SEEDS}`);
    return Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
  }
  if (/^\d+$/.test(text)) {
    const count = Number(text);
    if (count < 1) throw invalidSeeds(spec, 'a sweep needs at least one seed');
    if (count > MAX_SEEDS) throw invalidSeeds(spec, `it asks for ${count} seeds, more than ${MAX_SEEDS}`);
    return Array.from({ length: count }, (_, i) => String(i + 1));
  }
  const list = text.split(',').map((seed) => seed.trim());
  const bad = list.filter((seed) => !/^[\w.-]+$/.test(seed));
  if (list.length === 0 || bad.length > 0) {
    throw invalidSeeds(
      spec,
      `${bad.map((seed) => JSON.stringify(seed)).join(', ') || 'it'} is not a seed (letters, digits, ".", "_" and "-")`,
    );
  }
  return [...new Set(list)];
}

/**
 * A shard from `2/4` (the second of four), 1-based.
 *
 * @example
 * parseShard('2/4') // { index: 2, count: 4 }
 */
export function parseShard(spec: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(spec.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || index < 1 || index > count) {
    throw new ChaosError('CHAOS_INVALID_RUNNER_OPTIONS', {
      action: `read the shard ${JSON.stringify(spec)}`,
      reason: match === null ? 'it is not <index>/<count>' : `the index must be from 1 to ${count}`,
      fix: "Write --shard 2/4 for the second of four CI jobs (as Jest's --shard counts)",
    });
  }
  return { index, count };
}

/**
 * The seeds one shard runs: the sweep cut into `count` consecutive blocks whose sizes differ by at
 * most one, the same for every job that is given the same sweep, so the shards together run every
 * seed once.
 *
 * @example
 * shardSeeds(parseSeeds('10'), { index: 2, count: 3 }) // ['5', '6', '7']
 */
export function shardSeeds(seeds: readonly string[], shard: Shard): string[] {
  const base = Math.floor(seeds.length / shard.count);
  const extra = seeds.length % shard.count;
  const start = (shard.index - 1) * base + Math.min(shard.index - 1, extra);
  const size = base + (shard.index <= extra ? 1 : 0);
  return seeds.slice(start, start + size);
}

/**
 * The seeds of the sweep this test file runs in (`CHAOS_SEEDS`: a list `7,42` or a range `1..50`;
 * a single number is that one seed, not a count), or undefined outside a sweep.
 *
 * @example
 * sweepSeeds() // ['1', '2', '3'] under `proving-ground-chaos run --seeds 3`
 */
export function sweepSeeds(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const value = env[SEEDS_ENV]?.trim();
  if (value === undefined || value === '') return undefined;
  return /^\d+$/.test(value) ? [value] : parseSeeds(value);
}

/** `1..50` for consecutive numeric seeds, else the list (cut after 10). */
export function describeSeeds(seeds: readonly string[]): string {
  if (seeds.length === 0) return 'no seeds';
  const numeric = seeds.every((seed, i) => /^\d+$/.test(seed) && (i === 0 || Number(seed) === Number(seeds[i - 1]) + 1));
  if (numeric && seeds.length > 2) return `${seeds[0]}..${seeds.at(-1)}`;
  return seeds.length > 10 ? `${seeds.slice(0, 10).join(', ')} ... and ${seeds.length - 10} more` : seeds.join(', ');
}
