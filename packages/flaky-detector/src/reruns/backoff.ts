import { createHash } from 'node:crypto';

/** How retries are spaced: exponential growth with jitter, capped. */
export interface BackoffOptions {
  /** The delay before the first retry, before jitter. */
  initialDelayMs: number;
  /** Each retry waits `factor` times longer than the one before. */
  factor: number;
  /** No retry waits longer than this. */
  maxDelayMs: number;
  /** The jitter's seed: the same seed, test and retry give the same delay. */
  seed: number;
}

/** A number in [0, 1) drawn from `seed`, `testId` and `retry`, the same on every machine and in every worker. */
function uniform(seed: number, testId: string, retry: number): number {
  const digest = createHash('sha256').update(`${seed}\u0000${testId}\u0000${retry}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/**
 * The wait before retry number `retry` (1 for the first retry) of `testId`: exponential backoff
 * `initialDelayMs x factor^(retry-1)` capped at `maxDelayMs`, with "equal jitter" (half the delay
 * fixed, half drawn at random), so retries of tests that failed together spread out. The draw is
 * seeded by `seed`, the test and the retry number, so a run's delays can be replayed.
 *
 * @example
 * backoffDelay({ initialDelayMs: 100, factor: 2, maxDelayMs: 2000, seed: 7 }, 'a1b2c3d4e5f60718', 2) // between 100 and 200
 */
export function backoffDelay(options: BackoffOptions, testId: string, retry: number): number {
  const cap = Math.min(options.maxDelayMs, options.initialDelayMs * options.factor ** Math.max(0, retry - 1));
  return Math.round(cap / 2 + (cap / 2) * uniform(options.seed, testId, retry));
}
