import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Selection } from '../../src/model.js';
import { packageDir, type SafetyOutcome } from './harness.js';

/** How one way of choosing tests did on one case. */
export interface ChoiceRow {
  /** Every broken test is chosen (or everything runs); undefined when the choice failed. */
  choseBroken?: boolean;
  runAll?: boolean;
  /** The codes of the reasons to run everything. */
  runAllReasons?: string[];
  /** How many test files it chose. */
  chosen?: number;
  /** Reason codes on each broken test. */
  reasonsOfBroken?: Record<string, string[]>;
  /** Why the choice itself failed (an error thrown). */
  error?: string;
}

/** One row of the safety table the docs cite. */
export interface SafetyRow {
  case: string;
  title: string;
  /** Test files at the head. */
  total: number;
  broken: string[];
  jestChangedSince: ChoiceRow;
  withMap: ChoiceRow;
  withoutMap: ChoiceRow;
}

const TABLE_JSON = join(packageDir, '.tmp', 'safety-table.json');
const TABLE_TEXT = join(packageDir, '.tmp', 'safety-table.md');
const ROWS_DIR = join(packageDir, '.tmp', 'safety-table');

function selectionRow(selection: Selection | Error, broken: readonly string[]): ChoiceRow {
  if (selection instanceof Error) return { error: selection.message.split('\n')[0] ?? '' };
  const reasonsOfBroken: Record<string, string[]> = {};
  for (const test of broken) {
    reasonsOfBroken[test] = (selection.tests.find((decision) => decision.path === test)?.reasons ?? []).map((reason) => reason.code);
  }
  return {
    choseBroken: selection.runAll || broken.every((test) => selection.selected.includes(test)),
    runAll: selection.runAll,
    runAllReasons: selection.runAllReasons.map((reason) => reason.code),
    chosen: selection.runAll ? selection.tests.length : selection.selected.length,
    reasonsOfBroken,
  };
}

/**
 * The table row of a finished case.
 *
 * @example
 * const row = safetyRow(await runSafetyCase(deletedFile))
 */
export function safetyRow(outcome: SafetyOutcome): SafetyRow {
  const listed = outcome.jestChangedSince;
  return {
    case: outcome.safetyCase.id,
    title: outcome.safetyCase.title,
    total: outcome.head.length,
    broken: outcome.broken,
    jestChangedSince:
      listed instanceof Error
        ? { error: listed.message.split('\n')[0] ?? '' }
        : { choseBroken: outcome.broken.every((test) => listed.includes(test)), chosen: listed.length },
    withMap: selectionRow(outcome.withMap, outcome.broken),
    withoutMap: selectionRow(outcome.withoutMap, outcome.broken),
  };
}

function cell(choice: ChoiceRow, total: number): string {
  if (choice.error !== undefined) return `error: ${choice.error}`;
  const verdict = choice.choseBroken === true ? 'yes' : 'NO';
  const all = choice.runAll === true ? ` all (${(choice.runAllReasons ?? []).join(', ')})` : '';
  return `${verdict}, ${choice.chosen ?? 0}/${total}${all}`;
}

/**
 * The rows as a Markdown table: case, did `jest --changedSince` list the broken tests, did the
 * analyzer select them with and without the map, how many files each chose of the total, and
 * which signals selected the broken tests (static graph, recorded run, safety rules).
 *
 * @example
 * formatSafetyTable([row]) // '| case | broken | jest --changedSince | ...'
 */
export function formatSafetyTable(rows: readonly SafetyRow[]): string {
  const lines = [
    '| case | broken tests | jest --changedSince: broken listed?, listed/total | analyzer with map | analyzer without map | reasons on the broken tests (with map) |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((row) =>
      [
        '',
        row.case,
        row.broken.join(', '),
        cell(row.jestChangedSince, row.total),
        cell(row.withMap, row.total),
        cell(row.withoutMap, row.total),
        [...new Set(Object.values(row.withMap.reasonsOfBroken ?? {}).flat())].join(', '),
        '',
      ]
        .join(' | ')
        .trim(),
    ),
  ];
  return `${lines.join('\n')}\n`;
}

function writeAtomically(file: string, text: string): void {
  writeFileSync(`${file}.${process.pid}`, text);
  renameSync(`${file}.${process.pid}`, file);
}

/**
 * Adds a row to `.tmp/safety-table.json` and `.tmp/safety-table.md`. Each row is its own file first,
 * so the suites running in parallel workers never lose each other's rows.
 *
 * @example
 * recordSafetyRow(safetyRow(outcome))
 */
export function recordSafetyRow(row: SafetyRow): void {
  mkdirSync(ROWS_DIR, { recursive: true });
  writeAtomically(join(ROWS_DIR, `${row.case}.json`), `${JSON.stringify(row, null, 2)}\n`);
  const rows = readdirSync(ROWS_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(join(ROWS_DIR, file), 'utf8')) as SafetyRow);
  writeAtomically(TABLE_JSON, `${JSON.stringify(rows, null, 2)}\n`);
  writeAtomically(TABLE_TEXT, formatSafetyTable(rows));
}
