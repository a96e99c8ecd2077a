import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { assertSingleTenant, crossTenant, tenantReferences, verifyFactories, withTenant } from '@proving-ground/factories';
import { TENANT_HEADER } from '../../src/tenancy.ts';
import { startSupportDesk, type RunningSupportDesk } from '../support-desk.ts';
import { Lead, Order, OrderLine, Payment, Tenant, User, useSupportDesk } from './index.ts';

describe('support-desk factories', () => {
  let desk: RunningSupportDesk;

  beforeAll(async () => {
    desk = await startSupportDesk();
    useSupportDesk(desk);
  });

  afterAll(async () => {
    await desk?.close();
  });

  it('should build every factory and trait combination validly', () => {
    const report = verifyFactories({ factories: [Tenant, User, OrderLine, Order, Lead, Payment] });

    expect(report.failures).toEqual([]);
    expect(report.checked).toBe(1 + 1 + 2 + 4 + 4 + 2);
  });

  it('should create every factory and trait combination through the API (OrderLine has no adapter: built)', async () => {
    const report = await verifyFactories({ strategy: 'create', factories: [Tenant, User, OrderLine, Order, Lead, Payment] });

    expect(report).toMatchObject({ checked: 14, failures: [], builtOnly: ['orderLine'] });
  });

  it('should create an order with its user and tenant through the API, with totals computed by the server', async () => {
    const order = await Order.create({
      lines: [
        { sku: 'MUG', quantity: 3, unitPriceCents: 1250 },
        { sku: 'TEE', quantity: 2, unitPriceCents: 1999 },
      ],
    });

    expect(order).toMatchObject({
      totalCents: 7748,
      lines: [
        { lineNo: 1, lineTotalCents: 3750 },
        { lineNo: 2, lineTotalCents: 3998 },
      ],
    });
    expect(tenantReferences(order).map((reference) => reference.path)).toEqual(['order.tenantId', 'order.userId→user.tenantId']);
    expect(() => assertSingleTenant(order)).not.toThrow();
  });

  it('should keep every row of a scope in its tenant', async () => {
    const tenant = await Tenant.create({ name: 'Scoped Ltd' });

    const orders = await withTenant(tenant, () => Order.createList(3, undefined, { traits: ['single'] }));
    const listed = await desk.app.inject({ method: 'GET', url: '/orders', headers: { [TENANT_HEADER]: tenant.id } });
    const users = await desk.app.inject({ method: 'GET', url: '/users', headers: { [TENANT_HEADER]: tenant.id } });

    expect(listed.json<{ orders: unknown[] }>().orders).toHaveLength(3);
    expect(users.json<{ users: unknown[] }>().users).toHaveLength(3);
    expect(() => assertSingleTenant(orders, tenant.id)).not.toThrow();
  });

  it('should move a created lead along the pipeline with a trait', async () => {
    const tenant = await Tenant.create();

    const [qualified, anonymous] = await withTenant(tenant, () =>
      Promise.all([Lead.create(undefined, { traits: ['qualified'] }), Lead.create(undefined, { traits: ['anonymous'] })]),
    );
    const stored = await desk.app.inject({ method: 'GET', url: `/leads/${qualified.id}`, headers: { [TENANT_HEADER]: tenant.id } });

    expect(qualified.status).toBe('qualified');
    expect(stored.json()).toEqual(qualified);
    expect(anonymous).toMatchObject({ status: 'new', company: null, phone: null });
  });

  it('should insert payments of an order that the API then lists', async () => {
    const tenant = await Tenant.create();
    const order = await withTenant(tenant, () => Order.create());

    const declined = await Payment.create({ orderId: order, amountCents: order.totalCents }, { traits: ['declined'] });
    const paid = await Payment.create({ orderId: order, amountCents: order.totalCents });
    const listed = await desk.app.inject({ method: 'GET', url: `/orders/${order.id}/payments`, headers: { [TENANT_HEADER]: tenant.id } });

    expect(listed.json()).toEqual({ payments: [declined, paid] });
  });

  it("should build, on purpose, an order of tenant B for tenant A's user, which the service refuses", async () => {
    const [tenantA, tenantB] = await Tenant.createList(2);
    const userOfA = await User.create({ tenantId: tenantA!.id });

    const accident = (): unknown => withTenant(tenantB!, () => Order.build({ userId: userOfA }));
    const intruder = crossTenant(() => withTenant(tenantB!, () => Order.build({ userId: userOfA })));
    const response = await desk.app.inject({
      method: 'POST',
      url: '/orders',
      headers: { [TENANT_HEADER]: intruder.tenantId },
      payload: { userId: intruder.userId, currency: intruder.currency, lines: intruder.lines },
    });

    expect(accident).toThrow(expect.objectContaining({ code: 'FACTORIES_TENANT_MISMATCH' }));
    expect(response.statusCode).toBe(422);
  });
});
