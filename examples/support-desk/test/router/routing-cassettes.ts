import { expect } from '@jest/globals';
import { cassetteMatchers, currentCassette, setupCassettes, type CassetteMatchers } from '@proving-ground/cassettes';
import { ROUTING_MODEL } from './routing-model.ts';

declare module 'expect' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the cassette matchers to expect()
  interface Matchers<R> extends CassetteMatchers<R> {}
}

/** The stable name of the local routing upstream in cassettes; nothing listens there. */
export const UPSTREAM_ALIAS = 'http://llm-router.cassettes.test';

/**
 * Cassettes for the router's model calls, as the drift gate and the hand-off journey use them:
 * golden and mock replay the committed answers, live_smoke (with TEST_RECORD) records them from the
 * local routing upstream behind {@link UPSTREAM_ALIAS}, and the cassette matchers are on `expect`.
 * Call it at the top of the test file, as setupCassettes.
 *
 * @example
 * setupRoutingCassettes('similar') // the prompt's conversation id and time differ on every run
 */
export function setupRoutingCassettes(strategy: 'exact' | 'similar'): void {
  setupCassettes({
    dir: 'cassettes',
    inMock: 'replay',
    hosts: [UPSTREAM_ALIAS],
    match: { strategy },
    normalize: { responseJson: { id: 'chatcmpl-recorded', created: 0 } },
    prices: { [ROUTING_MODEL]: { input: 0.15, output: 0.6 } },
  });
  expect.extend(cassetteMatchers);
}

/**
 * The current cassette (replayed, or recorded under live_smoke with TEST_RECORD) costs at most `usd`;
 * nothing to price under live_smoke without recording.
 *
 * @example
 * expectWithinCostCeiling(0.001)
 */
export function expectWithinCostCeiling(usd: number): void {
  const cassette = currentCassette();
  if (cassette === undefined) return;
  expect(cassette).toCostAtMost(usd);
}
