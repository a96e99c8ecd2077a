import type { HistoryQuery } from './history-store.js';

/**
 * What a run start needs from the history, computed inside the store so that a run of a
 * 10,000-test suite does not turn hundreds of thousands of stored attempts into objects before its
 * first test: which tests failed in the recent runs and, when early detection is on, which tests
 * the history knows in each file.
 */
export interface RunStartDigest {
  /** The ids of the tests with at least one failed attempt in the last `lastRuns` runs. */
  failing: string[];
  /** The ids of every test the history has recorded, by file (when asked for): a test not among them is new. */
  knownByFile: Map<string, string[]> | undefined;
}

/** What {@link RunStartDigest} reads: the runs `lastRuns` selects (as `history()` does) and whether the tests by file are wanted. */
export interface RunStartDigestQuery extends Pick<HistoryQuery, 'lastRuns'> {
  knownTests: boolean;
}

/** Rows of (file, test id) grouped by file, in the shape {@link RunStartDigest.knownByFile} keeps. */
export function groupByFile(rows: Iterable<readonly [file: string, testId: string]>): Map<string, string[]> {
  const byFile = new Map<string, string[]>();
  for (const [file, testId] of rows) {
    const ids = byFile.get(file);
    if (ids === undefined) byFile.set(file, [testId]);
    else ids.push(testId);
  }
  return byFile;
}
