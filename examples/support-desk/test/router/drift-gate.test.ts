import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { aliasOrigin } from '@proving-ground/cassettes';
import { currentMode, live } from '@proving-ground/test-modes';
import type { Intent } from '../../src/router/intents.ts';
import { IntentRouter, type RoutingDecision } from '../../src/router/intent-router.ts';
import { expectWithinDriftThreshold, formatDriftReport, scoreRouter, type GoldenUtterance } from './drift-gate.ts';
import { expectWithinCostCeiling, setupRoutingCassettes, UPSTREAM_ALIAS } from './routing-cassettes.ts';
import { ROUTING_MODEL } from './routing-model.ts';
import { startRoutingUpstream, type RoutingUpstream } from './routing-upstream.ts';

/** The router fails the suite when more than this share of the golden set is misrouted. */
const MISROUTE_THRESHOLD = 0.1;
/** The keyword rules only stand in while the model is down: they may misroute more, not much more. */
const FALLBACK_MISROUTE_THRESHOLD = 0.2;

const golden = JSON.parse(readFileSync(new URL('./golden-set.json', import.meta.url), 'utf8')) as { utterances: GoldenUtterance[] };

// golden and mock replay the committed answers; live_smoke with TEST_RECORD=missing records them
// from the local routing upstream. The golden prompts carry no conversation context: exact matching.
setupRoutingCassettes('exact');

const recording = currentMode() === 'live_smoke';
const replayed = recording ? live.describe.bind(live) : describe;

replayed('router drift gate', () => {
  let upstream: RoutingUpstream | undefined;
  let router: IntentRouter;

  beforeAll(async () => {
    let baseURL = `${UPSTREAM_ALIAS}/v1`;
    if (recording) {
      upstream = await startRoutingUpstream();
      aliasOrigin(new URL(upstream.baseURL).origin, UPSTREAM_ALIAS);
      baseURL = upstream.baseURL;
    }
    router = new IntentRouter({ llm: { baseURL, apiKey: 'local-upstream-key', model: ROUTING_MODEL, maxRetries: 0 } });
  });

  afterAll(async () => {
    await upstream?.close();
  });

  it('should route the golden set from the recorded model answers with a misroute rate under the threshold', async () => {
    const decisions: RoutingDecision[] = [];

    const report = await scoreRouter(async (text) => {
      const decision = await router.route(text);
      decisions.push(decision);
      return decision;
    }, golden.utterances);

    console.info(`router drift gate (model ${ROUTING_MODEL}, threshold ${MISROUTE_THRESHOLD * 100} %)\n${formatDriftReport(report)}`);
    expect(golden.utterances.length).toBeGreaterThanOrEqual(40);
    // Every answer came from the model: a fallback here would score the keyword rules instead.
    expect(decisions.filter((decision) => decision.source !== 'llm')).toEqual([]);
    expectWithinDriftThreshold(report, MISROUTE_THRESHOLD);
    expectWithinCostCeiling(0.002);
  });
});

describe('router drift gate without a model', () => {
  it('should keep the keyword fallback within its own, looser threshold', async () => {
    const rulesOnly = new IntentRouter();

    const report = await scoreRouter((text) => rulesOnly.route(text), golden.utterances);

    console.info(`keyword fallback (threshold ${FALLBACK_MISROUTE_THRESHOLD * 100} %)\n${formatDriftReport(report)}`);
    expect(report.total).toBe(golden.utterances.length);
    expectWithinDriftThreshold(report, FALLBACK_MISROUTE_THRESHOLD);
  });

  it('should fail the gate for a router that drifted, with the confusion table in the message', async () => {
    // A deliberately bad router: every payment problem and complaint now looks like an FAQ.
    const drifted = (text: string): Promise<{ intent: Intent }> => {
      const expected = golden.utterances.find((utterance) => utterance.text === text)!.intent;
      return Promise.resolve({ intent: expected === 'payment_issue' || expected === 'complaint' ? 'faq' : expected });
    };

    const report = await scoreRouter(drifted, golden.utterances);

    expect(report.misrouteRate).toBeGreaterThan(MISROUTE_THRESHOLD);
    expect(report.confusion.payment_issue.faq).toBe(golden.utterances.filter((utterance) => utterance.intent === 'payment_issue').length);
    expect(() => expectWithinDriftThreshold(report, MISROUTE_THRESHOLD)).toThrow(
      /Failed to pass the router drift gate: \d+\.\d % of the golden set is misrouted, above the 10\.0 % threshold/,
    );
    expect(() => expectWithinDriftThreshold(report, MISROUTE_THRESHOLD)).toThrow(
      /payment_issue -> faq: "I was charged twice for the same order"/,
    );
  });

  it('should pass a rate equal to the threshold and fail one misroute above it', async () => {
    const utterances = golden.utterances.slice(0, 10);
    const missing = (wrong: number) => (text: string) => {
      const index = utterances.findIndex((utterance) => utterance.text === text);
      return Promise.resolve({ intent: index < wrong ? ('other' as const) : utterances[index]!.intent });
    };

    const atThreshold = await scoreRouter(missing(1), utterances);
    const above = await scoreRouter(missing(2), utterances);

    expect(atThreshold.misrouteRate).toBe(0.1);
    expect(() => expectWithinDriftThreshold(atThreshold, 0.1)).not.toThrow();
    expect(() => expectWithinDriftThreshold(above, 0.1)).toThrow(/20\.0 % of the golden set is misrouted/);
  });
});
