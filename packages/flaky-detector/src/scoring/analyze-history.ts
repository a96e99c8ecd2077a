import { baselinesById } from '../baselines/baselines-file.js';
import { durationBaseline, durationRegression, median, type DurationSeries } from '../baselines/duration-baselines.js';
import type { AttemptRecord, History, RunRecord } from '../model.js';
import type { AttemptColumns } from '../store/attempt-columns.js';
import { recommend } from '../recommendations/recommendations.js';
import { testEffectiveness } from '../recommendations/test-effectiveness.js';
import type { Analysis, AnalysisOptions, DurationBaseline, DurationRegression, TestAnalysis, TestClass } from './analysis-types.js';
import { resolveAnalysisOptions } from './analysis-options.js';
import { coverageTrend } from './coverage-trend.js';
import { failureGroups } from './failure-groups.js';
import { PosteriorTable, classifyTest } from './test-classes.js';
import { collectTimelines, outcomeName, TimelineBuilder, type TestTimeline, type Timelines } from './test-timeline.js';

/** Reads a history one run at a time, then analyses it: for histories too large to hold at once. */
export interface HistoryAnalyzer {
  /** Add a run (newer than the runs added before) and its attempts. */
  addRun(run: RunRecord, attempts: Iterable<AttemptRecord>): void;
  /** {@link addRun} with the attempts as columns, as `eachRunColumns()` of a store yields them: no object per attempt. */
  addColumns(run: RunRecord, columns: AttemptColumns): void;
  /** The analysis of every run added. */
  finish(): Analysis;
}

function durationSeries(test: TestTimeline, timelines: Timelines): DurationSeries & { durationsMs: Float64Array } {
  const durationsMs = new Float64Array(test.length);
  const positions = new Int32Array(test.length);
  let count = 0;
  for (let p = 0; p < test.length; p++) {
    const ms = test.passMs[p]!;
    if (Number.isNaN(ms)) continue;
    durationsMs[count] = ms;
    positions[count++] = p;
  }
  return {
    testId: test.testId,
    file: test.file,
    fullName: test.fullName,
    durationsMs: durationsMs.subarray(0, count),
    runIdAt: (index) => timelines.runs[test.runIndex[positions[index]!]!]!.runId,
  };
}

function analyzeTimelines(timelines: Timelines, options: AnalysisOptions): Analysis {
  const resolved = resolveAnalysisOptions(options);
  const table = new PosteriorTable(resolved.scoring);
  const imported = options.baselines === undefined ? undefined : baselinesById(options.baselines);
  const tests: TestAnalysis[] = [];
  const baselines: DurationBaseline[] = [];
  const regressions: DurationRegression[] = [];

  for (const timeline of timelines.tests) {
    const classification = classifyTest(timeline, timelines, resolved.scoring, table);
    const series = durationSeries(timeline, timelines);
    const baseline = durationBaseline(series, resolved.durations);
    if (baseline !== undefined) baselines.push(baseline);
    const regression = durationRegression(series, resolved.durations, imported?.get(timeline.testId));
    if (regression !== undefined) regressions.push(regression);
    const last = timeline.length - 1;
    tests.push({
      testId: timeline.testId,
      file: timeline.file,
      fullName: timeline.fullName,
      ...classification,
      runs: timeline.length,
      attempts: timeline.attempts,
      lastOutcome: outcomeName(timeline.outcome[last]!),
      lastRunId: timelines.runs[timeline.runIndex[last]!]!.runId,
      groupId: undefined,
      duration: baseline,
      medianMs: series.durationsMs.length === 0 ? 0 : median(series.durationsMs.slice()),
      totalMs: timeline.costMs,
    });
  }
  tests.sort((a, b) => b.score - a.score || a.file.localeCompare(b.file) || a.fullName.localeCompare(b.fullName));

  const groups = failureGroups(timelines, resolved.groups);
  const byId = new Map(tests.map((test) => [test.testId, test]));
  for (const group of groups) for (const testId of group.testIds) byId.get(testId)!.groupId = group.id;
  regressions.sort((a, b) => b.ratio - a.ratio || a.fullName.localeCompare(b.fullName));

  const effectiveness = testEffectiveness(timelines, tests, resolved.effectiveness);
  const classCounts: Record<TestClass, number> = { new: 0, stable: 0, flaky: 0, broken: 0, fixed: 0 };
  let expectedFlakyFailures = 0;
  let flakeFreeRunProbability = 1;
  for (const test of tests) {
    classCounts[test.class]++;
    expectedFlakyFailures += test.score;
    flakeFreeRunProbability *= 1 - test.score;
  }
  return {
    options: resolved,
    runs: timelines.runs.length,
    outageRunIds: timelines.runs.filter((_, index) => timelines.outage[index] === 1).map((run) => run.runId),
    tests,
    classCounts,
    groups,
    baselines,
    regressions,
    recommendations: recommend({ tests, groups, regressions, effectiveness }, resolved.recommendations),
    effectiveness,
    coverage: coverageTrend(timelines.runs, resolved.coverage),
    expectedFlakyFailures,
    flakeFreeRunProbability,
  };
}

/**
 * Scores, classes and evidence for every test of a history, with groups of tests that fail
 * together, duration baselines and regressions, recommendations, test effectiveness and the
 * coverage trend. A pure function of `history` and `options`.
 *
 * @example
 * const analysis = analyzeHistory(await store.history({ lastRuns: 200 }));
 * for (const test of analysis.tests.filter((t) => t.class === 'flaky')) console.log(test.fullName, test.score);
 */
export function analyzeHistory(history: History, options: AnalysisOptions = {}): Analysis {
  const resolved = resolveAnalysisOptions(options);
  return analyzeTimelines(collectTimelines(history, resolved.outage), options);
}

/**
 * {@link analyzeHistory} fed one run at a time (oldest first), so a large history need not be held
 * in memory: only a compact timeline of each test is kept.
 *
 * @example
 * const analyzer = createHistoryAnalyzer();
 * for await (const { run, columns } of historyColumnsByRun(store)) analyzer.addColumns(run, columns);
 * const analysis = analyzer.finish();
 */
export function createHistoryAnalyzer(options: AnalysisOptions = {}): HistoryAnalyzer {
  const resolved = resolveAnalysisOptions(options);
  const builder = new TimelineBuilder(resolved.outage);
  return {
    addRun: (run, attempts) => builder.addRun(run, attempts),
    addColumns: (run, columns) => builder.addColumns(run, columns),
    finish: () => analyzeTimelines(builder.finish(), options),
  };
}
