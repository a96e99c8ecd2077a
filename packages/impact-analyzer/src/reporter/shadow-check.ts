import type { SelectionFile } from '../model.js';
import type { ShadowEntry } from '../shadow/shadow-log.js';

/**
 * The shadow-log entry of a full run: which failed test files the selection would have skipped
 * (none when the selection ran everything).
 *
 * @example
 * shadowEntry(selection, { at, commit, total: 40, failed: ['a.test.ts'] }).missed // ['a.test.ts'] when a.test.ts was not selected
 */
export function shadowEntry(
  selection: Pick<SelectionFile, 'base' | 'head' | 'runAll' | 'selected'> & Partial<Pick<SelectionFile, 'changes'>>,
  run: { at: string; commit: string | undefined; total: number; failed: readonly string[] },
): ShadowEntry {
  const selected = new Set(selection.selected);
  const failed = [...run.failed].sort();
  const entry: ShadowEntry = {
    at: run.at,
    base: selection.base,
    head: selection.head,
    runAll: selection.runAll,
    selected: selection.runAll ? run.total : selection.selected.length,
    total: run.total,
    failed,
    missed: selection.runAll ? [] : failed.filter((path) => !selected.has(path)),
  };
  if (run.commit !== undefined) entry.commit = run.commit;
  if (selection.changes !== undefined) entry.changed = selection.changes.map((change) => change.path);
  return entry;
}
