import { describe, expect, it } from '@jest/globals';
import { cassetteMatchers, estimateCost, readCassette, type CassetteMatchers } from '@proving-ground/cassettes';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LLM_PRICES, llmCostDollars } from '../../src/observability/service-metrics.ts';

declare module 'expect' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the cassette matchers to expect()
  interface Matchers<R> extends CassetteMatchers<R> {}
}

expect.extend(cassetteMatchers);

/** The FAQ journey's committed recordings (test/e2e/faq.cassettes.journey.test.ts): one answer each. */
const FAQ_CASSETTES = fileURLToPath(new URL('../../cassettes/test/e2e/faq.cassettes.journey.test.ts/', import.meta.url));

/** What one FAQ answer may cost, in US dollars, and what a thousand may: the budget the service is run on. */
const CEILING_PER_ANSWER_USD = 0.0001;
const CEILING_PER_THOUSAND_ANSWERS_USD = 0.08;

/**
 * Input tokens one question may send. The system prompt carries the whole knowledge base: this
 * ceiling catches a knowledge base or prompt that grows the bill for every question.
 */
const CEILING_INPUT_TOKENS_PER_ANSWER = 400;

const cassettePaths = readdirSync(FAQ_CASSETTES)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((name) => join(FAQ_CASSETTES, name));

function cassetteAt(path: string) {
  const cassette = readCassette(path);
  if (cassette === undefined) throw new Error(`Failed to read the cassette ${path}: it is gone.`);
  return cassette;
}

describe('the FAQ journey LLM cost ceiling (from its cassettes)', () => {
  it('should price every recorded answer under the per-answer ceiling', () => {
    expect(cassettePaths.length).toBeGreaterThanOrEqual(2);
    for (const path of cassettePaths) expect(path).toCostAtMost(CEILING_PER_ANSWER_USD, LLM_PRICES);
  });

  it('should keep a thousand answers at the recorded mean under the budget, and each prompt under its token ceiling', () => {
    const costs = cassettePaths.map((path) => estimateCost(cassetteAt(path), LLM_PRICES));

    const calls = costs.reduce((sum, cost) => sum + cost.calls, 0);
    const usd = costs.reduce((sum, cost) => sum + (cost.usd ?? Number.POSITIVE_INFINITY), 0);
    expect(calls).toBe(cassettePaths.length);
    expect((usd / calls) * 1000).toBeLessThanOrEqual(CEILING_PER_THOUSAND_ANSWERS_USD);
    for (const cost of costs) expect(cost.inputTokens / cost.calls).toBeLessThanOrEqual(CEILING_INPUT_TOKENS_PER_ANSWER);
  });

  it('should agree with the cost the service counts in llm_cost_dollars_total for the same tokens', () => {
    for (const path of cassettePaths) {
      const cassette = cassetteAt(path);
      for (const interaction of cassette.interactions) {
        const usage = interaction.usage;
        if (usage?.model === undefined) continue;

        const counted = llmCostDollars(usage.model, { promptTokens: usage.inputTokens ?? 0, completionTokens: usage.outputTokens ?? 0 });

        expect(counted).toBeCloseTo(estimateCost([interaction], LLM_PRICES).usd!, 12);
      }
    }
  });
});
