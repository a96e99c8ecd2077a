import { afterEach, describe, expect, it } from '@jest/globals';
import { jestCommand } from '@proving-ground/kit';
import { defineFactory } from './factory/define.js';
import { configureFactories } from './sequences.js';
import { DEFAULT_REF_DATE, replayLineFor, stableTestName } from './test-scope.js';

const state = { runSeed: 42, testPath: `${process.cwd()}/src/orders.test.ts` };

describe('replayLineFor', () => {
  it('should name the run seed, the test file and the test, escaped for -t', () => {
    const line = replayLineFor(state, "orders should total (in cents) for Ann's mugs");

    expect(line).toBe(`FACTORIES_SEED=42 ${jestCommand()} src/orders.test.ts -t '^orders should total \\(in cents\\) for Ann'\\''s mugs$'`);
  });

  it("should replay a @fast-check/jest property with Jest's seed instead of the seed in its name", () => {
    const line = replayLineFor(state, 'orders should total (with seed=-123)');

    expect(line).toBe(`FACTORIES_SEED=42 ${jestCommand()} src/orders.test.ts -t '^orders should total \\(with seed=' --seed=-123`);
  });
});

describe('stableTestName', () => {
  it('should drop the seed @fast-check/jest appends, so seeds derived from the name stay the same', () => {
    expect(stableTestName('a > b (with seed=99)')).toBe('a > b');
    expect(stableTestName('a (with seeds)')).toBe('a (with seeds)');
  });
});

describe("faker's reference date", () => {
  afterEach(() => {
    configureFactories({ refDate: DEFAULT_REF_DATE });
  });

  it('should date relative faker dates from the configured refDate, never from the clock, the same on every build of a seed', () => {
    const Event = defineFactory('event').attr('at', ({ faker }) => faker.date.past());
    configureFactories({ refDate: '2030-06-01T00:00:00.000Z' });

    const first = Event.build(undefined, { seed: 7 });
    const again = Event.build(undefined, { seed: 7 });
    configureFactories({ refDate: '2040-06-01T00:00:00.000Z' });
    const later = Event.build(undefined, { seed: 7 });

    expect(again.at).toEqual(first.at);
    expect(first.at.getTime()).toBeLessThan(Date.parse('2030-06-01T00:00:00.000Z'));
    expect(first.at.getTime()).toBeGreaterThanOrEqual(Date.parse('2029-06-01T00:00:00.000Z'));
    expect(later.at.getTime() - first.at.getTime()).toBe(Date.parse('2040-06-01T00:00:00.000Z') - Date.parse('2030-06-01T00:00:00.000Z'));
  });

  it('should pin the default reference date when none is configured', () => {
    const Event = defineFactory('defaultEvent').attr('at', ({ faker }) => faker.date.recent({ days: 1 }));

    const event = Event.build(undefined, { seed: 3 });

    expect(event.at.getTime()).toBeLessThanOrEqual(Date.parse(DEFAULT_REF_DATE));
    expect(event.at.getTime()).toBeGreaterThan(Date.parse(DEFAULT_REF_DATE) - 24 * 3600 * 1000 - 1);
  });
});
