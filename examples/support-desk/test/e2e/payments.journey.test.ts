import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { setupServer, type SetupServer } from 'msw/node';
import type { Order } from '../../src/orders.ts';
import type { Payment } from '../../src/payments.ts';
import { PROBLEM_CONTENT_TYPE } from '../../src/problems.ts';
import { TENANT_HEADER, type Tenant } from '../../src/tenancy.ts';
import { mockPaymentsProvider, type MockPaymentsProvider } from '../mock-payments.ts';
import { startSupportDesk, type RunningSupportDesk } from '../support-desk.ts';

/** Not loopback: in mock mode only the msw handlers may answer it. */
const PAYMENTS_BASE_URL = 'https://payments.support-desk.test/v1';

describe('payments journey', () => {
  let msw: SetupServer;
  let provider: MockPaymentsProvider;
  let desk: RunningSupportDesk;
  let tenant: Tenant;
  let userId: string;

  beforeAll(async () => {
    msw = setupServer();
    msw.listen({ onUnhandledFrame: 'bypass' }); // what msw does not answer goes on to the test-modes guard
    desk = await startSupportDesk({ payments: { baseURL: PAYMENTS_BASE_URL, apiKey: 'pk_test_desk', retries: 1 } });
    tenant = await desk.createTenant('Acme Mugs');
    userId = (await desk.createUser(tenant.id, { email: 'ann@acme.test', name: 'Ann' })).id;
  });

  beforeEach(() => {
    provider = mockPaymentsProvider(PAYMENTS_BASE_URL);
    msw.use(...provider.handlers);
  });

  afterEach(() => msw.resetHandlers());

  afterAll(async () => {
    msw?.close();
    await desk?.close();
  });

  async function placeOrder(unitPriceCents = 1250, quantity = 2): Promise<Order> {
    return desk.createOrder(tenant.id, { userId, currency: 'EUR', lines: [{ sku: 'MUG-BLUE', quantity, unitPriceCents }] });
  }

  function pay(orderId: string, token: string, tenantId = tenant.id) {
    return desk.http({
      method: 'POST',
      url: `/orders/${orderId}/payments`,
      headers: { [TENANT_HEADER]: tenantId },
      payload: { token },
    });
  }

  it('should charge the order total through the provider, with our key and one idempotency key, and keep the payment', async () => {
    // Arrange
    const order = await placeOrder(1250, 2);

    // Act
    const paid = await pay(order.id, 'tok_visa');
    const listed = await desk.http({ method: 'GET', url: `/orders/${order.id}/payments`, headers: { [TENANT_HEADER]: tenant.id } });

    // Assert
    expect(paid.statusCode).toBe(201);
    const payment = paid.json<Payment>();
    expect(payment).toEqual({
      id: expect.any(String),
      orderId: order.id,
      amountCents: 2500,
      currency: 'EUR',
      status: 'succeeded',
      declineCode: null,
      providerChargeId: [...provider.charges.keys()][0],
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(provider.received).toEqual([
      {
        authorization: 'Bearer pk_test_desk',
        idempotencyKey: payment.id,
        body: { amount: 2500, currency: 'EUR', source: 'tok_visa', reference: order.id },
      },
    ]);
    expect(listed.json()).toEqual({ payments: [payment] });
  });

  it('should refuse a second payment of an order paid in full, without calling the provider', async () => {
    // Arrange
    const order = await placeOrder();
    expect((await pay(order.id, 'tok_visa')).statusCode).toBe(201);

    // Act
    const again = await pay(order.id, 'tok_visa');

    // Assert
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ type: 'https://support-desk.example/problems/already-paid', status: 409 });
    expect(provider.received).toHaveLength(1);
  });

  it('should answer 402 with the decline code for a declined card, keep the declined payment, and let a later card pay in full', async () => {
    // Arrange
    const order = await placeOrder(999, 1);

    // Act
    const declined = await pay(order.id, 'tok_decline_insufficient_funds');
    const retried = await pay(order.id, 'tok_visa');
    const listed = await desk.http({ method: 'GET', url: `/orders/${order.id}/payments`, headers: { [TENANT_HEADER]: tenant.id } });

    // Assert
    expect(declined.statusCode).toBe(402);
    expect(declined.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
    expect(declined.json()).toMatchObject({
      type: 'https://support-desk.example/problems/payment-declined',
      status: 402,
      declineCode: 'insufficient_funds',
    });
    expect(retried.statusCode).toBe(201);
    expect(retried.json<Payment>().amountCents).toBe(999);
    expect(listed.json<{ payments: Payment[] }>().payments.map((payment) => payment.status)).toEqual(['declined', 'succeeded']);
  });

  it('should retry a provider failure once with the same idempotency key, charging once', async () => {
    // Arrange
    const order = await placeOrder();

    // Act
    const paid = await pay(order.id, 'tok_flaky');

    // Assert
    expect(paid.statusCode).toBe(201);
    expect(provider.received).toHaveLength(2);
    expect(provider.received[0]!.idempotencyKey).toBe(provider.received[1]!.idempotencyKey);
    expect(provider.charges.size).toBe(1);
  });

  it('should answer 502 when the provider keeps failing, and 422 when it refuses the token, storing no payment', async () => {
    // Arrange
    const order = await placeOrder();

    // Act
    const unavailable = await pay(order.id, 'tok_unavailable');
    const refused = await pay(order.id, 'tok_invalid');
    const listed = await desk.http({ method: 'GET', url: `/orders/${order.id}/payments`, headers: { [TENANT_HEADER]: tenant.id } });

    // Assert
    expect(unavailable.statusCode).toBe(502);
    expect(unavailable.json()).toMatchObject({ type: 'https://support-desk.example/problems/upstream-unavailable' });
    expect(unavailable.body).not.toContain('service_unavailable');
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ type: 'https://support-desk.example/problems/payment-rejected' });
    expect(listed.json()).toEqual({ payments: [] });
  });

  it("should not let another tenant pay or see a tenant's order", async () => {
    // Arrange
    const order = await placeOrder();
    const other = await desk.createTenant('Other Co');

    // Act
    const paid = await pay(order.id, 'tok_visa', other.id);
    const listed = await desk.http({ method: 'GET', url: `/orders/${order.id}/payments`, headers: { [TENANT_HEADER]: other.id } });

    // Assert
    expect(paid.statusCode).toBe(404);
    expect(listed.statusCode).toBe(404);
    expect(provider.received).toEqual([]);
  });

  it('should refuse a body that is not a card token, naming the field', async () => {
    // Arrange
    const order = await placeOrder();

    // Act
    const cardNumber = await pay(order.id, '4242424242424242');

    // Assert
    expect(cardNumber.statusCode).toBe(400);
    expect(cardNumber.json()).toMatchObject({ errors: [{ pointer: '/body/token' }] });
    expect(provider.received).toEqual([]);
  });
});
