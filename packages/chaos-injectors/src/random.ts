import { ChaosError } from './errors.js';

/** The environment variable that replays a run's faults. */
export const SEED_ENV = 'CHAOS_SEED';

/**
 * A seeded source of random numbers. Every fault draws from its own stream ({@link Random.fork}),
 * so adding or removing one fault never changes what another one rolls.
 */
export interface Random {
  /** The seed this stream was made from (forks carry their parent's seed). */
  readonly seed: string;
  /** A number in [0, 1). */
  next(): number;
  /** A whole number in [min, max]. */
  int(min: number, max: number): number;
  /** True with probability `p` (0 to 1). */
  chance(p: number): boolean;
  /** An independent stream for `label`: the same seed and label always give the same numbers. */
  fork(label: string): Random;
}

/** cyrb53-style 32-bit hashes of a string, for seeding. */
function hash(text: string, salt: number): number {
  let h1 = 0xdeadbeef ^ salt;
  let h2 = 0x41c6ce57 ^ salt;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  return h1 >>> 0;
}

/** sfc32: small, fast, and good enough for fault schedules (not for cryptography). */
function sfc32(a: number, b: number, c: number, d: number): () => number {
  return () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

function stream(seed: string, path: string): Random {
  const key = `${seed}\u0000${path}`;
  const next = sfc32(hash(key, 1), hash(key, 2), hash(key, 3), hash(key, 4));
  for (let i = 0; i < 12; i++) next();
  return {
    seed,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => p >= 1 || (p > 0 && next() < p),
    fork: (label) => stream(seed, `${path}/${label}`),
  };
}

/**
 * A seeded random stream. The seed is what a failure message prints in its replay line
 * (`CHAOS_SEED=<seed>`); without one, `CHAOS_SEED` is read, else a fresh seed is made.
 *
 * @example
 * const random = createRandom(42);
 * random.fork('reset_peer').chance(0.3) // the same answer for seed 42, every run
 */
export function createRandom(seed: number | string | undefined = process.env[SEED_ENV]): Random {
  if (seed === undefined || seed === '') return stream(String(Math.floor(Math.random() * 2 ** 31)), '');
  if (typeof seed === 'number' && !Number.isSafeInteger(seed)) {
    throw new ChaosError('CHAOS_INVALID_SEED', {
      action: 'use the seed',
      reason: `${String(seed)} is not a whole number`,
      fix: `Pass a whole number or a non-empty string (or set ${SEED_ENV}).`,
    });
  }
  return stream(String(seed), '');
}
