import type {
  DurationRegression,
  FailureGroup,
  Recommendation,
  RecommendationOptions,
  TestAnalysis,
  TestEffectiveness,
} from '../scoring/analysis-types.js';

const percent = (share: number): string => `${(share * 100).toFixed(1)} %`;
const milliseconds = (ms: number): string => `${Math.round(ms).toLocaleString('en-US')} ms`;
const quoted = (test: Pick<TestAnalysis, 'fullName' | 'file'>): string => `"${test.fullName}" (${test.file})`;

/** What {@link recommend} reads: the analysis so far. */
export interface RecommendationInput {
  tests: readonly TestAnalysis[];
  groups: readonly FailureGroup[];
  regressions: readonly DurationRegression[];
  effectiveness: TestEffectiveness;
}

/**
 * Recommendations that each name a test, an action and the figure behind it: fix regressions (never
 * quarantine them), quarantine or fix the flakiest tests by score, speed up the tests that take the
 * largest share of suite time, look into slowdowns and groups that fail together, and run
 * never-failing expensive tests less often. At most `limit` of each action.
 *
 * @example
 * recommend(analysis, { limit: 5, slowShare: 0.05, slowMinMs: 100, quarantineScore: 0.05 })[0].message
 * // 'Fix the regression in "orders should total" (src/orders.test.ts): it failed every attempt of 3 runs since commit 4f2a9c1.'
 */
export function recommend(input: RecommendationInput, options: RecommendationOptions): Recommendation[] {
  const { limit } = options;
  const byId = new Map(input.tests.map((test) => [test.testId, test]));
  const about = (test: TestAnalysis): Pick<Recommendation, 'testId' | 'file' | 'fullName' | 'testIds'> => ({
    testId: test.testId,
    file: test.file,
    fullName: test.fullName,
    testIds: [test.testId],
  });
  const out: Recommendation[] = [];

  const regressions = input.tests.filter((test) => test.regression !== undefined);
  regressions.sort((a, b) => b.regression!.failedRuns - a.regression!.failedRuns || a.fullName.localeCompare(b.fullName));
  for (const test of regressions.slice(0, limit)) {
    const evidence = test.regression!;
    const since = evidence.firstFailedCommit === undefined ? '' : ` since commit ${evidence.firstFailedCommit.slice(0, 7)}`;
    out.push({
      action: 'fix-regression',
      ...about(test),
      message: `Fix the regression in ${quoted(test)}: it failed every attempt of ${evidence.failedRuns} runs${since}; never quarantine it.`,
      figure: { label: 'runs failed on every attempt', value: evidence.failedRuns, unit: 'runs' },
    });
  }

  const flaky = input.tests.filter((test) => test.class === 'flaky');
  flaky.sort((a, b) => b.score - a.score || a.fullName.localeCompare(b.fullName));
  for (const test of flaky.slice(0, limit)) {
    const quarantine = test.score >= options.quarantineScore;
    const { lower, upper, level } = test.failureProbability;
    const interval = `${percent(lower)} to ${percent(upper)} at ${Math.round(level * 100)} %`;
    out.push({
      action: quarantine ? 'quarantine' : 'fix',
      ...about(test),
      message: quarantine
        ? `Quarantine ${quoted(test)} while it is fixed: it fails ${percent(test.score)} of runs (${interval}).`
        : `Fix ${quoted(test)}: it fails ${percent(test.score)} of runs (${interval}), too rarely to be worth quarantining.`,
      figure: { label: 'flakiness score', value: test.score, unit: 'probability' },
    });
  }

  const suiteMs = input.tests.reduce((sum, test) => sum + test.totalMs, 0);
  if (suiteMs > 0) {
    const slow = input.tests.filter((test) => test.totalMs / suiteMs >= options.slowShare && test.medianMs >= options.slowMinMs);
    slow.sort((a, b) => b.totalMs - a.totalMs || a.fullName.localeCompare(b.fullName));
    for (const test of slow.slice(0, limit)) {
      const share = test.totalMs / suiteMs;
      out.push({
        action: 'speed-up',
        ...about(test),
        message: `Split or speed up ${quoted(test)}: it takes ${percent(share)} of the suite's time (median ${milliseconds(test.medianMs)}).`,
        figure: { label: "share of the suite's time", value: share, unit: '%' },
      });
    }
  }

  for (const regression of input.regressions.slice(0, limit)) {
    const test = byId.get(regression.testId);
    if (test === undefined) continue;
    out.push({
      action: 'investigate-slowdown',
      ...about(test),
      message: `Find what slowed ${quoted(test)}: its last two runs took ${milliseconds(regression.durationsMs[0])} and ${milliseconds(
        regression.durationsMs[1],
      )}, ${regression.ratio.toFixed(2)}x its median of ${milliseconds(regression.baseline.medianMs)}.`,
      figure: { label: 'times its median duration', value: regression.ratio, unit: 'ratio' },
    });
  }

  for (const group of input.groups.slice(0, limit)) {
    const first = byId.get(group.testIds[0]!);
    if (first === undefined) continue;
    out.push({
      action: 'investigate-group',
      ...about(first),
      testIds: group.testIds,
      message: `Look for one cause behind ${group.testIds.length} tests that fail together, starting with ${quoted(first)}: they failed together in ${group.runIds.length} runs (Jaccard >= ${group.jaccard.toFixed(2)}).`,
      figure: { label: 'runs failed together', value: group.runIds.length, unit: 'runs' },
    });
  }

  for (const never of input.effectiveness.neverFailed.slice(0, limit)) {
    const test = byId.get(never.testId);
    if (test === undefined) continue;
    out.push({
      action: 'slower-cadence',
      ...about(test),
      message: `Run ${quoted(test)} less often (nightly): it has not failed in ${never.runs} runs and takes ${milliseconds(never.medianMs)} a run.`,
      figure: { label: 'runs without a failure', value: never.runs, unit: 'runs' },
    });
  }
  return out;
}
