import type { CaughtFailure, EffectivenessOptions, NeverFailingTest, TestAnalysis, TestEffectiveness } from '../scoring/analysis-types.js';
import { OUTCOME, type TestTimeline, type Timelines } from '../scoring/test-timeline.js';

/**
 * The real failures one test caught: runs where every attempt failed, followed by a pass on a
 * different commit, where no run of the failing commits passed (that would be flakiness, not a bug).
 */
function caughtFailures(test: TestTimeline, timelines: Timelines): Omit<CaughtFailure, 'testId' | 'file' | 'fullName'> | undefined {
  const { runs, outage } = timelines;
  // Most tests never fail a run: nothing to look at, and no set of commits to build.
  if (test.outcome.subarray(0, test.length).indexOf(OUTCOME.failed) < 0) return undefined;
  const passedCommits = new Set<string>();
  for (let p = 0; p < test.length; p++) {
    const commit = runs[test.runIndex[p]!]!.commit;
    if (commit !== undefined && test.outcome[p] !== OUTCOME.failed && outage[test.runIndex[p]!] === 0) passedCommits.add(commit);
  }
  let caught = 0;
  let latest: Omit<CaughtFailure, 'testId' | 'file' | 'fullName' | 'caught'> | undefined;
  let streak: number[] = [];
  for (let p = 0; p < test.length; p++) {
    const run = test.runIndex[p]!;
    const outcome = test.outcome[p]!;
    if (outage[run] === 1 || outcome === OUTCOME.skipped) continue;
    if (outcome === OUTCOME.failed) {
      streak.push(p);
      continue;
    }
    if (streak.length > 0) {
      const commits = streak.map((q) => runs[test.runIndex[q]!]!.commit);
      const fixedCommit = runs[run]!.commit;
      const real =
        outcome === OUTCOME.passed &&
        fixedCommit !== undefined &&
        commits.every((commit) => commit !== undefined && commit !== fixedCommit && !passedCommits.has(commit));
      if (real) {
        caught++;
        const failedRun = runs[test.runIndex[streak[streak.length - 1]!]!]!;
        latest = { failedRunId: failedRun.runId, failedCommit: failedRun.commit, fixedRunId: runs[run]!.runId, fixedCommit };
      }
      streak = [];
    }
  }
  return latest === undefined ? undefined : { caught, ...latest };
}

/**
 * Which tests earn their time: those that caught failures that turned out real (failed, then passed
 * after a code change), and long-running tests that never failed in `minRuns` runs.
 *
 * @example
 * testEffectiveness(timelines, tests, { minRuns: 50, expensiveMs: 1000 }).neverFailed[0]?.fullName
 */
export function testEffectiveness(timelines: Timelines, tests: readonly TestAnalysis[], options: EffectivenessOptions): TestEffectiveness {
  const byId = new Map(tests.map((test) => [test.testId, test]));
  const caughtRealFailures: CaughtFailure[] = [];
  const neverFailed: NeverFailingTest[] = [];
  for (const timeline of timelines.tests) {
    const analysis = byId.get(timeline.testId);
    if (analysis === undefined) continue;
    const { testId, file, fullName } = analysis;
    if (analysis.class !== 'flaky' && analysis.failedRuns > 0) {
      const caught = caughtFailures(timeline, timelines);
      if (caught !== undefined) caughtRealFailures.push({ testId, file, fullName, ...caught });
    }
    const counted = analysis.passedRuns + analysis.flakyRuns + analysis.failedRuns;
    if (counted >= options.minRuns && analysis.flakyRuns + analysis.failedRuns === 0 && analysis.medianMs >= options.expensiveMs) {
      neverFailed.push({ testId, file, fullName, runs: counted, medianMs: analysis.medianMs, totalMs: analysis.totalMs });
    }
  }
  caughtRealFailures.sort((a, b) => b.caught - a.caught || a.fullName.localeCompare(b.fullName));
  neverFailed.sort((a, b) => b.totalMs - a.totalMs || a.fullName.localeCompare(b.fullName));
  return { caughtRealFailures, neverFailed };
}
