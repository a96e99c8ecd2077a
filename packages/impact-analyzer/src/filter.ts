/**
 * `@proving-ground/impact-analyzer/filter`: a Jest `--filter` module that runs only the tests of a
 * selection file written by `impact-analyzer select --out`.
 *
 * `jest --filter=@proving-ground/impact-analyzer/filter` requires this file (its CommonJS build) and
 * calls the module itself with every test path it found: the module is one function, with the
 * `setup` hook Jest awaits first, and nothing else exported.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ImpactError } from './errors.js';
import type { SelectionFile } from './model.js';
import { DEFAULT_SELECTION_PATH, SELECTION_VARIABLE, readSelectionFile } from './outputs/selection-file.js';
import { locateUpward } from './outputs/impact-folder.js';

/** What Jest expects back from a filter. */
interface FilterResult {
  filtered: string[];
}

interface JestFilter {
  (testPaths: string[]): Promise<FilterResult>;
  setup(): Promise<void>;
}

/** The selection file: the variable's, else the nearest `.impact-analyzer/selection.json` from the working folder up to the git root. */
function loadSelection(cwd: string, env: NodeJS.ProcessEnv): SelectionFile {
  const named = env[SELECTION_VARIABLE];
  if (named !== undefined && named !== '') return readSelectionFile(isAbsolute(named) ? named : resolve(cwd, named));
  const located = locateUpward(cwd, DEFAULT_SELECTION_PATH);
  if (located === undefined) {
    throw new ImpactError('IMPACT_INVALID_SELECTION', {
      action: 'filter the tests with the impact-analyzer selection',
      reason: `there is no ${DEFAULT_SELECTION_PATH} in ${cwd} or a folder above it up to the repository root, and ${SELECTION_VARIABLE} is not set`,
      fix: 'Run `impact-analyzer select --out .impact-analyzer/selection.json` first (or set IMPACT_ANALYZER_SELECTION), or drop --filter to run every test.',
    });
  }
  return readSelectionFile(located.path);
}

/**
 * The paths of `testPaths` (absolute, as Jest gives them) that the selection runs: the selected
 * tests, every test when everything runs, and any test the selection has no decision for (one the
 * analysis did not see is run, not silently dropped).
 *
 * @example
 * keepSelected(file, ['/repo/test/a.test.ts', '/repo/test/b.test.ts']) // ['/repo/test/a.test.ts']
 */
function keepSelected(file: SelectionFile, testPaths: readonly string[]): string[] {
  if (file.runAll) return [...testPaths];
  const selected = new Set(file.selected);
  const known = new Set(file.tests.map((test) => test.path));
  return testPaths.filter((path) => {
    const key = relative(file.root, path).split(sep).join('/');
    return selected.has(key) || !known.has(key);
  });
}

let loaded: SelectionFile | undefined;

/**
 * Jest's filter: keeps the tests the selection file runs. The file comes from
 * `IMPACT_ANALYZER_SELECTION`, else `.impact-analyzer/selection.json` in the working folder or the
 * nearest folder above it; a missing or invalid file fails the run with `IMPACT_INVALID_SELECTION`
 * rather than running no test.
 *
 * @example
 * // npx impact-analyzer select --base origin/main --out .impact-analyzer/selection.json
 * // npx jest --filter=@proving-ground/impact-analyzer/filter
 */
const impactFilter: JestFilter = Object.assign(
  (testPaths: string[]): Promise<FilterResult> =>
    Promise.resolve().then(() => {
      loaded ??= loadSelection(process.cwd(), process.env);
      return { filtered: keepSelected(loaded, testPaths) };
    }),
  {
    /** Reads the selection once before Jest looks for tests, so a bad file fails the run at once. */
    setup: (): Promise<void> =>
      Promise.resolve().then(() => {
        loaded = loadSelection(process.cwd(), process.env);
      }),
  },
);

export default impactFilter;
