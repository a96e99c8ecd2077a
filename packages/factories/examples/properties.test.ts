import { expect } from '@jest/globals';
import { test } from '@fast-check/jest';
import { Order } from './factories.js';

type BuiltOrder = ReturnType<typeof Order.build>;

function totalCents(order: BuiltOrder): number {
  const gross = order.lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
  return gross - Math.floor((gross * order.discountPercent) / 100);
}

function expectTotalWithinGross(order: BuiltOrder): void {
  const gross = order.lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
  expect(totalCents(order)).toBeLessThanOrEqual(gross);
  expect(totalCents(order)).toBeGreaterThanOrEqual(0);
}

// Every trait combination of Order is a dimension of the generated orders.
test.prop([Order.arbitrary()])('should never total more than the gross of the lines', expectTotalWithinGross);
