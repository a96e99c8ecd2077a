import type { History } from '../model.js';
import { DEFAULT_ANALYSIS_OPTIONS } from '../scoring/analysis-options.js';
import { analyzeHistory } from '../scoring/analyze-history.js';

/** Whether some run of `history` is an outage by the scorer's default rule (most of its tests failed their first attempt). */
function hasOutageRun(history: History): boolean {
  const { share, minTests } = DEFAULT_ANALYSIS_OPTIONS.outage;
  const firstByRun = new Map<string, Map<string, { attempt: number; failed: boolean }>>();
  for (const attempt of history.attempts) {
    if (attempt.status !== 'passed' && attempt.status !== 'failed') continue;
    let tests = firstByRun.get(attempt.runId);
    if (tests === undefined) firstByRun.set(attempt.runId, (tests = new Map<string, { attempt: number; failed: boolean }>()));
    const first = tests.get(attempt.testId);
    if (first === undefined || attempt.attempt < first.attempt)
      tests.set(attempt.testId, { attempt: attempt.attempt, failed: attempt.status === 'failed' });
  }
  for (const tests of firstByRun.values()) {
    let failed = 0;
    for (const first of tests.values()) if (first.failed) failed++;
    if (tests.size >= minTests && failed > tests.size * share) return true;
  }
  return false;
}

/**
 * The test ids the history classes as flaky (passed and failed on the same code, or a failure rate
 * whose credible interval is clear of zero): the only tests retried without an error pattern.
 * Broken tests (failing every attempt since a change) are never among them.
 *
 * A test that never failed in the window cannot be flaky, and a test's class depends only on its own
 * runs and on which runs were outages: so when no run was an outage, only the tests that failed at
 * least once are scored (with the same runs), which gives the same classes for a fraction of the
 * work at the start of every run.
 *
 * @example
 * knownFlakyTests(await store.history({ lastRuns: 50 })) // ['a1b2c3d4e5f60718', ...]
 */
export function knownFlakyTests(history: History): string[] {
  if (history.runs.length === 0) return [];
  const failing = new Set(history.attempts.filter((attempt) => attempt.status === 'failed').map((attempt) => attempt.testId));
  if (failing.size === 0) return [];
  const analysis = hasOutageRun(history)
    ? analyzeHistory(history)
    : analyzeHistory(
        { runs: history.runs, attempts: history.attempts.filter((attempt) => failing.has(attempt.testId)) },
        // No run is an outage in the full history; none may become one among the failing tests alone.
        { outage: { share: 1 } },
      );
  return analysis.tests.filter((test) => test.class === 'flaky').map((test) => test.testId);
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
