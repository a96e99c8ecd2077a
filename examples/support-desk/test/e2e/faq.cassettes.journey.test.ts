import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { aliasOrigin, cassetteMatchers, currentCassette, setupCassettes, type CassetteMatchers } from '@proving-ground/cassettes';
import { currentMode, live } from '@proving-ground/test-modes';
import { answerFaq } from '../../src/faq-knowledge.ts';
import { LLM_UPSTREAM_MODEL, startLlmUpstream, type LlmUpstream } from '../../src/llm-upstream.ts';
import { TENANT_HEADER, type Tenant } from '../../src/tenancy.ts';
import { readServerSentEvents, type ServerSentEvent } from '../sse-events.ts';
import { startSupportDesk, type RunningSupportDesk } from '../support-desk.ts';

declare module 'expect' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the cassette matchers to expect()
  interface Matchers<R> extends CassetteMatchers<R> {}
}

/**
 * The stable name of the local upstream in cassettes. It is not loopback: in golden and mock mode
 * nothing listens there and the network guard blocks it, so only a cassette can answer.
 */
const UPSTREAM_ALIAS = 'http://llm-upstream.cassettes.test';

// golden replays, live_smoke with TEST_RECORD=missing records from the local upstream, live_smoke
// alone talks to it, and mock replays too (inMock), so CI's mock run also proves the cassettes.
setupCassettes({
  dir: 'cassettes',
  inMock: 'replay',
  hosts: [UPSTREAM_ALIAS],
  match: { strategy: 'similar' },
  // The upstream gives every completion a fresh id and creation time: store fixed ones, so that
  // re-recording the same answers leaves the committed cassettes unchanged.
  normalize: { responseJson: { id: 'chatcmpl-recorded', created: 0 } },
  prices: { [LLM_UPSTREAM_MODEL]: { input: 0.15, output: 0.6 } },
});
expect.extend(cassetteMatchers);

const recording = currentMode() === 'live_smoke';
const journey = recording ? live.describe.bind(live) : describe;

journey('FAQ journey replayed from cassettes', () => {
  let upstream: LlmUpstream | undefined;
  let desk: RunningSupportDesk;
  let origin: string;
  let tenant: Tenant;

  beforeAll(async () => {
    let baseURL = `${UPSTREAM_ALIAS}/v1`;
    if (recording) {
      upstream = await startLlmUpstream({ chunkDelayMs: 2 });
      aliasOrigin(new URL(upstream.baseURL).origin, UPSTREAM_ALIAS);
      baseURL = upstream.baseURL;
    }
    desk = await startSupportDesk({ llm: { baseURL, apiKey: 'local-upstream-key', model: LLM_UPSTREAM_MODEL, maxRetries: 0 } });
    tenant = await desk.createTenant('Cassette Mugs');
    origin = await desk.app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await desk?.close();
    await upstream?.close();
  });

  /** In golden and mock the cassette replays (and in live_smoke with TEST_RECORD it records): its cost stays under the ceiling. */
  function expectWithinCostCeiling(): void {
    const cassette = currentCassette();
    if (cassette === undefined) return; // live_smoke without recording: nothing is recorded to price
    expect(cassette).toCostAtMost(0.0001);
  }

  async function ask(question: string): Promise<{ status: number; events: ServerSentEvent[] }> {
    const response = await fetch(`${origin}/faq`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', [TENANT_HEADER]: tenant.id },
      body: JSON.stringify({ question }),
    });
    const events: ServerSentEvent[] = [];
    for await (const event of readServerSentEvents(response.body!)) events.push(event);
    return { status: response.status, events };
  }

  it('should stream the recorded answer delta by delta, within a cost ceiling', async () => {
    const question = 'When will my parcel arrive?';

    const { status, events } = await ask(question);

    const deltas = events.filter((event) => event.event === 'delta').map((event) => (JSON.parse(event.data) as { text: string }).text);
    expect(status).toBe(200);
    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.join('')).toBe(answerFaq(question));
    expect(JSON.parse(events.at(-1)!.data)).toMatchObject({ answer: answerFaq(question), model: LLM_UPSTREAM_MODEL });
    expectWithinCostCeiling();
  });

  it('should answer a refund question as JSON from its own recording', async () => {
    const question = 'How do refunds work?';

    const response = await desk.http({
      method: 'POST',
      url: '/faq',
      headers: { accept: 'application/json', [TENANT_HEADER]: tenant.id },
      payload: { question },
    });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ answer: answerFaq(question), model: LLM_UPSTREAM_MODEL });
    expectWithinCostCeiling();
  });
});
