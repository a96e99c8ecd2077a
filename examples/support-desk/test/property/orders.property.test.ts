import { afterAll, beforeAll, describe, expect } from '@jest/globals';
import { fc, test } from '@fast-check/jest';
import type { BuiltOf, CreatedOf } from '@proving-ground/factories';
import { TENANT_HEADER } from '../../src/tenancy.ts';
import { Order, OrderLine, Tenant, User, useSupportDesk } from '../factories/index.ts';
import { startSupportDesk, type RunningSupportDesk } from '../support-desk.ts';

let desk: RunningSupportDesk;
let user: CreatedOf<typeof User>;
let tenantId: string;

beforeAll(async () => {
  desk = await startSupportDesk();
  useSupportDesk(desk);
  const tenant = await Tenant.create({ name: 'Property Mugs' });
  tenantId = tenant.id;
  user = await User.create({ tenantId: tenant });
});

afterAll(async () => {
  await desk?.close();
});

type Line = BuiltOf<typeof OrderLine>;

/** The invariant: the server prices every line and the order in integer cents, and a read returns what the create answered. */
async function pricedByTheServer(lines: Line[], currency: 'EUR' | 'USD' | 'GBP'): Promise<void> {
  const created = await Order.create({ userId: user, lines, currency });
  const readBack = await desk.app.inject({ method: 'GET', url: `/orders/${created.id}`, headers: { [TENANT_HEADER]: tenantId } });

  expect(created.lines.map((line) => line.lineTotalCents)).toEqual(lines.map((line) => line.quantity * line.unitPriceCents));
  expect(created.totalCents).toBe(lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0));
  expect(readBack.json()).toEqual(created);
}

describe('order totals', () => {
  // Lines come from the OrderLine factory: quantity and price are its fast-check arbitraries (they
  // shrink), the SKU its sequence; the plain traits (`free`) are one more dimension.
  test.prop(
    [fc.array(OrderLine.arbitrary(), { minLength: 1, maxLength: 6 }), fc.constantFrom('EUR' as const, 'USD' as const, 'GBP' as const)],
    { numRuns: 40 },
  )('should be computed by the server from the lines, and survive a save and load round trip', pricedByTheServer);
});
