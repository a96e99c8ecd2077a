import { describe, expect, it } from '@jest/globals';
import { replayLineFor, stableTestName } from './test-scope.js';

const state = { runSeed: 42, testPath: `${process.cwd()}/src/orders.test.ts` };

describe('replayLineFor', () => {
  it('should name the run seed, the test file and the test, escaped for -t', () => {
    const line = replayLineFor(state, "orders should total (in cents) for Ann's mugs");

    expect(line).toBe("FACTORIES_SEED=42 npx jest src/orders.test.ts -t '^orders should total \\(in cents\\) for Ann'\\''s mugs$'");
  });

  it("should replay a @fast-check/jest property with Jest's seed instead of the seed in its name", () => {
    const line = replayLineFor(state, 'orders should total (with seed=-123)');

    expect(line).toBe("FACTORIES_SEED=42 npx jest src/orders.test.ts -t '^orders should total \\(with seed=' --seed=-123");
  });
});

describe('stableTestName', () => {
  it('should drop the seed @fast-check/jest appends, so seeds derived from the name stay the same', () => {
    expect(stableTestName('a > b (with seed=99)')).toBe('a > b');
    expect(stableTestName('a (with seeds)')).toBe('a (with seeds)');
  });
});
