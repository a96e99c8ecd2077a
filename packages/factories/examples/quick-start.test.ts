import { describe, expect, it } from '@jest/globals';
import { assertSingleTenant, withTenant } from '@proving-ground/factories';
import { Order, Tenant, User } from './factories.js';

describe('quick start', () => {
  it('should build a user with a typed override and a trait', () => {
    const user = User.build({ name: 'Ann Lee' }, { traits: ['admin'] });

    expect(user).toMatchObject({ name: 'Ann Lee', role: 'admin', tenantId: expect.any(String) });
  });

  it('should create a user after its tenant, with the id the store assigned', async () => {
    const user = await User.create();

    expect(user.id).toEqual(expect.any(Number));
  });

  it('should build an order with lines, a transient and a parameterized trait', () => {
    const order = Order.build({}, { traits: ['big', ['discounted', 15]] });
    const vip = Order.build({}, { transient: { vip: true } });

    expect(order.lines).toHaveLength(10);
    expect(order.lines[0]!.orderNumber).toBe(order.number);
    expect([order.discountPercent, vip.discountPercent]).toEqual([15, 10]);
  });

  it('should put every nested row in the scoped tenant', async () => {
    const acme = await Tenant.create({ name: 'Acme' });

    const order = withTenant(acme, () => Order.build());

    expect(order.tenantId).toBe(acme.id);
    expect(() => assertSingleTenant(order, acme.id)).not.toThrow();
  });
});
