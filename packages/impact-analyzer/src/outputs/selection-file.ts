import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { firstLine } from '@proving-ground/kit';
import { ImpactError } from '../errors.js';
import type { Selection, SelectionFile } from '../model.js';

/** Where `select --out` writes the selection by default, and where the filter and sequencer look: relative to the repository root. */
export const DEFAULT_SELECTION_PATH = '.impact-analyzer/selection.json';

/** The variable that names the selection file for the `--filter` module and the sequencer (absolute, or relative to the working folder). */
export const SELECTION_VARIABLE = 'IMPACT_ANALYZER_SELECTION';

/**
 * The selection file of `selection`: the selection itself, its version and the absolute root its
 * repository-relative paths are relative to.
 *
 * @example
 * writeSelectionFile('.impact-analyzer/selection.json', toSelectionFile(selection, '/repo'))
 */
export function toSelectionFile(selection: Selection, root: string): SelectionFile {
  return { version: 1, root: resolve(root), ...selection };
}

/**
 * Writes a selection file atomically (a temporary file renamed over the target), so a Jest run that
 * reads it at the same time sees the old selection or the new one, never half of one.
 *
 * @example
 * writeSelectionFile(join(root, DEFAULT_SELECTION_PATH), toSelectionFile(selection, root))
 */
export function writeSelectionFile(path: string, file: SelectionFile): void {
  const temporary = join(dirname(path), `.${process.pid}-${Date.now()}-selection.json.tmp`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new ImpactError(
      'IMPACT_WRITE_FAILED',
      {
        action: `write the selection file ${path}`,
        reason: firstLine(error),
        fix: 'Check that the folder exists and can be written, or pass another --out.',
      },
      { cause: error },
    );
  }
}

function invalid(path: string, reason: string, cause?: unknown): ImpactError {
  return new ImpactError(
    'IMPACT_INVALID_SELECTION',
    {
      action: `read the selection file ${path}`,
      reason,
      fix: 'Write it with `impact-analyzer select --out <file>` before running Jest (or point IMPACT_ANALYZER_SELECTION at it).',
    },
    cause === undefined ? undefined : { cause },
  );
}

const isStringList = (value: unknown): boolean => Array.isArray(value) && value.every((item) => typeof item === 'string');
const isObjectList = (value: unknown): boolean =>
  Array.isArray(value) && value.every((item) => typeof item === 'object' && item !== null && !Array.isArray(item));

/** What is wrong with a parsed selection file, field by field. */
function shapeProblems(value: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const expect = (field: string, ok: boolean, what: string): void => {
    if (!ok) problems.push(`${field} is not ${what}`);
  };
  expect('root', typeof value['root'] === 'string' && isAbsolute(value['root']), 'an absolute path');
  expect('base', typeof value['base'] === 'string', 'a string');
  expect('head', typeof value['head'] === 'string', 'a string');
  expect('runAll', typeof value['runAll'] === 'boolean', 'true or false');
  expect('selected', isStringList(value['selected']), 'a list of paths');
  expect(
    'tests',
    isObjectList(value['tests']) && (value['tests'] as { path?: unknown }[]).every((test) => typeof test.path === 'string'),
    'a list of decisions with paths',
  );
  expect('changes', isObjectList(value['changes']), 'a list of changed files');
  expect('runAllReasons', isObjectList(value['runAllReasons']), 'a list of reasons');
  return problems;
}

/**
 * Reads a selection file written by {@link writeSelectionFile}, checking its shape. Throws
 * `IMPACT_INVALID_SELECTION` naming the file when it is missing, not JSON, of another version or
 * not a selection.
 *
 * @example
 * const file = readSelectionFile('.impact-analyzer/selection.json'); file.selected // ['test/a.test.ts']
 */
export function readSelectionFile(path: string): SelectionFile {
  if (!existsSync(path)) throw invalid(path, 'there is no such file');
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw invalid(path, `it is not JSON (${firstLine(error)})`, error);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(path, 'it is not a selection (not a JSON object)');
  const record = value as Record<string, unknown>;
  if (record['version'] !== 1)
    throw invalid(path, `its version is ${JSON.stringify(record['version'])}, and this impact-analyzer reads version 1`);
  const problems = shapeProblems(record);
  if (problems.length > 0) throw invalid(path, `it is not a selection: ${problems.join(', ')}`);
  return value as SelectionFile;
}
