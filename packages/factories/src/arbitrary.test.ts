import { describe, expect, it } from '@jest/globals';
import { test as propTest } from '@fast-check/jest';
import * as fc from 'fast-check';
import { defineFactory } from './factory.js';

const Line = defineFactory('line')
  .attr('sku', ({ faker }) => faker.commerce.isbn())
  .attr('quantity', fc.integer({ min: 1, max: 100 }))
  .attr('unitPriceCents', fc.integer({ min: 0, max: 10_000 }))
  .attr('note', ({ faker }) => faker.lorem.words(3))
  .trait('free', { unitPriceCents: 0 })
  .trait('bulk', { quantity: 500 });

describe('Factory.arbitrary', () => {
  it('should generate built objects whose declared arbitraries stay in range', () => {
    const lines = fc.sample(Line.arbitrary(undefined, { traits: [] }), { seed: 1, numRuns: 50 });

    expect(lines).toHaveLength(50);
    expect(lines.every((line) => line.quantity >= 1 && line.quantity <= 100 && typeof line.sku === 'string')).toBe(true);
  });

  it('should keep fixed overrides in every generated object', () => {
    const lines = fc.sample(Line.arbitrary({ sku: 'FIXED' }), { seed: 2, numRuns: 20 });

    expect(new Set(lines.map((line) => line.sku))).toEqual(new Set(['FIXED']));
  });

  it('should make the traits a dimension of the generated objects', () => {
    const lines = fc.sample(Line.arbitrary(), { seed: 3, numRuns: 200 });

    expect(lines.some((line) => line.quantity === 500)).toBe(true);
    expect(lines.some((line) => line.unitPriceCents === 0 && line.quantity !== 500)).toBe(true);
    expect(lines.some((line) => line.quantity <= 100)).toBe(true);
  });

  it('should shrink a failing property to the minimal counterexample', () => {
    const property = fc.property(Line.arbitrary(), (line) => line.quantity * line.unitPriceCents < 5000);

    const result = fc.check(property, { seed: 4, numRuns: 500 });

    expect(result.failed).toBe(true);
    const [line] = result.counterexample as [{ quantity: number; unitPriceCents: number; sku: string; note: string }];
    // Smallest total at or above 5000 with the smallest quantity: one unit at 5000 cents, and no trait.
    expect([line.quantity, line.unitPriceCents]).toEqual([1, 5000]);
  });

  it('should shrink faker fields to the value of seed 0 so counterexamples read the same each time', () => {
    const property = fc.property(Line.arbitrary(undefined, { traits: [] }), (line) => line.quantity < 50);

    const first = fc.check(property, { seed: 5, numRuns: 500 });
    const second = fc.check(property, { seed: 6, numRuns: 500 });

    expect((first.counterexample as [{ quantity: number }])[0]).toEqual((second.counterexample as [{ quantity: number }])[0]);
    expect((first.counterexample as [{ quantity: number }])[0].quantity).toBe(50);
  });
});

function expectFreeMug(line: { sku: string; unitPriceCents: number }): void {
  expect(line.sku).toBe('MUG');
  expect(line.unitPriceCents).toBe(0);
}

describe('Factory.arbitrary with @fast-check/jest', () => {
  propTest.prop([Line.arbitrary({ sku: 'MUG' }, { traits: ['free'] })])('should work as a test.prop arbitrary', expectFreeMug);
});
