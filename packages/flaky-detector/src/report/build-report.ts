import type { History } from '../model.js';
import { utcDate, type QuarantineEntry } from '../quarantine/quarantine-file.js';
import type { Analysis, Recommendation, RecommendationFigure, TestAnalysis } from '../scoring/analysis-types.js';
import { digestHistory, type HeatmapLimits, type HistoryDigest } from './history-digest.js';
import {
  REPORT_SCHEMA_VERSION,
  type FailureSummary,
  type FlakyTestEntry,
  type QuarantineLedgerEntry,
  type RegressionEntry,
  type Report,
  type ReportRecommendation,
} from './report-model.js';

/** Options of {@link buildReport}. */
export interface BuildReportOptions {
  /** The quarantine file's entries, for the ledger. */
  quarantine?: readonly QuarantineEntry[] | undefined;
  /** How many slowest and fastest tests to list. Default 10. */
  top?: number | undefined;
  /** The heatmap's caps. */
  heatmap?: HeatmapLimits | undefined;
  /** The time expiry is judged at. Default now. */
  now?: Date | undefined;
}

const DAY_MS = 86_400_000;

function shortCommit(commit: string | undefined): string {
  return commit === undefined ? 'an unrecorded commit' : commit.slice(0, 7);
}

/**
 * A recommendation's figure as text: `share of the suite's time: 31.2%`, `flakiness score: 0.420`.
 *
 * @example
 * figureText({ label: 'runs without a failure', value: 120, unit: 'runs' }) // 'runs without a failure: 120'
 */
export function figureText(figure: RecommendationFigure): string {
  const { label, value, unit } = figure;
  if (unit === '%') return `${label}: ${(value * 100).toFixed(1)}%`;
  if (unit === 'ms') return `${label}: ${Math.round(value)} ms`;
  if (unit === 'runs') return `${label}: ${value}`;
  if (unit === 'ratio') return `${label}: ${value.toFixed(2)}`;
  return `${label}: ${value.toFixed(3)}`;
}

function recommendationOf(recommendation: Recommendation): ReportRecommendation {
  return {
    action: recommendation.action,
    testId: recommendation.testId,
    fullName: recommendation.fullName,
    message: recommendation.message,
    figure: figureText(recommendation.figure),
  };
}

function flakyEntry(test: TestAnalysis, quarantined: ReadonlySet<string>, failures: FailuresById): FlakyTestEntry {
  const posterior = test.failureProbability;
  const lastFailure = failures.get(test.testId)?.lastFailure;
  return {
    testId: test.testId,
    file: test.file,
    fullName: test.fullName,
    score: test.score,
    interval: [posterior.lower, posterior.upper],
    level: posterior.level,
    runs: posterior.runs,
    failures: posterior.failures,
    flipRate: test.flipRate,
    sameCode: test.sameCode.length > 0,
    quarantined: quarantined.has(test.testId),
    ...(lastFailure === undefined ? {} : { lastFailure }),
  };
}

type FailuresById = ReadonlyMap<string, { lastFailure?: FailureSummary | undefined }>;

function regressionsOf(analysis: Analysis, known: FailuresById): RegressionEntry[] {
  const failures: RegressionEntry[] = analysis.tests
    .filter((test) => test.class === 'broken' && test.regression !== undefined)
    .map((test) => {
      const evidence = test.regression!;
      const lastFailure = known.get(test.testId)?.lastFailure;
      return {
        ...(lastFailure === undefined ? {} : { lastFailure }),
        kind: 'failure',
        testId: test.testId,
        file: test.file,
        fullName: test.fullName,
        detail: `failed every attempt of ${evidence.failedRuns} run${evidence.failedRuns === 1 ? '' : 's'} since ${shortCommit(evidence.firstFailedCommit)}; last passed at ${shortCommit(evidence.lastPassedCommit)}`,
      };
    });
  const durations: RegressionEntry[] = analysis.regressions.map((regression) => ({
    kind: 'duration',
    testId: regression.testId,
    file: regression.file,
    fullName: regression.fullName,
    detail: `${Math.round(regression.durationsMs[0])} ms and ${Math.round(regression.durationsMs[1])} ms against a median of ${Math.round(regression.baseline.medianMs)} ms (${regression.ratio.toFixed(2)}x, limit ${Math.round(regression.limitMs)} ms)`,
    durationsMs: regression.durationsMs,
    baselineMs: regression.baseline.medianMs,
  }));
  return [...failures, ...durations];
}

function ledgerOf(
  entries: readonly QuarantineEntry[],
  names: ReadonlyMap<string, { file: string; fullName: string }>,
  now: Date,
): QuarantineLedgerEntry[] {
  const today = Date.parse(`${utcDate(now)}T00:00:00Z`);
  return entries
    .map((entry) => {
      const known = names.get(entry.testId);
      const daysLeft = Math.round((Date.parse(`${entry.expires}T00:00:00Z`) - today) / DAY_MS);
      return {
        testId: entry.testId,
        fullName: known?.fullName ?? entry.name,
        file: known?.file,
        owner: entry.owner,
        reason: entry.reason,
        issue: entry.issue,
        expires: entry.expires,
        // The entry holds through its `expires` day (UTC), as the reporter applies it.
        expired: entry.expires < utcDate(now),
        daysLeft,
      };
    })
    .sort((a, b) => a.daysLeft - b.daysLeft || a.testId.localeCompare(b.testId));
}

/**
 * Everything the report formats show, from a history and its analysis: run trends, per-test
 * durations, flaky tests with their intervals, regressions, groups, the quarantine ledger,
 * recommendations and the heatmap.
 *
 * @example
 * const history = await store.history({ lastRuns: 200 });
 * const report = buildReport(history, analyzeHistory(history), { quarantine: entries });
 * console.log(renderTerminal(report, { colour: false }));
 */
export function buildReport(history: History, analysis: Analysis, options: BuildReportOptions = {}): Report {
  return assembleReport(digestHistory(history, options.heatmap), analysis, options);
}

/**
 * {@link buildReport} from a digest built run by run ({@link createHistoryDigest}), for histories
 * too large to hold at once.
 *
 * @example
 * const digest = createHistoryDigest();
 * const analyzer = createHistoryAnalyzer();
 * for await (const { run, columns } of historyColumnsByRun(store)) { digest.addColumns(run, columns); analyzer.addColumns(run, columns); }
 * const report = assembleReport(digest.finish(), analyzer.finish());
 */
export function assembleReport(digest: HistoryDigest, analysis: Analysis, options: Omit<BuildReportOptions, 'heatmap'> = {}): Report {
  const top = options.top ?? 10;
  const now = options.now ?? new Date();
  const byId = new Map(analysis.tests.map((test) => [test.testId, test]));
  for (const test of digest.tests) {
    const analysed = byId.get(test.testId);
    if (analysed !== undefined) {
      test.class = analysed.class;
      test.score = analysed.score;
    }
  }
  const quarantined = new Set((options.quarantine ?? []).map((entry) => entry.testId));
  const timed = digest.tests.filter((test) => test.runs > 0 && test.lastStatus !== 'skipped');
  const known = new Map(digest.tests.map((test) => [test.testId, test]));
  const nameOf = (testId: string): string => known.get(testId)?.fullName ?? testId;

  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: now.toISOString(),
    totals: {
      runs: digest.runs.length,
      tests: digest.tests.length,
      attempts: digest.attempts,
      firstRunAt: digest.firstRunAt,
      lastRunAt: digest.lastRunAt,
      classes: { ...analysis.classCounts },
      outageRuns: analysis.outageRunIds.length,
      expectedFlakyFailures: analysis.expectedFlakyFailures,
      flakeFreeRunProbability: analysis.flakeFreeRunProbability,
    },
    runs: digest.runs,
    tests: digest.tests,
    // A small suite is split in two halves, so no test is both among the slowest and the fastest.
    slowest: timed.slice(0, Math.min(top, Math.ceil(timed.length / 2))),
    fastest: timed.slice(Math.max(Math.ceil(timed.length / 2), timed.length - top)).reverse(),
    flaky: analysis.tests
      .filter((test) => test.class === 'flaky')
      .map((test) => flakyEntry(test, quarantined, known))
      .sort((a, b) => b.score - a.score),
    regressions: regressionsOf(analysis, known),
    failingTogether: analysis.groups.map((group) => ({
      id: group.id,
      testIds: group.testIds,
      fullNames: group.testIds.map(nameOf),
      runs: group.runIds.length,
      jaccard: group.jaccard,
    })),
    quarantine: ledgerOf(options.quarantine ?? [], known, now),
    recommendations: analysis.recommendations.map(recommendationOf),
    effectiveness: {
      caught: analysis.effectiveness.caughtRealFailures.map((entry) => ({
        testId: entry.testId,
        fullName: entry.fullName,
        caught: entry.caught,
        fixedCommit: entry.fixedCommit,
      })),
      neverFailed: analysis.effectiveness.neverFailed.map((entry) => ({
        testId: entry.testId,
        fullName: entry.fullName,
        runs: entry.runs,
        medianMs: entry.medianMs,
      })),
    },
    coverage: {
      points: analysis.coverage.points.map((point) => ({ runId: point.runId, lines: point.lines, branches: point.branches })),
      latestDrops: analysis.coverage.latestDrops.map((drop) => ({ metric: drop.metric, from: drop.from, to: drop.to, drop: drop.drop })),
    },
    heatmap: digest.heatmap,
  };
}
