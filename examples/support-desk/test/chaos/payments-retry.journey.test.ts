import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { httpFaults } from '@proving-ground/chaos-injectors';
import type { Payment } from '../../src/payments.ts';
import { PROBLEM_CONTENT_TYPE } from '../../src/problems.ts';
import { TENANT_HEADER, type Tenant } from '../../src/tenancy.ts';
import { startSupportDesk, type RunningSupportDesk } from '../support-desk.ts';
import { startLocalPaymentsProvider, type LocalPaymentsProvider } from './payments-provider-server.ts';

const faults = httpFaults();
afterAll(() => faults.close());

describe('payments when the provider answers 503', () => {
  let provider: LocalPaymentsProvider;
  let desk: RunningSupportDesk;
  let tenant: Tenant;
  let userId: string;
  /** The `Idempotency-Key` of every attempt the service makes, as it leaves the service. */
  const attempts: (string | null)[] = [];

  beforeAll(async () => {
    provider = await startLocalPaymentsProvider();
    desk = await startSupportDesk({
      payments: {
        baseURL: provider.baseURL,
        apiKey: 'pk_test_chaos',
        retries: 1,
        fetch: (input, init) => {
          attempts.push(new Headers(init?.headers).get('idempotency-key'));
          return fetch(input, init);
        },
      },
    });
    tenant = await desk.createTenant('Retrying Roasters');
    userId = (await desk.createUser(tenant.id, { email: 'rita@roasters.test', name: 'Rita' })).id;
  });

  afterAll(async () => {
    await desk?.close();
    await provider?.close();
  });

  async function payNewOrder() {
    const order = await desk.createOrder(tenant.id, {
      userId,
      currency: 'EUR',
      lines: [{ sku: 'BEANS-1KG', quantity: 2, unitPriceCents: 1800 }],
    });
    attempts.length = 0;
    provider.chargeRequests.length = 0;
    const paid = await desk.app.inject({
      method: 'POST',
      url: `/orders/${order.id}/payments`,
      headers: { [TENANT_HEADER]: tenant.id },
      payload: { token: 'tok_visa' },
    });
    const listed = await desk.app.inject({ method: 'GET', url: `/orders/${order.id}/payments`, headers: { [TENANT_HEADER]: tenant.id } });
    return { order, paid, payments: listed.json<{ payments: Payment[] }>().payments };
  }

  it('should retry once with the same idempotency key and record one payment when the first attempt gets 503', async () => {
    // Arrange: the provider fails the first charge request, then answers as usual.
    await using unavailableOnce = faults
      .on({ host: new URL(provider.baseURL).host, method: 'POST', path: '/v1/charges' })
      .status(503)
      .times(1)
      .thenPass();

    // Act
    const { paid, payments } = await payNewOrder();

    // Assert
    expect(paid.statusCode).toBe(201);
    const payment = paid.json<Payment>();
    expect(unavailableOnce.fired).toBe(1);
    expect(attempts).toEqual([payment.id, payment.id]);
    expect(provider.chargeRequests).toEqual([payment.id]);
    expect(payments).toEqual([payment]);
    expect([...provider.charges.values()].filter((charge) => charge.id === payment.providerChargeId)).toHaveLength(1);
  });

  it('should answer 502 after its one retry, and record no payment, when the provider keeps answering 503', async () => {
    await using unavailable = faults
      .on({ host: new URL(provider.baseURL).host, method: 'POST', path: '/v1/charges' })
      .status(503)
      .times(2)
      .thenPass();

    const { paid, payments } = await payNewOrder();

    expect(paid.statusCode).toBe(502);
    expect(paid.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
    expect(paid.json()).toMatchObject({ type: 'https://support-desk.example/problems/upstream-unavailable', status: 502 });
    expect(unavailable.fired).toBe(2);
    expect(attempts).toHaveLength(2);
    expect(new Set(attempts).size).toBe(1);
    expect(provider.chargeRequests).toEqual([]);
    expect(payments).toEqual([]);
  });
});
