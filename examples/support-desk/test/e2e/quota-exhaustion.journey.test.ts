import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { skewClock } from '@proving-ground/chaos-injectors';
import { PROBLEM_CONTENT_TYPE } from '../../src/problems.ts';
import { RETRY_AFTER_HEADER, TenantQuotas, type QuotaStatus } from '../../src/quotas/tenant-quotas.ts';
import { TENANT_HEADER, type Tenant } from '../../src/tenancy.ts';
import { startSupportDesk, type RunningSupportDesk } from '../support-desk.ts';
import type { DeskResponse } from '../desk-http.ts';

const ORDERS_PER_DAY = 3;
const DAY_MS = 86_400_000;

/** Small limits, so the journey reaches them in a few requests: orders on `growth`, requests on `starter`. */
const quotas = () =>
  new TenantQuotas({
    limits: {
      starter: { ordersPerDay: 1_000, requestsPerSecond: 1, burst: 3 },
      growth: { ordersPerDay: ORDERS_PER_DAY, requestsPerSecond: 1_000, burst: 1_000 },
    },
  });

const ORDER = { currency: 'EUR', lines: [{ sku: 'TEA-BOX', quantity: 1, unitPriceCents: 900 }] };

function expectTooManyRequests(response: DeskResponse, kind: 'rate-limited' | 'quota-exceeded'): { retryAfterSeconds: number } {
  const body = response.json<{ type: string; status: number; plan: string; limit: number; retryAfterSeconds: number }>();
  expect({ status: response.statusCode, contentType: response.headers['content-type'], type: body.type }).toEqual({
    status: 429,
    contentType: expect.stringContaining(PROBLEM_CONTENT_TYPE),
    type: `https://support-desk.example/problems/${kind}`,
  });
  // The header and the body say the same thing: a client may read either.
  expect(response.headers[RETRY_AFTER_HEADER]).toBe(String(body.retryAfterSeconds));
  return body;
}

describe('quota exhaustion journey', () => {
  let desk: RunningSupportDesk;

  beforeAll(async () => {
    desk = await startSupportDesk({ quotas: quotas() });
  });

  afterAll(async () => {
    await desk?.close();
  });

  async function tenantOnPlan(name: string, plan: 'starter' | 'growth'): Promise<{ tenant: Tenant; userId: string }> {
    const created = await desk.http({ method: 'POST', url: '/tenants', payload: { name, plan } });
    const tenant = created.json<Tenant>();
    const user = await desk.createUser(tenant.id, { email: `owner@${tenant.id.slice(0, 8)}.test`, name: 'Owner' });
    return { tenant, userId: user.id };
  }

  function placeOrder(tenantId: string, userId: string, extra: Record<string, string> = {}) {
    return desk.http({
      method: 'POST',
      url: '/orders',
      headers: { [TENANT_HEADER]: tenantId, ...extra },
      payload: { userId, ...ORDER },
    });
  }

  async function quotaOf(tenantId: string): Promise<QuotaStatus> {
    return (await desk.http({ method: 'GET', url: '/tenants/current/quotas', headers: { [TENANT_HEADER]: tenantId } })).json<QuotaStatus>();
  }

  it("should refuse a tenant's order past its daily quota with 429 problem+json and Retry-After, leave other tenants alone, and start again the next UTC day", async () => {
    // Arrange: two tenants on the same plan.
    const a = await tenantOnPlan('Quota Tea A', 'growth');
    const b = await tenantOnPlan('Quota Tea B', 'growth');

    // Act: requests that place no order use none of the quota (a refused body, an idempotent replay).
    const invalid = await desk.http({
      method: 'POST',
      url: '/orders',
      headers: { [TENANT_HEADER]: a.tenant.id },
      payload: { userId: a.userId, currency: 'EUR', lines: [] },
    });
    const first = await placeOrder(a.tenant.id, a.userId, { 'idempotency-key': 'first-order' });
    const replay = await placeOrder(a.tenant.id, a.userId, { 'idempotency-key': 'first-order' });
    const more = [await placeOrder(a.tenant.id, a.userId), await placeOrder(a.tenant.id, a.userId)];
    const refused = await placeOrder(a.tenant.id, a.userId);
    const usage = await quotaOf(a.tenant.id);
    const listed = await desk.http({ method: 'GET', url: '/orders', headers: { [TENANT_HEADER]: a.tenant.id } });
    const otherTenant = await placeOrder(b.tenant.id, b.userId);

    // Assert
    expect([invalid.statusCode, first.statusCode, replay.statusCode, ...more.map((response) => response.statusCode)]).toEqual([
      400, 201, 201, 201, 201,
    ]);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const problem = expectTooManyRequests(refused, 'quota-exceeded');
    expect(refused.json()).toMatchObject({ plan: 'growth', limit: ORDERS_PER_DAY });
    // Retry-After points at the next midnight UTC, where the quota says it starts again.
    const resetsAt = Date.parse(usage.orders.resetsAt);
    expect(resetsAt % DAY_MS).toBe(0);
    expect(problem.retryAfterSeconds).toBeGreaterThan(0);
    expect(problem.retryAfterSeconds).toBeLessThanOrEqual(Math.ceil((resetsAt - Date.now()) / 1000) + 1);
    expect(usage.orders).toEqual({ perDay: ORDERS_PER_DAY, used: ORDERS_PER_DAY, remaining: 0, resetsAt: usage.orders.resetsAt });
    // The refused order was never placed; reading is not limited by the order quota.
    expect(listed.json<{ orders: unknown[] }>().orders).toHaveLength(ORDERS_PER_DAY);
    expect(otherTenant.statusCode).toBe(201);

    // Act: the next UTC day, on a clock moved past midnight.
    await using tomorrow = skewClock(resetsAt - Date.now() + 1_000);
    const nextDay = await placeOrder(a.tenant.id, a.userId);
    const usageNextDay = await quotaOf(a.tenant.id);

    // Assert
    expect(tomorrow.active).toBe(true);
    expect(nextDay.statusCode).toBe(201);
    expect(usageNextDay.orders).toMatchObject({
      used: 1,
      remaining: ORDERS_PER_DAY - 1,
      resetsAt: new Date(resetsAt + DAY_MS).toISOString(),
    });
  });

  it("should rate-limit a tenant's requests with a token bucket, 429 with Retry-After, without slowing another tenant, and refill with time", async () => {
    // Arrange: bursts of 3, one request a second, on the starter plan.
    const c = await tenantOnPlan('Chatty Co', 'starter');
    const d = await tenantOnPlan('Quiet Co', 'starter');
    const list = (tenantId: string) => desk.http({ method: 'GET', url: '/orders', headers: { [TENANT_HEADER]: tenantId } });
    // Creating the user took a token: one second later the bucket is full again.
    await using settled = skewClock(3_000);

    // Act
    const burst = [await list(c.tenant.id), await list(c.tenant.id), await list(c.tenant.id)];
    const limited = await list(c.tenant.id);
    const limitedWrite = await placeOrder(c.tenant.id, c.userId);
    const neighbour = await list(d.tenant.id);
    await using oneSecondLater = skewClock(1_000);
    const refilled = await list(c.tenant.id);
    const againLimited = await list(c.tenant.id);

    // Assert
    expect(burst.map((response) => response.statusCode)).toEqual([200, 200, 200]);
    expect(expectTooManyRequests(limited, 'rate-limited').retryAfterSeconds).toBe(1);
    expect(limited.json()).toMatchObject({ plan: 'starter', limit: 1 });
    expect(expectTooManyRequests(limitedWrite, 'rate-limited').retryAfterSeconds).toBe(1);
    expect(neighbour.statusCode).toBe(200);
    expect([settled.active, oneSecondLater.active]).toEqual([true, true]);
    expect(refilled.statusCode).toBe(200);
    expect(againLimited.statusCode).toBe(429);
  });

  it("should count requests made with an API key against the key's tenant", async () => {
    const e = await tenantOnPlan('Keyed Co', 'starter');
    await using settled = skewClock(3_000);
    const created = await desk.http({
      method: 'POST',
      url: '/tenants/current/api-keys',
      headers: { [TENANT_HEADER]: e.tenant.id },
      payload: { name: 'ci' },
    });
    const withKey = { authorization: `Bearer ${created.json<{ key: string }>().key}` };

    const answers = [];
    for (let i = 0; i < 3; i += 1) answers.push(await desk.http({ method: 'GET', url: '/orders', headers: withKey }));

    expect(settled.active).toBe(true);
    expect([created.statusCode, ...answers.map((answer) => answer.statusCode)]).toEqual([201, 200, 200, 429]);
    expectTooManyRequests(answers[2]!, 'rate-limited');
  });

  it('should refuse a plan that does not exist when a tenant is created', async () => {
    const response = await desk.http({ method: 'POST', url: '/tenants', payload: { name: 'Platinum Ltd', plan: 'platinum' } });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ type: 'https://support-desk.example/problems/validation-failed' });
  });
});
