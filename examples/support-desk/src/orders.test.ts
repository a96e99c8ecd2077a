import { describe, expect, it } from '@jest/globals';
import { MAX_ORDER_LINES, MAX_QUANTITY, MAX_UNIT_PRICE_CENTS, priceOrder } from './orders.ts';

describe('priceOrder', () => {
  it('should total each line and the order in integer cents', () => {
    const priced = priceOrder([
      { sku: 'MUG', quantity: 3, unitPriceCents: 1250 },
      { sku: 'TEE', quantity: 1, unitPriceCents: 1999 },
    ]);

    expect(priced).toEqual({
      lines: [
        { lineNo: 1, sku: 'MUG', quantity: 3, unitPriceCents: 1250, lineTotalCents: 3750 },
        { lineNo: 2, sku: 'TEE', quantity: 1, unitPriceCents: 1999, lineTotalCents: 1999 },
      ],
      totalCents: 5749,
    });
  });

  it('should stay exact where floating point euros would not', () => {
    // 0.1 + 0.2 !== 0.3 in floating point; 10 + 20 cents is 30.
    const priced = priceOrder([
      { sku: 'A', quantity: 1, unitPriceCents: 10 },
      { sku: 'B', quantity: 1, unitPriceCents: 20 },
    ]);

    expect(priced.totalCents).toBe(30);
  });

  it('should keep the largest order the API accepts a safe integer', () => {
    const lines = Array.from({ length: MAX_ORDER_LINES }, (_, index) => ({
      sku: `SKU-${index}`,
      quantity: MAX_QUANTITY,
      unitPriceCents: MAX_UNIT_PRICE_CENTS,
    }));

    const priced = priceOrder(lines);

    expect(priced.totalCents).toBe(MAX_ORDER_LINES * MAX_QUANTITY * MAX_UNIT_PRICE_CENTS);
    expect(Number.isSafeInteger(priced.totalCents)).toBe(true);
  });

  it.each([
    { line: { sku: 'A', quantity: 0, unitPriceCents: 100 }, message: 'Line 1: quantity must be a positive integer, got 0.' },
    { line: { sku: 'A', quantity: 1.5, unitPriceCents: 100 }, message: 'Line 1: quantity must be a positive integer, got 1.5.' },
    {
      line: { sku: 'A', quantity: 1, unitPriceCents: 99.5 },
      message: 'Line 1: unitPriceCents must be a whole, non-negative number of cents, got 99.5.',
    },
    {
      line: { sku: 'A', quantity: 1, unitPriceCents: -1 },
      message: 'Line 1: unitPriceCents must be a whole, non-negative number of cents, got -1.',
    },
    {
      line: { sku: 'A', quantity: 2 ** 30, unitPriceCents: 2 ** 30 },
      message: 'Line 1: the line total must be a whole, non-negative number of cents',
    },
  ])('should refuse $line', ({ line, message }) => {
    expect(() => priceOrder([line])).toThrow(message);
  });
});
