import { readCassette } from './cassette-store.js';
import type { CassetteInfo } from './cassettes.js';
import { estimateCost, type CassetteCost, type ModelPrice } from './llm-usage.js';
import { prefixed } from './internal/prefix.js';

/** The result shape Jest expects from a custom matcher. */
export interface MatcherResult {
  pass: boolean;
  message: () => string;
}

function costOf(received: unknown, prices: Record<string, ModelPrice> | undefined): { cost: CassetteCost; what: string } | string {
  if (typeof received === 'string') {
    const cassette = readCassette(received);
    if (cassette === undefined) return `no cassette exists at ${received}`;
    return { cost: estimateCost(cassette, prices), what: received };
  }
  if (received !== null && typeof received === 'object' && 'cost' in received) {
    const info = received as Partial<CassetteInfo> & { cost: CassetteCost };
    return {
      cost: prices === undefined || typeof info.costWith !== 'function' ? info.cost : info.costWith(prices),
      what: String(info.path),
    };
  }
  return (
    'expected a cassette path or currentCassette(), got ' + (received === undefined ? 'undefined (no cassette is in use)' : typeof received)
  );
}

/**
 * Jest matchers for cassettes; register them with `expect.extend(cassetteMatchers)` (the
 * `@proving-ground/cassettes/setup` entry does it for you).
 *
 * - `toCostAtMost(usd, prices?)`: fails when the estimated LLM cost of the cassette (a path, or
 *   `currentCassette()`) is above `usd`, or cannot be estimated (a model without a price).
 *
 * @example
 * expect.extend(cassetteMatchers)
 * expect(currentCassette()).toCostAtMost(0.002)
 */
export const cassetteMatchers = {
  toCostAtMost(received: unknown, ceilingUsd: number, prices?: Record<string, ModelPrice>): MatcherResult {
    const found = costOf(received, prices);
    if (typeof found === 'string') return { pass: false, message: () => prefixed(`toCostAtMost: ${found}.`) };
    const { cost, what } = found;
    if (cost.usd === undefined) {
      return {
        pass: false,
        message: () =>
          prefixed(
            `toCostAtMost: the cost of ${what} cannot be estimated: no price for ${cost.unpricedModels.join(', ')}. Add them to the prices option (USD per million tokens).`,
          ),
      };
    }
    const usd = cost.usd;
    const summary = `${cost.calls} call(s), ${cost.inputTokens} input + ${cost.outputTokens} output tokens ≈ $${usd.toFixed(6)}`;
    return {
      pass: usd <= ceilingUsd,
      message: () =>
        usd <= ceilingUsd
          ? prefixed(`expected ${what} to cost more than $${ceilingUsd}, it costs ${summary}.`)
          : prefixed(`${what} costs more than the ceiling of $${ceilingUsd}: ${summary}.`),
    };
  },
};

/** Types of the matchers, for `declare module 'expect'` augmentation in user code. */
export interface CassetteMatchers<R = unknown> {
  toCostAtMost(usd: number, prices?: Record<string, ModelPrice>): R;
}
