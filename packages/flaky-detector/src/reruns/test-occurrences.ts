import { blockNames, type CircusBlock } from '@proving-ground/kit';
import { isCopy, type CircusTest } from './test-copies.js';

interface TreeNode {
  type?: unknown;
  parent?: unknown;
  children?: unknown[];
}

/** A test's full name (its describe blocks' names and its own, space-separated) and its place among the file's tests of that name. */
export interface TestOccurrence {
  fullName: string;
  occurrence: number;
}

/**
 * Each test of the file `test` belongs to, with its full name and its place among the tests of the same full name
 * (1 for the first, 2 for the second, ... in the order they were declared, skipped and todo tests
 * included), the way the reporter numbers Jest's results: what `testIdOf(file, fullName, occurrence)` needs.
 *
 * @example
 * const occurrences = testOccurrences(test); // at the first test_start of a file
 * const { fullName, occurrence } = occurrences.get(test)!;
 * testIdOf(file, fullName, occurrence);
 */
export function testOccurrences(test: CircusTest): Map<CircusTest, TestOccurrence> {
  let root: TreeNode = test;
  while (root.parent !== undefined && root.parent !== null) root = root.parent;
  const seen = new Map<string, number>();
  const occurrences = new Map<CircusTest, TestOccurrence>();
  const visit = (node: TreeNode): void => {
    for (const child of node.children ?? []) {
      const entry = child as TreeNode;
      if (entry.type === 'test') {
        const candidate = child as CircusTest;
        if (isCopy(candidate)) continue;
        const name = blockNames(candidate as unknown as CircusBlock).join(' ');
        const occurrence = (seen.get(name) ?? 0) + 1;
        seen.set(name, occurrence);
        occurrences.set(candidate, { fullName: name, occurrence });
      } else if (Array.isArray(entry.children)) visit(entry);
    }
  };
  visit(root);
  return occurrences;
}
