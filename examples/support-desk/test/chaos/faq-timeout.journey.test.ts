import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { httpFaults } from '@proving-ground/chaos-injectors';
import { KNOWLEDGE_BASE_MODEL } from '../../src/faq.ts';
import { findFaqEntry } from '../../src/faq-knowledge.ts';
import { LLM_UPSTREAM_MODEL, startLlmUpstream, type LlmUpstream } from '../../src/llm-upstream.ts';
import { TENANT_HEADER, type Tenant } from '../../src/tenancy.ts';
import { parseServerSentEvents } from '../sse-events.ts';
import { startSupportDesk, type RunningSupportDesk } from '../support-desk.ts';

// At the top of the file, so its handler is on the network guard before anything else asks.
const faults = httpFaults();
afterAll(() => faults.close());

/** The service's own limit on the model's time to answer, as the app is configured here. */
const LLM_TIMEOUT_MS = 150;
/** Room for a loaded CI machine on top of that limit: still far below "hangs until the client gives up". */
const SCHEDULING_SLACK_MS = 1_500;

describe('FAQ when the language model does not answer in time', () => {
  const question = 'How long does shipping take?';
  const shipping = findFaqEntry('shipping')!.answer;
  let upstream: LlmUpstream;
  let llm: { host: string; path: string };
  let desk: RunningSupportDesk;
  let tenant: Tenant;

  beforeAll(async () => {
    upstream = await startLlmUpstream();
    llm = { host: new URL(upstream.baseURL).host, path: '/v1/chat/completions' };
    desk = await startSupportDesk({
      llm: { baseURL: upstream.baseURL, apiKey: 'local', model: LLM_UPSTREAM_MODEL, maxRetries: 0, timeoutMs: LLM_TIMEOUT_MS },
    });
    tenant = await desk.createTenant('Patient Parcels');
  });

  afterAll(async () => {
    await desk?.close();
    await upstream?.close();
  });

  function ask(accept: string) {
    return desk.app.inject({ method: 'POST', url: '/faq', headers: { accept, [TENANT_HEADER]: tenant.id }, payload: { question } });
  }

  it('should answer degraded from the knowledge base, with network_timeout, within its own timeout when the model hangs', async () => {
    // Arrange
    await using hang = faults.on(llm).hang();
    const started = performance.now();

    // Act
    const response = await ask('application/json');
    const elapsed = performance.now() - started;

    // Assert
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      answer: shipping,
      model: KNOWLEDGE_BASE_MODEL,
      usage: null,
      degraded: true,
      reason: 'network_timeout',
    });
    expect(elapsed).toBeGreaterThanOrEqual(LLM_TIMEOUT_MS - 10);
    expect(elapsed).toBeLessThan(LLM_TIMEOUT_MS + SCHEDULING_SLACK_MS);
    expect(hang.fired).toBe(1);
    expect(upstream.requests).toEqual([]);
  });

  it('should stream the degraded answer as a delta and a done event when the model is slower than the timeout', async () => {
    await using slow = faults.on(llm).latency(LLM_TIMEOUT_MS * 10);

    const response = await ask('text/event-stream');
    const events = parseServerSentEvents(response.body).map((event) => [event.event, JSON.parse(event.data) as unknown]);

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(events).toEqual([
      ['delta', { text: shipping }],
      ['done', { answer: shipping, model: KNOWLEDGE_BASE_MODEL, usage: null, degraded: true, reason: 'network_timeout' }],
    ]);
    expect(slow.fired).toBe(1);
  });

  it("should answer from the model itself, not degraded, when it is slow but within the service's timeout", async () => {
    await using slow = faults.on(llm).latency(LLM_TIMEOUT_MS / 5);

    const response = await ask('application/json');

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ answer: shipping, model: LLM_UPSTREAM_MODEL, usage: expect.any(Object) });
    expect(slow.fired).toBe(1);
    expect(upstream.requests).toHaveLength(1);
  });
});
