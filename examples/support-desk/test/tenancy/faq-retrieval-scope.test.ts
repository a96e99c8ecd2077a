import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { http, HttpResponse } from 'msw';
import { setupServer, type SetupServer } from 'msw/node';
import { tenantFaqEntries } from '../../src/faq-entries.ts';
import { answerFaq, FAQ_ENTRIES, FALLBACK_ANSWER, tenantKnowledge } from '../../src/faq-knowledge.ts';
import { TENANT_HEADER, type Tenant } from '../../src/tenancy.ts';
import { streamingChatCompletion } from '../mock-llm.ts';
import { startSupportDesk, type RunningSupportDesk } from '../support-desk.ts';

/** Not loopback: in mock mode only the msw handlers below answer it. */
const LLM_BASE_URL = 'https://llm.faq-scope.test/v1';
const REFUNDS_OF_A = 'Acme refunds every order in full within 90 days, shipping included.';
const HANGAR_OF_A = 'The zeppelin hangar is at gate ZULU-7, behind the tea house.';

/** A chat model that never starts answering: the service falls back to the knowledge base. */
const hangingModel = http.post(`${LLM_BASE_URL}/chat/completions`, async ({ request }) => {
  await new Promise((resolve) => {
    request.signal.addEventListener('abort', resolve, { once: true });
    setTimeout(resolve, 5_000).unref();
  });
  return HttpResponse.error();
});

interface SystemPromptRequest {
  messages: { role: string; content: string }[];
}

describe('tenant-scoped FAQ retrieval', () => {
  const prompts: SystemPromptRequest[] = [];
  let msw: SetupServer;
  let desk: RunningSupportDesk;
  let tenantA: Tenant;
  let tenantB: Tenant;

  beforeAll(async () => {
    msw = setupServer();
    msw.listen({ onUnhandledFrame: 'bypass' }); // what msw does not answer goes on to the test-modes guard
    desk = await startSupportDesk({ llm: { baseURL: LLM_BASE_URL, apiKey: 'test-key', maxRetries: 0, timeoutMs: 300 } });
    tenantA = await desk.createTenant('Acme Airships');
    tenantB = await desk.createTenant('Bravo Bikes');
    for (const entry of [
      { question: 'What is your refund policy?', keywords: ['refund', 'money'], answer: REFUNDS_OF_A },
      { question: 'Where is the hangar?', keywords: ['zeppelin', 'hangar'], answer: HANGAR_OF_A },
    ]) {
      const created = await desk.app.inject({
        method: 'POST',
        url: '/faq/entries',
        headers: { [TENANT_HEADER]: tenantA.id },
        payload: entry,
      });
      if (created.statusCode !== 201) throw new Error(`Failed to add a FAQ entry for tenant A: ${created.body}`);
    }
  });

  afterEach(() => {
    msw.resetHandlers();
    prompts.length = 0;
  });

  afterAll(async () => {
    await desk?.close();
    msw?.close();
  });

  function ask(tenant: Tenant, question: string) {
    return desk.app.inject({
      method: 'POST',
      url: '/faq',
      headers: { [TENANT_HEADER]: tenant.id, accept: 'application/json' },
      payload: { question },
    });
  }

  function systemPrompt(index: number): string {
    return prompts[index]!.messages.find((message) => message.role === 'system')!.content;
  }

  it("should give the chat model tenant A's entries for A and never for B", async () => {
    msw.use(streamingChatCompletion(LLM_BASE_URL, { pieces: ['See the knowledge base.'] }, prompts));

    const asA = await ask(tenantA, 'Where is the zeppelin hangar?');
    const asB = await ask(tenantB, 'Where is the zeppelin hangar?');

    expect([asA.statusCode, asB.statusCode]).toEqual([200, 200]);
    expect(prompts).toHaveLength(2);
    expect(systemPrompt(0)).toContain(HANGAR_OF_A);
    expect(systemPrompt(0)).toContain(REFUNDS_OF_A);
    expect(systemPrompt(1)).not.toContain(HANGAR_OF_A);
    expect(systemPrompt(1)).not.toContain(REFUNDS_OF_A);
    expect(systemPrompt(1)).not.toContain('Acme');
    // B still gets the shared knowledge base, word for word.
    for (const entry of FAQ_ENTRIES) expect(systemPrompt(1)).toContain(entry.answer);
  });

  it("should answer from A's own entries when the model times out for A, and from the shared base only for B", async () => {
    msw.use(hangingModel);

    const answers = await Promise.all(
      [
        [tenantA, 'Can I get my money back? I want a refund.'],
        [tenantB, 'Can I get my money back? I want a refund.'],
        [tenantA, 'Where is the zeppelin hangar?'],
        [tenantB, 'Where is the zeppelin hangar?'],
      ].map(async ([tenant, question]) => (await ask(tenant as Tenant, question as string)).json<{ answer: string; degraded?: boolean }>()),
    );

    expect(answers.map((answer) => answer.degraded)).toEqual([true, true, true, true]);
    expect(answers.map((answer) => answer.answer)).toEqual([
      REFUNDS_OF_A,
      FAQ_ENTRIES.find((entry) => entry.id === 'refunds')!.answer,
      HANGAR_OF_A,
      FALLBACK_ANSWER,
    ]);
  });

  it("should read none of A's entries in B's transaction, even without a tenant condition", async () => {
    const ofB = await desk.database.withTenant(tenantB.id, (sql) => tenantFaqEntries(sql));
    const ofA = await desk.database.withTenant(tenantA.id, (sql) => tenantFaqEntries(sql));
    const listedForB = await desk.app.inject({ method: 'GET', url: '/faq/entries', headers: { [TENANT_HEADER]: tenantB.id } });

    expect(ofB).toEqual([]);
    expect(ofA.map((entry) => entry.answer)).toEqual([REFUNDS_OF_A, HANGAR_OF_A]);
    expect(listedForB.json()).toEqual({ entries: [] });
    // What B retrieves from is exactly the shared base.
    expect(tenantKnowledge(ofB)).toBe(FAQ_ENTRIES);
    expect(answerFaq('zeppelin hangar', tenantKnowledge(ofB))).toBe(FALLBACK_ANSWER);
  });
});
