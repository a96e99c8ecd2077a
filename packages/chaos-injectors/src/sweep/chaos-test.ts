import { installChaosGuard, kSweepSeed } from '../cleanup/jest-circus.js';
import { chaosSeed } from '../cleanup/registry.js';
import { ChaosError } from '../errors.js';
import { sweepSeeds } from './seeds.js';

/** What a {@link chaosTest} body is given. */
export interface ChaosTestContext {
  /** The seed this run's faults draw from. */
  readonly seed: string;
}

/** The body of a {@link chaosTest}. */
export type ChaosTestBody = (context: ChaosTestContext) => unknown;

type JestTest = (name: string, fn: () => unknown, timeout?: number) => unknown;

/** The suffix a sweep gives each seed's test: `orders survive a reset [seed 7]`. */
export function seedSuffix(seed: string): string {
  return ` [seed ${seed}]`;
}

/**
 * A chaos test that runs once per seed of the sweep: under `proving-ground-chaos run --seeds 50` (or
 * `CHAOS_SEEDS=1..50`) it declares `name [seed 1]` to `name [seed 50]`, each drawing its faults from
 * its own seed, in one Jest process (the setup entry restores every fault between seeds). Outside a
 * sweep it is one test named `name`, with `CHAOS_SEED` or the file's seed, which is how the replay
 * line of a failing seed runs it again. Installs the setup entry's guard if it is not installed.
 *
 * @param name - the test's name
 * @param fn - the test body; it is given `{ seed }`
 * @param timeout - Jest's timeout for each seed's test
 * @example
 * chaosTest('orders survive a database reset', async () => {
 *   await using proxy = await createProxy({ upstream: db.address }); // seeded from the sweep
 *   proxy.addToxic({ type: 'reset_peer', toxicity: 0.3 });
 *   await chaosExperiment({ steadyState, inject, verify });
 * });
 */
export function chaosTest(name: string, fn: ChaosTestBody, timeout?: number): void {
  const test = (globalThis as { test?: unknown }).test;
  if (typeof test !== 'function') {
    throw new ChaosError('CHAOS_MISSING_JEST_GLOBALS', {
      action: `declare the chaos test "${name}"`,
      reason: 'Jest\'s global "test" is missing',
      fix: 'Call chaosTest() at the top level of a Jest test file, or in a describe block, with injectGlobals left on',
    });
  }
  installChaosGuard();
  const seeds = sweepSeeds();
  if (seeds === undefined) {
    (test as JestTest)(name, () => fn({ seed: chaosSeed() }), timeout);
    return;
  }
  for (const seed of seeds) {
    const body = (): unknown => fn({ seed });
    Object.defineProperty(body, kSweepSeed, { value: { seed, suffix: seedSuffix(seed) } });
    (test as JestTest)(`${name}${seedSuffix(seed)}`, body, timeout);
  }
}
