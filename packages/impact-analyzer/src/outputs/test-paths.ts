import { join } from 'node:path';
import type { Selection } from '../model.js';

/**
 * The tests to run, repository-relative: the selected ones in predicted failure order, or every
 * known test when everything runs.
 *
 * @example
 * testsToRun(selection) // ['test/a.test.ts', 'test/b.test.ts']
 */
export function testsToRun(selection: Selection): string[] {
  if (!selection.runAll) return [...selection.selected];
  const selected = new Set(selection.selected);
  return [...selection.selected, ...selection.tests.map((test) => test.path).filter((path) => !selected.has(path))];
}

/**
 * The tests to run as absolute paths, one a line (no trailing newline), for
 * `jest --runTestsByPath $(impact-analyzer select)`; every known test when everything runs.
 *
 * @example
 * formatPaths(selection, '/repo') // '/repo/test/a.test.ts\n/repo/test/b.test.ts'
 */
export function formatPaths(selection: Selection, root: string): string {
  return testsToRun(selection)
    .map((path) => join(root, path))
    .join('\n');
}
