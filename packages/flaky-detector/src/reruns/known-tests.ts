import type { History } from '../model.js';
import { DEFAULT_ANALYSIS_OPTIONS } from '../scoring/analysis-options.js';
import { analyzeHistory } from '../scoring/analyze-history.js';
import type { HistorySource } from '../store/history-source.js';

/** Whether a run is an outage by the scorer's default rule: most of its tests failed their first attempt. */
function isOutage({ tests, failed }: FirstAttempts): boolean {
  const { share, minTests } = DEFAULT_ANALYSIS_OPTIONS.outage;
  return tests >= minTests && failed > tests * share;
}

/** A run's tests with a passed or failed first attempt, and how many of those failed. */
interface FirstAttempts {
  tests: number;
  failed: number;
}

/** {@link FirstAttempts} of each run of `history` with a passed or failed attempt, by run id. */
function firstAttemptsOf(history: History): Map<string, FirstAttempts> {
  const firstByRun = new Map<string, Map<string, { attempt: number; failed: boolean }>>();
  for (const attempt of history.attempts) {
    if (attempt.status !== 'passed' && attempt.status !== 'failed') continue;
    let tests = firstByRun.get(attempt.runId);
    if (tests === undefined) firstByRun.set(attempt.runId, (tests = new Map<string, { attempt: number; failed: boolean }>()));
    const first = tests.get(attempt.testId);
    if (first === undefined || attempt.attempt < first.attempt)
      tests.set(attempt.testId, { attempt: attempt.attempt, failed: attempt.status === 'failed' });
  }
  return new Map(
    [...firstByRun].map(([runId, tests]) => [
      runId,
      { tests: tests.size, failed: [...tests.values()].filter((first) => first.failed).length },
    ]),
  );
}

/** The flaky tests of an analysis of `history`, where `outage` says whether any run of the window was an outage. */
function flakyOf(history: History, outage: boolean): string[] {
  // No run is an outage in the full history: none may become one among the failing tests alone.
  const analysis = analyzeHistory(history, outage ? {} : { outage: { share: 1 } });
  return analysis.tests.filter((test) => test.class === 'flaky').map((test) => test.testId);
}

/**
 * The test ids the history classes as flaky (passed and failed on the same code, or a failure rate
 * whose credible interval is clear of zero): the only tests retried without an error pattern.
 * Broken tests (failing every attempt since a change) are never among them.
 *
 * A test that never failed in the window cannot be flaky, and a test's class depends only on its own
 * runs and on which runs were outages: so when no run was an outage, only the tests that failed at
 * least once are scored (with the same runs), which gives the same classes for a fraction of the work.
 *
 * @example
 * knownFlakyTests(await store.history({ lastRuns: 50 })) // ['a1b2c3d4e5f60718', ...]
 */
export function knownFlakyTests(history: History): string[] {
  if (history.runs.length === 0) return [];
  const failing = new Set(history.attempts.filter((attempt) => attempt.status === 'failed').map((attempt) => attempt.testId));
  if (failing.size === 0) return [];
  const outage = [...firstAttemptsOf(history).values()].some(isOutage);
  return flakyOf(
    outage ? history : { runs: history.runs, attempts: history.attempts.filter((attempt) => failing.has(attempt.testId)) },
    outage,
  );
}

/**
 * {@link knownFlakyTests} of the last `lastRuns` runs of `source`, at the start of a run, given the
 * tests that failed in them (`runStartDigest().failing`): only those tests' attempts are read. A
 * run is an outage only if more than half of its tests failed their first attempt, and only failing
 * tests can have: so the store counts a run's tests only for the runs where enough of them did,
 * and the whole window is read and scored only when one was an outage. A run of a large suite thus
 * starts in milliseconds, not in the time it takes to read every stored attempt of the window.
 *
 * @example
 * const { failing } = await store.runStartDigest({ lastRuns: 20, knownTests: false });
 * await knownFlakyInStore(store, 20, failing) // ['a1b2c3d4e5f60718', ...]
 */
export async function knownFlakyInStore(source: HistorySource, lastRuns: number, failing: readonly string[]): Promise<string[]> {
  if (failing.length === 0) return [];
  const failingHistory = await source.history({ lastRuns, testIds: failing });
  const { share, minTests } = DEFAULT_ANALYSIS_OPTIONS.outage;
  // With `failed` first attempts, a run of fewer than failed / share tests is not an outage unless it
  // has minTests tests: none is when failed <= minTests x share.
  const candidates = [...firstAttemptsOf(failingHistory)].filter(([, { failed }]) => failed > minTests * share);
  const tests = candidates.length === 0 ? new Map<string, number>() : await source.testsPerRun(candidates.map(([runId]) => runId));
  const outage = candidates.some(([runId, { failed }]) => isOutage({ tests: tests.get(runId) ?? 0, failed }));
  return flakyOf(outage ? await source.history({ lastRuns }) : failingHistory, outage);
}
