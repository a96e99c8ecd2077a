import { describe, expect, it } from '@jest/globals';
import { test as propTest } from '@fast-check/jest';
import * as fc from 'fast-check';
import { defineFactory } from './define.js';
import { unique } from '../fields.js';
import { SHRINK_SEEDS, fieldSeedArbitrary } from './arbitrary.js';

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
    const [line] = result.counterexample as [{ quantity: number; unitPriceCents: number }];
    const { quantity, unitPriceCents } = line;
    // Minimal: the pair still fails, and one step down on either declared arbitrary passes again.
    expect(quantity * unitPriceCents).toBeGreaterThanOrEqual(5000);
    expect(quantity * (unitPriceCents - 1)).toBeLessThan(5000);
    expect(quantity === 1 || (quantity - 1) * unitPriceCents < 5000).toBe(true);
  });

  it('should replay sequence and unique fields from the seed, however many samples ran before', () => {
    const Child = defineFactory('ticketChild').sequence('id').attr('ticketId', 0);
    const Ticket = defineFactory('ticket')
      .sequence('id')
      .attr(
        'code',
        unique(({ faker }) => faker.string.alpha(6)),
      )
      .hasMany('children', Child, { inverse: 'ticketId', count: 2 });

    const first = fc.sample(Ticket.arbitrary(), { seed: 1, numRuns: 3 });
    Ticket.buildList(5);
    const second = fc.sample(Ticket.arbitrary(), { seed: 1, numRuns: 3 });

    expect(second).toEqual(first);
    expect(new Set(first.map((ticket) => ticket.id)).size).toBe(3);
    expect(first.every(({ children: [a, b] }) => a!.id !== b!.id)).toBe(true);
  });

  it('should shrink faker fields to the value of seed 0 so counterexamples read the same each time', () => {
    const property = fc.property(Line.arbitrary(undefined, { traits: [] }), (line) => line.quantity < 50);

    const first = fc.check(property, { seed: 5, numRuns: 500 });
    const second = fc.check(property, { seed: 6, numRuns: 500 });

    expect((first.counterexample as [{ quantity: number }])[0]).toEqual((second.counterexample as [{ quantity: number }])[0]);
    expect((first.counterexample as [{ quantity: number }])[0].quantity).toBe(50);
  });
});

describe('Factory.arbitrary shrinking a faker field that causes the failure', () => {
  const Account = defineFactory('account')
    .attr('balance', ({ faker }) => faker.number.int({ min: 0, max: 999 }))
    .attr('owner', ({ faker }) => faker.person.fullName());

  it('should reach the same counterexample whatever the fast-check seed', () => {
    const property = fc.property(Account.arbitrary(), (account) => account.balance < 800);

    const counterexamples = [11, 12, 13, 14, 15, 16].map((seed) => fc.check(property, { seed, numRuns: 500 }).counterexample);

    expect(counterexamples.every((counterexample) => counterexample !== null)).toBe(true);
    expect(new Set(counterexamples.map((counterexample) => JSON.stringify(counterexample))).size).toBe(1);
    expect((counterexamples[0] as [{ balance: number }])[0].balance).toBeGreaterThanOrEqual(800);
  });

  it(`should try only the first ${SHRINK_SEEDS} seeds, smallest first, when shrinking a field's seed`, () => {
    const seeds = fieldSeedArbitrary();
    const candidates = (seed: number): number[] => [...seeds.shrink(seed, undefined)].map((value) => value.value);

    expect(candidates(4_000_000_000)).toEqual(Array.from({ length: SHRINK_SEEDS }, (_, seed) => seed));
    expect(candidates(3)).toEqual([0, 1, 2]);
    expect(candidates(0)).toEqual([]);
  });
});

function expectFreeMug(line: { sku: string; unitPriceCents: number }): void {
  expect(line.sku).toBe('MUG');
  expect(line.unitPriceCents).toBe(0);
}

describe('Factory.arbitrary with @fast-check/jest', () => {
  propTest.prop([Line.arbitrary({ sku: 'MUG' }, { traits: ['free'] })])('should work as a test.prop arbitrary', expectFreeMug);
});
