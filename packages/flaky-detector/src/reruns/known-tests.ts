import type { History } from '../model.js';
import { analyzeHistory } from '../scoring/analyze-history.js';

/**
 * The test ids the history classes as flaky (passed and failed on the same code, or a failure rate
 * whose credible interval is clear of zero): the only tests retried without an error pattern.
 * Broken tests (failing every attempt since a change) are never among them.
 *
 * @example
 * knownFlakyTests(await store.history({ lastRuns: 50 })) // ['a1b2c3d4e5f60718', ...]
 */
export function knownFlakyTests(history: History): string[] {
  if (history.runs.length === 0) return [];
  return analyzeHistory(history)
    .tests.filter((test) => test.class === 'flaky')
    .map((test) => test.testId);
}

/**
 * The test ids the history holds, by test file: a test of a file not in it, or not among its file's
 * ids, is new.
 *
 * @example
 * knownTestsByFile(history).get('src/orders.test.ts') // ['a1b2c3d4e5f60718', ...]
 */
export function knownTestsByFile(history: History): Map<string, string[]> {
  const byFile = new Map<string, Set<string>>();
  for (const attempt of history.attempts) {
    let ids = byFile.get(attempt.file);
    if (ids === undefined) byFile.set(attempt.file, (ids = new Set()));
    ids.add(attempt.testId);
  }
  return new Map([...byFile].map(([file, ids]) => [file, [...ids]]));
}
