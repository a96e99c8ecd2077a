import { describe, expect, it } from '@jest/globals';
import { runAgain, type CircusTest } from './test-copies.js';
import { testOccurrences } from './test-occurrences.js';

interface Block {
  type: 'describeBlock';
  name: string;
  parent?: Block;
  children: unknown[];
}

function block(name: string, parent?: Block): Block {
  const created: Block = { type: 'describeBlock', name, parent, children: [] };
  parent?.children.push(created);
  return created;
}

function test(name: string, parent: Block): CircusTest {
  const created = {
    type: 'test',
    name,
    parent,
    errors: [],
    retryReasons: [],
    invocations: 0,
    duration: null,
    status: null,
    concurrent: false,
  } as unknown as CircusTest;
  parent.children.push(created);
  return created;
}

describe('testOccurrences', () => {
  it('should number tests of one full name in the order declared, across blocks, and leave copies out', () => {
    const root = block('ROOT_DESCRIBE_BLOCK');
    const cart = block('cart', root);
    const first = test('adds', cart);
    const other = test('removes', cart);
    const second = test('adds', cart);
    const nested = block('adds', root);
    const ambiguous = test('x', nested);
    const third = test('adds', block('cart', root));
    runAgain(first);

    const occurrences = testOccurrences(second);

    expect([first, other, second, third, ambiguous].map((entry) => occurrences.get(entry)?.occurrence)).toEqual([1, 1, 2, 3, 1]);
    expect(occurrences.get(third)?.fullName).toBe('cart adds');
    expect(occurrences.get(ambiguous)?.fullName).toBe('adds x');
    expect(occurrences.size).toBe(5);
  });
});
