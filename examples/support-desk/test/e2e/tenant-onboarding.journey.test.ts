import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setupServer, type SetupServer } from 'msw/node';
import type { ApiKey, CreatedApiKey } from '../../src/api-keys.ts';
import type { TenantFaqEntry } from '../../src/faq-entries.ts';
import type { Order } from '../../src/orders.ts';
import { TenantQuotas, type QuotaStatus } from '../../src/quotas/tenant-quotas.ts';
import { TENANT_HEADER, type Tenant } from '../../src/tenancy.ts';
import type { User } from '../../src/users.ts';
import { streamingChatCompletion } from '../mock-llm.ts';
import { startSupportDesk, type RunningSupportDesk } from '../support-desk.ts';

/** Not loopback: in mock mode only the msw handler below answers it. */
const LLM_BASE_URL = 'https://llm.onboarding.test/v1';
const GIFT_ANSWER = 'Every Nimbus order can be gift-wrapped for free: add a note at checkout.';

describe('tenant onboarding journey', () => {
  const prompts: { messages: { role: string; content: string }[] }[] = [];
  let msw: SetupServer;
  let desk: RunningSupportDesk;

  beforeAll(async () => {
    msw = setupServer(streamingChatCompletion(LLM_BASE_URL, { pieces: ['Yes, ', 'gift-wrapping is free.'] }, prompts));
    msw.listen({ onUnhandledFrame: 'bypass' }); // what msw does not answer goes on to the test-modes guard
    desk = await startSupportDesk({ llm: { baseURL: LLM_BASE_URL, apiKey: 'test-key', maxRetries: 0 }, quotas: new TenantQuotas() });
  });

  afterAll(async () => {
    await desk?.close();
    msw?.close();
  });

  it('should take a new tenant from sign-up to its first order and its first FAQ answer, all through the HTTP API', async () => {
    // 1. Sign-up: the tenant, on a plan. Until it has an API key, its id (x-tenant-id) names it.
    const signUp = await desk.http({ method: 'POST', url: '/tenants', payload: { name: '  Nimbus Tea  ', plan: 'growth' } });
    const tenant = signUp.json<Tenant>();
    const as = { [TENANT_HEADER]: tenant.id };
    const current = await desk.http({ method: 'GET', url: '/tenants/current', headers: as });
    const plan = (await desk.http({ method: 'GET', url: '/tenants/current/quotas', headers: as })).json<QuotaStatus>();

    expect(signUp.statusCode).toBe(201);
    expect(signUp.headers['location']).toBe('/tenants/current');
    expect(tenant.name).toBe('Nimbus Tea');
    expect(current.json()).toEqual(tenant);
    expect(plan).toMatchObject({ plan: 'growth', orders: { perDay: 10_000, used: 0, remaining: 10_000 } });

    // 2. The first user: the tenant's administrator.
    const admin = await desk.http({
      method: 'POST',
      url: '/users',
      headers: as,
      payload: { email: 'Admin@Nimbus.test', name: 'Nia Admin' },
    });
    const users = await desk.http({ method: 'GET', url: '/users', headers: as });

    expect(admin.statusCode).toBe(201);
    expect(users.json()).toEqual({ users: [admin.json<User>()] });

    // 3. Credentials: an API key, shown once; from here on every request carries it alone.
    const created = await desk.http({
      method: 'POST',
      url: '/tenants/current/api-keys',
      headers: as,
      payload: { name: 'Shop backend' },
    });
    const apiKey = created.json<CreatedApiKey>();
    const withKey = { authorization: `Bearer ${apiKey.key}` };
    const keys = await desk.http({ method: 'GET', url: '/tenants/current/api-keys', headers: withKey });

    expect(created.statusCode).toBe(201);
    expect(apiKey.key).toMatch(new RegExp(`^sdk_${tenant.id.replaceAll('-', '')}_`));
    expect(keys.json()).toEqual({ apiKeys: [{ id: apiKey.id, name: 'Shop backend', createdAt: apiKey.createdAt, revokedAt: null }] });
    expect(keys.body).not.toContain(apiKey.key.split('_').slice(2).join('_'));

    // 4. The tenant's own knowledge base, for its FAQ.
    const entry = await desk.http({
      method: 'POST',
      url: '/faq/entries',
      headers: withKey,
      payload: { question: 'Do you gift-wrap?', keywords: ['Gift', 'wrap'], answer: GIFT_ANSWER },
    });

    expect(entry.statusCode).toBe(201);
    expect(entry.json<TenantFaqEntry>()).toMatchObject({ keywords: ['gift', 'wrap'], answer: GIFT_ANSWER });

    // 5. The first order, counted against the plan's daily quota.
    const order = await desk.http({
      method: 'POST',
      url: '/orders',
      headers: withKey,
      payload: { userId: admin.json<User>().id, currency: 'GBP', lines: [{ sku: 'EARL-GREY', quantity: 2, unitPriceCents: 650 }] },
    });
    const afterOrder = (await desk.http({ method: 'GET', url: '/tenants/current/quotas', headers: withKey })).json<QuotaStatus>();

    expect(order.statusCode).toBe(201);
    expect(order.json<Order>()).toMatchObject({ totalCents: 1300, currency: 'GBP' });
    expect(afterOrder.orders).toMatchObject({ used: 1, remaining: 9_999 });

    // 6. The first FAQ answer, from the model told the tenant's name and its own knowledge base.
    const faq = await desk.http({
      method: 'POST',
      url: '/faq',
      headers: { ...withKey, accept: 'application/json' },
      payload: { question: 'Can you gift wrap my order?' },
    });
    const system = prompts[0]?.messages.find((message) => message.role === 'system')?.content ?? '';

    expect(faq.statusCode).toBe(200);
    expect(faq.json()).toMatchObject({ answer: 'Yes, gift-wrapping is free.' });
    expect(system).toContain('You are the support desk of Nimbus Tea.');
    expect(system).toContain(GIFT_ANSWER);

    // 7. A revoked key opens nothing any more.
    const revoked = await desk.http({ method: 'DELETE', url: `/tenants/current/api-keys/${apiKey.id}`, headers: withKey });
    const afterRevoke = await desk.http({ method: 'GET', url: '/orders', headers: withKey });
    const listed = await desk.http({ method: 'GET', url: '/tenants/current/api-keys', headers: as });

    expect(revoked.statusCode).toBe(204);
    expect(afterRevoke.statusCode).toBe(401);
    expect(afterRevoke.json()).toMatchObject({ type: 'https://support-desk.example/problems/invalid-credentials' });
    expect(listed.json<{ apiKeys: ApiKey[] }>().apiKeys[0]?.revokedAt).toEqual(expect.stringMatching(/^\d{4}-/));
  });

  it("should start a second tenant empty, on the starter plan, with none of the first tenant's data", async () => {
    const second = await desk.createTenant('Second Tenant');
    const as = { [TENANT_HEADER]: second.id };

    const views = await Promise.all(
      ['/users', '/orders', '/leads', '/faq/entries', '/tenants/current/quotas'].map(async (url) =>
        (await desk.http({ method: 'GET', url, headers: as })).json<unknown>(),
      ),
    );

    expect(views).toEqual([
      { users: [] },
      { orders: [] },
      { leads: [] },
      { entries: [] },
      expect.objectContaining({ plan: 'starter', orders: expect.objectContaining({ used: 0 }) }),
    ]);
  });

  it('should refuse every tenant-scoped request without the credential, or with an id no tenant has', async () => {
    const missing = await desk.http({ method: 'GET', url: '/users' });
    const unknown = await desk.http({
      method: 'GET',
      url: '/users',
      headers: { [TENANT_HEADER]: '00000000-0000-4000-8000-000000000000' },
    });

    expect([missing.statusCode, unknown.statusCode]).toEqual([400, 404]);
    expect(missing.json()).toMatchObject({ type: 'https://support-desk.example/problems/tenant-required' });
    expect(unknown.json()).toMatchObject({ type: 'https://support-desk.example/problems/unknown-tenant' });
  });
});
