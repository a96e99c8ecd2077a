import { checks, countProblems, listOptionProblems } from '@proving-ground/kit';
import { FlakyError } from '../errors.js';
import type { AttemptRecord, AttemptStatus, RunRecord } from '../model.js';
import type { TestClass } from '../scoring/analysis-types.js';

/**
 * How finely per-test metrics are split: one series set per test file (the default, bounded by the
 * number of files), or one per test (opt-in, capped by `maxTests`).
 */
export type MetricGranularity = 'file' | 'test';

/** A test's outcome in one run, from its attempts. */
export type TestOutcome = 'passed' | 'flaky' | 'failed' | 'skipped' | 'todo';

/** A test's score from its history: `analyzeHistory(history).tests` fits as it is. */
export interface TestScore {
  testId: string;
  /** The flakiness score, 0 to 1. */
  score: number;
  class?: TestClass | undefined;
}

/** Options of {@link runMetrics}. */
export interface RunMetricsOptions {
  /** `file` (default) or `test`: `test` adds the labels `test_id` and `test` (the full name). */
  granularity?: MetricGranularity | undefined;
  /** With `granularity: 'test'`, at most this many tests get series of their own; the rest are added up per file. Default 100. */
  maxTests?: number | undefined;
  /** Scores from the history (`analyzeHistory(history).tests`), for the flakiness and class metrics. */
  scores?: readonly TestScore[] | undefined;
}

/** The labels of a group of tests: its file, and with `granularity: 'test'` the test. */
export interface GroupLabels {
  file: string;
  /** The test id, or `other` for the tests over the cap. */
  test_id?: string;
  /** The test's full name, or `other` for the tests over the cap. */
  test?: string;
}

/** The metrics of one group of tests (a file, or a test). */
export interface GroupMetrics {
  labels: GroupLabels;
  tests: Record<TestOutcome, number>;
  attempts: Record<AttemptStatus, number>;
  durationSeconds: number;
  /** The highest score among the group's tests, when scores were given. */
  flakiness: number | undefined;
  /** The group's tests by class, when scores were given. */
  classes: Record<TestClass, number> | undefined;
}

/** Coverage as ratios (0 to 1). */
export interface CoverageRatios {
  lines: number;
  statements: number;
  functions: number;
  branches: number;
}

/** One run's metrics: what the Pushgateway and OTLP exports write. */
export interface RunMetrics {
  run: RunRecord;
  granularity: MetricGranularity;
  startSeconds: number;
  /** Undefined while the run has no end (under way, or crashed). */
  durationSeconds: number | undefined;
  /** `success` when no test failed and no file failed to run; `in_progress` without an end. */
  status: 'success' | 'failure' | 'in_progress';
  tests: { passed: number; failed: number; skipped: number; todo: number };
  suiteErrors: number;
  attempts: Record<AttemptStatus, number>;
  /** Tests that failed and then passed on a retry. */
  flakyTests: number;
  coverage: CoverageRatios | undefined;
  /** Each test's duration in seconds (its attempts added up), for the histogram. */
  testDurations: number[];
  groups: GroupMetrics[];
  /** Whether scores were given (the flakiness and class metrics are written only then). */
  scored: boolean;
  /** What the caller should show the user, e.g. that the per-test cap was reached. */
  warnings: string[];
}

const CLASSES: readonly TestClass[] = ['new', 'stable', 'flaky', 'broken', 'fixed'];

interface TestSummary {
  testId: string;
  file: string;
  fullName: string;
  outcome: TestOutcome;
  attempts: Record<AttemptStatus, number>;
  durationMs: number;
  score: TestScore | undefined;
}

function emptyAttempts(): Record<AttemptStatus, number> {
  return { passed: 0, failed: 0, skipped: 0, todo: 0 };
}

function emptyOutcomes(): Record<TestOutcome, number> {
  return { passed: 0, flaky: 0, failed: 0, skipped: 0, todo: 0 };
}

function outcomeOf(attempts: Record<AttemptStatus, number>): TestOutcome {
  if (attempts.passed > 0) return attempts.failed > 0 ? 'flaky' : 'passed';
  if (attempts.failed > 0) return 'failed';
  return attempts.todo > 0 ? 'todo' : 'skipped';
}

function summarise(attempts: readonly AttemptRecord[], scores: ReadonlyMap<string, TestScore>): TestSummary[] {
  const byTest = new Map<string, TestSummary>();
  for (const attempt of attempts) {
    let summary = byTest.get(attempt.testId);
    if (summary === undefined) {
      summary = {
        testId: attempt.testId,
        file: attempt.file,
        fullName: attempt.fullName,
        outcome: 'skipped',
        attempts: emptyAttempts(),
        durationMs: 0,
        score: scores.get(attempt.testId),
      };
      byTest.set(attempt.testId, summary);
    }
    summary.attempts[attempt.status] += 1;
    summary.durationMs += attempt.durationMs;
  }
  for (const summary of byTest.values()) summary.outcome = outcomeOf(summary.attempts);
  return [...byTest.values()];
}

/** Rank for the per-test cap: flakiest first, then failing, then slowest. */
function capRank(a: TestSummary, b: TestSummary): number {
  const severity = (summary: TestSummary): number => (summary.outcome === 'failed' ? 2 : summary.outcome === 'flaky' ? 1 : 0);
  return (
    (b.score?.score ?? 0) - (a.score?.score ?? 0) ||
    severity(b) - severity(a) ||
    b.durationMs - a.durationMs ||
    a.testId.localeCompare(b.testId)
  );
}

function addTo(group: GroupMetrics, test: TestSummary, scored: boolean): void {
  group.tests[test.outcome] += 1;
  for (const status of Object.keys(test.attempts) as AttemptStatus[]) group.attempts[status] += test.attempts[status];
  group.durationSeconds += test.durationMs / 1000;
  if (!scored) return;
  group.flakiness = Math.max(group.flakiness ?? 0, test.score?.score ?? 0);
  const testClass = test.score?.class;
  if (testClass !== undefined && group.classes !== undefined) group.classes[testClass] += 1;
}

function groupsOf(
  tests: readonly TestSummary[],
  granularity: MetricGranularity,
  maxTests: number,
  scored: boolean,
  warnings: string[],
): GroupMetrics[] {
  const groups = new Map<string, GroupMetrics>();
  const groupFor = (key: string, labels: GroupLabels): GroupMetrics => {
    let group = groups.get(key);
    if (group === undefined) {
      group = {
        labels,
        tests: emptyOutcomes(),
        attempts: emptyAttempts(),
        durationSeconds: 0,
        flakiness: undefined,
        classes: scored ? (Object.fromEntries(CLASSES.map((name) => [name, 0])) as Record<TestClass, number>) : undefined,
      };
      groups.set(key, group);
    }
    return group;
  };
  if (granularity === 'file') {
    for (const test of tests) addTo(groupFor(test.file, { file: test.file }), test, scored);
  } else {
    const ranked = [...tests].sort(capRank);
    const own = new Set(ranked.slice(0, maxTests).map((test) => test.testId));
    for (const test of tests) {
      if (own.has(test.testId))
        addTo(groupFor(`${test.file}\u0000${test.testId}`, { file: test.file, test_id: test.testId, test: test.fullName }), test, scored);
      else addTo(groupFor(`${test.file}\u0000other`, { file: test.file, test_id: 'other', test: 'other' }), test, scored);
    }
    if (tests.length > maxTests) {
      warnings.push(
        `Per-test metrics are capped at ${maxTests} of the run's ${tests.length} tests (the flakiest, failing and slowest first): the other ${tests.length - maxTests} are added up per file under test_id="other". Each test adds up to 16 series to Prometheus; raise maxTests (--max-tests) knowingly, or use the default granularity "file".`,
      );
    }
  }
  return [...groups.values()].sort(
    (a, b) => a.labels.file.localeCompare(b.labels.file) || (a.labels.test_id ?? '').localeCompare(b.labels.test_id ?? ''),
  );
}

function checkOptions(options: RunMetricsOptions): void {
  const problems = listOptionProblems(options, {
    granularity: checks.oneOf(['file', 'test']),
    maxTests: checks.integer(1),
    scores: (value) =>
      Array.isArray(value) ? undefined : 'expected an array of { testId, score, class }, such as analyzeHistory(history).tests',
  });
  if (problems.length > 0) {
    throw new FlakyError('FLAKY_INVALID_METRICS_OPTIONS', {
      action: 'build the run metrics',
      reason: countProblems(problems),
      details: problems,
      fix: 'Fix the options listed above.',
    });
  }
}

/**
 * One run's metrics, from its record and its attempts (and, when given, the tests' scores from their
 * history): run totals, status, duration, attempts, coverage, and per-file (or per-test) outcomes,
 * durations, attempts and flakiness. Attempts of other runs are left out.
 *
 * @example
 * const metrics = runMetrics(run, history.attempts, { scores: analyzeHistory(history).tests });
 * await pushToPushgateway(metrics, { url: 'http://127.0.0.1:9091', job: 'unit-tests' });
 */
export function runMetrics(run: RunRecord, attempts: readonly AttemptRecord[], options: RunMetricsOptions = {}): RunMetrics {
  checkOptions(options);
  const granularity = options.granularity ?? 'file';
  const scored = options.scores !== undefined;
  const scores = new Map((options.scores ?? []).map((score) => [score.testId, score]));
  const tests = summarise(
    attempts.filter((attempt) => attempt.runId === run.runId),
    scores,
  );
  const warnings: string[] = [];
  const groups = groupsOf(tests, granularity, options.maxTests ?? 100, scored, warnings);

  const runAttempts = emptyAttempts();
  const outcomes = emptyOutcomes();
  for (const test of tests) {
    outcomes[test.outcome] += 1;
    for (const status of Object.keys(test.attempts) as AttemptStatus[]) runAttempts[status] += test.attempts[status];
  }
  const totals = run.totals ?? {
    passed: outcomes.passed + outcomes.flaky,
    failed: outcomes.failed,
    skipped: outcomes.skipped,
    todo: outcomes.todo,
  };
  const suiteErrors = run.suiteErrors ?? 0;
  const start = Date.parse(run.startedAt);
  const end = run.finishedAt === undefined ? Number.NaN : Date.parse(run.finishedAt);
  return {
    run,
    granularity,
    startSeconds: start / 1000,
    durationSeconds: Number.isFinite(end) ? Math.max(0, end - start) / 1000 : undefined,
    status: run.finishedAt === undefined ? 'in_progress' : totals.failed === 0 && suiteErrors === 0 ? 'success' : 'failure',
    tests: totals,
    suiteErrors,
    attempts: runAttempts,
    flakyTests: outcomes.flaky,
    coverage:
      run.coverage === undefined
        ? undefined
        : {
            lines: run.coverage.lines / 100,
            statements: run.coverage.statements / 100,
            functions: run.coverage.functions / 100,
            branches: run.coverage.branches / 100,
          },
    testDurations: tests.filter((test) => test.outcome !== 'skipped' && test.outcome !== 'todo').map((test) => test.durationMs / 1000),
    groups,
    scored,
    warnings,
  };
}
