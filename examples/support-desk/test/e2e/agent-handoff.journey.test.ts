import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { aliasOrigin } from '@proving-ground/cassettes';
import { currentMode, live } from '@proving-ground/test-modes';
import { answerFaq } from '../../src/faq-knowledge.ts';
import type { Conversation } from '../../src/realtime/conversations.ts';
import type { AgentHandoff, RoutedMessage } from '../../src/router/agent-handoffs.ts';
import { IntentRouter } from '../../src/router/intent-router.ts';
import { TENANT_HEADER, type Tenant } from '../../src/tenancy.ts';
import { expectWithinCostCeiling, setupRoutingCassettes, UPSTREAM_ALIAS } from '../router/routing-cassettes.ts';
import { ROUTING_MODEL } from '../router/routing-model.ts';
import { startRoutingUpstream, type RoutingUpstream } from '../router/routing-upstream.ts';
import { buildDesk, openDeskDatabase, type DeskDatabase, type RunningSupportDesk } from '../support-desk.ts';

// The router's prompt names the conversation (a fresh UUID each run) and the time: similar
// matching is blind to both, so the recorded answers replay for a new conversation.
setupRoutingCassettes('similar');

const recording = currentMode() === 'live_smoke';
const journey = recording ? live.describe.bind(live) : describe;

journey('agent hand-off journey', () => {
  let upstream: RoutingUpstream | undefined;
  let db: DeskDatabase;
  let desk: RunningSupportDesk;
  /** The same service with its model down: nothing listens on port 9. */
  let modelDown: RunningSupportDesk;
  let origin: string;

  beforeAll(async () => {
    let baseURL = `${UPSTREAM_ALIAS}/v1`;
    if (recording) {
      upstream = await startRoutingUpstream();
      aliasOrigin(new URL(upstream.baseURL).origin, UPSTREAM_ALIAS);
      baseURL = upstream.baseURL;
    }
    db = await openDeskDatabase();
    desk = await buildDesk(db.database, {
      router: new IntentRouter({ llm: { baseURL, apiKey: 'local-upstream-key', model: ROUTING_MODEL, maxRetries: 0 } }),
    });
    modelDown = await buildDesk(db.database, {
      router: new IntentRouter({ llm: { baseURL: 'http://127.0.0.1:9/v1', apiKey: 'local-upstream-key', maxRetries: 0 } }),
    });
    origin = await desk.app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await desk?.close();
    await modelDown?.close();
    await db?.close();
    await upstream?.close();
  });

  async function api<T>(method: string, path: string, tenant: Tenant, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${origin}${path}`, {
      method,
      headers: { [TENANT_HEADER]: tenant.id, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  async function startConversation(tenantName: string): Promise<{ tenant: Tenant; conversation: Conversation }> {
    const tenant = await desk.createTenant(tenantName);
    const user = await desk.createUser(tenant.id, { email: `ann@${tenantName.toLowerCase().replace(/\W+/g, '-')}.test`, name: 'Ann' });
    const started = await api<Conversation>('POST', '/conversations', tenant, { userId: user.id });
    expect(started.status).toBe(201);
    return { tenant, conversation: started.body };
  }

  it('should answer an FAQ itself, hand a double charge to the billing queue, and keep one hand-off when the customer insists', async () => {
    const { tenant, conversation } = await startConversation('Handoff Mugs');
    const route = (text: string) => api<RoutedMessage>('POST', `/conversations/${conversation.id}/route`, tenant, { text });

    const faq = await route('How long does shipping take to Germany?');
    const charged = await route('I was charged twice for the same order');
    const insists = await route('Let me talk to a human');
    const billing = await api<{ handoffs: AgentHandoff[] }>('GET', '/handoffs?queue=billing', tenant);
    const sales = await api<{ handoffs: AgentHandoff[] }>('GET', '/handoffs?queue=sales', tenant);
    const messages = await api<{ messages: { author: string; text: string }[] }>(
      'GET',
      `/conversations/${conversation.id}/messages`,
      tenant,
    );

    expect(faq).toEqual({
      status: 200,
      body: {
        intent: 'faq',
        confidence: expect.any(Number),
        source: 'llm',
        reply: answerFaq('How long does shipping take to Germany?'),
        handoff: null,
      },
    });
    expect(charged.status).toBe(200);
    expect(charged.body).toMatchObject({ intent: 'payment_issue', source: 'llm' });
    expect(charged.body.reply).toBe('I am handing you over to our billing team: a person will answer in this conversation shortly.');
    expect(charged.body.handoff).toEqual({
      id: expect.any(String),
      conversationId: conversation.id,
      queue: 'billing',
      intent: 'payment_issue',
      status: 'waiting',
      createdAt: expect.any(String),
    });
    // Asking for a person while already waiting for one joins the same hand-off: no second ticket.
    expect(insists.body).toMatchObject({ intent: 'human_request', source: 'llm', handoff: charged.body.handoff });
    expect(billing.body.handoffs).toEqual([charged.body.handoff]);
    expect(sales.body.handoffs).toEqual([]);
    expect(messages.body.messages.map((message) => message.author)).toEqual([
      'customer',
      'assistant',
      'customer',
      'assistant',
      'customer',
      'assistant',
    ]);
    expect(messages.body.messages[3]!.text).toBe(charged.body.reply);
    expectWithinCostCeiling(0.0002);
  });

  it('should hand off by the keyword rules when the model is down, still answering 200', async () => {
    const { tenant, conversation } = await startConversation('Fallback Mugs');

    const routed = await modelDown.http({
      method: 'POST',
      url: `/conversations/${conversation.id}/route`,
      headers: { [TENANT_HEADER]: tenant.id },
      payload: { text: 'Get me an agent now, this is unacceptable' },
    });

    expect(routed.statusCode).toBe(200);
    expect(routed.json<RoutedMessage>()).toMatchObject({
      intent: 'human_request',
      source: 'rules',
      handoff: { queue: 'customer_care', intent: 'human_request', conversationId: conversation.id },
    });
  });

  it("should keep a tenant's hand-offs and conversations out of another tenant's reach", async () => {
    const { tenant, conversation } = await startConversation('Owner Mugs');
    const other = await desk.createTenant('Prying Mugs');
    await modelDown.http({
      method: 'POST',
      url: `/conversations/${conversation.id}/route`,
      headers: { [TENANT_HEADER]: tenant.id },
      payload: { text: 'I want a real person' },
    });

    const listed = await api<{ handoffs: AgentHandoff[] }>('GET', '/handoffs', other);
    const probed = await api<{ type: string }>('POST', `/conversations/${conversation.id}/route`, other, {
      text: 'Let me talk to a human',
    });
    const own = await api<{ handoffs: AgentHandoff[] }>('GET', '/handoffs?queue=customer_care', tenant);

    expect(listed.body.handoffs).toEqual([]);
    expect(probed.status).toBe(404);
    expect(probed.body.type).toBe('https://support-desk.example/problems/not-found');
    expect(own.body.handoffs.map((handoff) => handoff.conversationId)).toEqual([conversation.id]);
  });

  it('should refuse an empty message and an unknown queue with problem details', async () => {
    const { tenant, conversation } = await startConversation('Strict Mugs');

    const empty = await api<{ errors: unknown[] }>('POST', `/conversations/${conversation.id}/route`, tenant, { text: '   ' });
    const queue = await api<{ errors: unknown[] }>('GET', '/handoffs?queue=marketing', tenant);

    expect(empty.status).toBe(400);
    expect(queue.status).toBe(400);
  });
});
