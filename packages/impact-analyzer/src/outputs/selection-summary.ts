import type { Reason, Selection } from '../model.js';
import { testsToRun } from './test-paths.js';

/** Selected tests a Markdown summary lists before it says how many more there are (a step summary has a size limit). */
export const MARKDOWN_TEST_LIMIT = 200;

/**
 * A commit id shortened to 12 characters; other revisions (`working-tree`) as they are.
 *
 * @example
 * shortRevision('3f2c1b0a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b') // '3f2c1b0a9e8d'
 */
export function shortRevision(revision: string): string {
  return /^[0-9a-f]{40,64}$/.test(revision) ? revision.slice(0, 12) : revision;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '0%' : `${Math.round((part / whole) * 1000) / 10}%`;
}

/** `Selected 4 of 20 tests (20%)` or `Running all 20 tests`. */
function headline(selection: Selection): string {
  const total = selection.tests.length;
  if (selection.runAll) return `Running all ${plural(total, 'test')}`;
  return `Selected ${selection.selected.length} of ${plural(total, 'test')} (${percent(selection.selected.length, total)})`;
}

function firstReason(selection: Selection, path: string): Reason | undefined {
  return selection.tests.find((test) => test.path === path)?.reasons[0];
}

/**
 * The selection for a terminal: the compared revisions and the number of changed files, how many
 * tests run out of how many, why everything runs (when it does), each selected test with its
 * first reason, and how many are skipped.
 *
 * @example
 * console.log(formatSummary(await selectTests({ base: 'origin/main' })))
 */
export function formatSummary(selection: Selection): string {
  const lines = [
    `impact-analyzer: ${shortRevision(selection.base)}..${shortRevision(selection.head)}, ${plural(selection.changes.length, 'changed file')}`,
    `${headline(selection)} in ${selection.elapsedMs} ms.`,
  ];
  if (selection.runAll) {
    lines.push('', 'Everything runs because:');
    for (const reason of selection.runAllReasons) lines.push(`  - [${reason.code}] ${reason.message}`);
    return lines.join('\n');
  }
  const selected = testsToRun(selection);
  if (selected.length > 0) {
    lines.push('', 'Selected:');
    for (const path of selected) {
      const reason = firstReason(selection, path);
      lines.push(`  ${path}${reason === undefined ? '' : `  [${reason.code}] ${reason.message}`}`);
    }
  }
  const skipped = selection.tests.length - selected.length;
  lines.push(
    '',
    `Skipped ${plural(skipped, 'test')}: no changed file reaches ${skipped === 1 ? 'it' : 'them'} (impact-analyzer why <test> says why).`,
  );
  return lines.join('\n');
}

/** Text safe inside a Markdown table cell. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/**
 * The selection as GitHub-flavoured Markdown for a job's step summary (`>> $GITHUB_STEP_SUMMARY`):
 * a heading with the counts, why everything runs (when it does), and a table of the selected tests
 * with their first reason (the first {@link MARKDOWN_TEST_LIMIT}).
 *
 * @example
 * appendFileSync(process.env.GITHUB_STEP_SUMMARY!, formatMarkdown(selection))
 */
export function formatMarkdown(selection: Selection): string {
  const lines = [
    '### Test impact',
    '',
    `${headline(selection)} for \`${shortRevision(selection.base)}..${shortRevision(selection.head)}\` (${plural(selection.changes.length, 'changed file')}, ${selection.elapsedMs} ms).`,
  ];
  if (selection.runAll) {
    lines.push('', '**Everything runs because:**', '');
    for (const reason of selection.runAllReasons) lines.push(`- \`${reason.code}\` ${cell(reason.message)}`);
    return lines.join('\n');
  }
  const selected = testsToRun(selection);
  if (selected.length > 0) {
    lines.push('', '| Test | Why |', '| --- | --- |');
    for (const path of selected.slice(0, MARKDOWN_TEST_LIMIT)) {
      const reason = firstReason(selection, path);
      lines.push(`| \`${cell(path)}\` | ${reason === undefined ? '' : `\`${reason.code}\` ${cell(reason.message)}`} |`);
    }
    if (selected.length > MARKDOWN_TEST_LIMIT)
      lines.push('', `… and ${plural(selected.length - MARKDOWN_TEST_LIMIT, 'more selected test')}.`);
  }
  lines.push('', `Skipped ${plural(selection.tests.length - selected.length, 'test')}.`);
  return lines.join('\n');
}
