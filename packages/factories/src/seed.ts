import { FactoriesError } from './errors.js';

/**
 * The environment variable holding the run seed: a whole number, or `random` for a fresh one per run.
 *
 * @example
 * process.env[SEED_ENV] // '20260101' when replaying a printed line
 */
export const SEED_ENV = 'FACTORIES_SEED';

/**
 * The run seed used when `FACTORIES_SEED` is unset: data is the same on every run and machine by default.
 *
 * @example
 * process.env.FACTORIES_SEED === undefined // then every run seeds from DEFAULT_RUN_SEED
 */
export const DEFAULT_RUN_SEED = 20_260_101;

function fmix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85eb_ca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2_ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A 32-bit hash of `text` (FNV-1a, then an avalanche step), stable across platforms and Node versions.
 *
 * @param text - any string, such as a test name or a field path
 * @example
 * const fieldKey = hashString('email')
 */
export function hashString(text: string): number {
  let h = 0x811c_9dc5;
  for (let index = 0; index < text.length; index++) h = Math.imul(h ^ text.charCodeAt(index), 0x0100_0193);
  return fmix32(h);
}

/**
 * Derive a child seed from a parent seed and a key: the same pair always gives the same child, and
 * children of different keys are unrelated.
 *
 * @param seed - the parent seed (32-bit)
 * @param key - a 32-bit key (a hash of a name, or an index)
 * @example
 * const fieldSeed = deriveSeed(buildSeed, hashString('email'))
 */
export function deriveSeed(seed: number, key: number): number {
  return fmix32((seed ^ Math.imul(key >>> 0, 0x9e37_79b1)) + 0x6d2b_79f5);
}

/**
 * A small, fast, reseedable PRNG (mulberry32) that faker and the factories read from. Reseeding is one
 * assignment, so every field can get its own seed for the price of a hash.
 *
 * @example
 * const random = new SeededRandom(42); random.next() // a number in [0, 1)
 */
export class SeededRandom {
  /** The current 32-bit state. */
  state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b_79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** Restart the sequence from `seed` (faker's `Randomizer.seed`; an array is folded into one seed). */
  seed(seed: number | number[]): void {
    this.state = Array.isArray(seed) ? seed.reduce((acc, part) => deriveSeed(acc, part), 0) : seed >>> 0;
  }
}

/**
 * @internal Parse a run seed as given in `FACTORIES_SEED`: a whole number from 0 to 4294967295, or `random`.
 *
 * @param value - the variable's value, or undefined when it is unset
 * @param random - where a `random` seed comes from (for tests)
 * @returns the seed, and whether it was drawn at random
 * @throws FactoriesError `FACTORIES_INVALID_SEED` for anything else
 * @example
 * const { seed } = parseRunSeed(process.env.FACTORIES_SEED)
 */
export function parseRunSeed(
  value: string | undefined,
  random: () => number = Math.random,
): { seed: number; source: 'default' | 'env' | 'random' } {
  if (value === undefined || value.trim() === '') return { seed: DEFAULT_RUN_SEED, source: 'default' };
  const text = value.trim();
  if (text.toLowerCase() === 'random') return { seed: Math.floor(random() * 4_294_967_296) >>> 0, source: 'random' };
  if (/^\d{1,10}$/.test(text) && Number(text) <= 4_294_967_295) return { seed: Number(text), source: 'env' };
  throw new FactoriesError(
    'FACTORIES_INVALID_SEED',
    `Failed to read the run seed: ${SEED_ENV}=${JSON.stringify(value)} is not a whole number from 0 to 4294967295 or "random". Set ${SEED_ENV} to the number a failing test printed, or unset it.`,
  );
}
