/**
 * What every report format shows, as one data structure: the JSON format writes it as it is, the
 * other formats render parts of it. `schemaVersion` changes when a field changes meaning or goes.
 */

/**
 * The version of {@link Report}'s shape; bumped when a field is renamed, removed or changes meaning.
 *
 * @example
 * if (report.schemaVersion !== REPORT_SCHEMA_VERSION) console.warn('a report from another version of flaky-detector');
 */
export const REPORT_SCHEMA_VERSION = 1;

/** One run as the trends show it: outcomes of its tests' last attempts, and how long it took. */
export interface RunSummary {
  runId: string;
  startedAt: string;
  commit?: string | undefined;
  shard?: string | undefined;
  ciJob?: string | undefined;
  /** Tests whose last attempt passed (flaky ones included). */
  passed: number;
  /** Tests whose last attempt failed. */
  failed: number;
  skipped: number;
  /** Tests that failed and then passed on a retry within this run. */
  flaky: number;
  /** Attempts beyond the first. */
  retries: number;
  /** passed / (passed + failed), 0 to 1; 1 for a run with nothing but skipped tests. */
  passRate: number;
  /** Wall time from start to end when the run recorded its end, else the sum of its attempts' durations. */
  durationMs: number;
  /** Sum of every attempt's duration. */
  testTimeMs: number;
  /** Suite-level errors (a test file that failed to run). */
  suiteErrors: number;
  /** Line coverage in percent, when the run recorded coverage. */
  lineCoverage?: number | undefined;
}

/** One test across the history: how often it ran and failed, and how long it takes. */
export interface TestSummary {
  testId: string;
  file: string;
  fullName: string;
  /** Runs it took part in. */
  runs: number;
  /** Runs whose last attempt failed. */
  failedRuns: number;
  /** Runs where it failed and then passed on a retry. */
  flakyRuns: number;
  /** Median duration of its passing and failing attempts over its most recent runs (at most 30). */
  medianMs: number;
  /** Its share of the suite's total test time over the history, 0 to 1. */
  shareOfSuiteTime: number;
  /** The outcome of its last attempt in the most recent run it took part in. */
  lastStatus: 'passed' | 'failed' | 'flaky' | 'skipped';
  /** Its latest failed attempt, when it ever failed: the run, and the failure's fingerprint, masked message and test-file line as stored. */
  lastFailure?: FailureSummary | undefined;
  /** Its class from the scores (new, stable, flaky, broken, fixed). */
  class: string;
  /** Its flakiness score, 0 to 1 (0 unless flaky). */
  score: number;
}

/** A failure as the store keeps its text: the first of that test's failures with that fingerprint. */
export interface FailureSummary {
  /** The run of the latest failed attempt. */
  runId: string;
  fingerprint?: string | undefined;
  /** The first lines of the message (no stack), secrets and personal values masked; absent in stores written before version 2. */
  message?: string | undefined;
  /** The line of the test file the stack named. */
  line?: number | undefined;
}

/** A test the scores call flaky, with the figures behind it. */
export interface FlakyTestEntry {
  testId: string;
  file: string;
  fullName: string;
  /** The flakiness score: posterior mean of the per-run failure probability, 0 to 1. */
  score: number;
  /** The credible interval of the failure probability, and its level (0.95). */
  interval: [number, number];
  level: number;
  /** Runs counted and, of those, runs whose first attempt failed. */
  runs: number;
  failures: number;
  /** Smoothed share of runs whose outcome differs from the run before. */
  flipRate: number;
  /** Whether it both passed and failed on the same code: flaky for certain. */
  sameCode: boolean;
  /** Whether the quarantine file lists it. */
  quarantined: boolean;
  /** Its latest failure. */
  lastFailure?: FailureSummary | undefined;
}

/** A test that fails consistently after a change, or got slower than its baseline. */
export interface RegressionEntry {
  kind: 'failure' | 'duration';
  testId: string;
  file: string;
  fullName: string;
  /** What the regression is, with its figures ("failed every attempt of 3 runs since abc1234; last passed at 9f8e7d6"). */
  detail: string;
  /** For duration regressions: the two slow runs' durations and the baseline median, in ms. */
  durationsMs?: [number, number] | undefined;
  baselineMs?: number | undefined;
  /** For failure regressions: its latest failure. */
  lastFailure?: FailureSummary | undefined;
}

/** Tests that fail in the same runs. */
export interface FailingTogether {
  id: string;
  testIds: string[];
  fullNames: string[];
  /** Runs where at least two of them failed. */
  runs: number;
  /** The smallest Jaccard similarity between two linked tests. */
  jaccard: number;
}

/** A quarantine file entry as the ledger shows it. */
export interface QuarantineLedgerEntry {
  testId: string;
  /** The test's name when the history knows it. */
  fullName?: string | undefined;
  file?: string | undefined;
  owner: string;
  reason: string;
  issue?: string | undefined;
  /** ISO 8601 date. */
  expires: string;
  expired: boolean;
  /** Whole days from today (UTC) to the last day the entry holds: 0 on that day, negative once expired. */
  daysLeft: number;
}

/** One thing to do, naming the test and the figure behind it. */
export interface ReportRecommendation {
  action: string;
  testId: string;
  fullName: string;
  /** One sentence naming the test, the action and the figure. */
  message: string;
  /** The figure as text ("31.2% of suite time", "flakiness score 0.42"). */
  figure: string;
}

/** The pass/fail grid of the dashboard: the tests with the most trouble against the latest runs. */
export interface Heatmap {
  /** The runs, oldest first (ids). */
  runIds: string[];
  /** One row per test; `cells[i]` is the test's outcome in `runIds[i]`: `.` absent, `p` passed, `f` failed, `k` flaky (failed, then passed), `s` skipped. */
  rows: { testId: string; fullName: string; cells: string }[];
  /** How many tests were left out by the cap. */
  omittedTests: number;
  /** How many older runs were left out by the cap. */
  omittedRuns: number;
}

/** Everything a report shows. */
export interface Report {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  generatedAt: string;
  totals: {
    runs: number;
    tests: number;
    attempts: number;
    firstRunAt?: string | undefined;
    lastRunAt?: string | undefined;
    /** Tests in each class (new, stable, flaky, broken, fixed). */
    classes: Record<string, number>;
    /** Runs left out of the scores because most of their tests failed at once. */
    outageRuns: number;
    /** Expected flaky failures per run (sum of the flaky tests' scores) and the chance a run has none. */
    expectedFlakyFailures: number;
    flakeFreeRunProbability: number;
  };
  /** Every run, oldest first. */
  runs: RunSummary[];
  /** Every test, slowest first. */
  tests: TestSummary[];
  /** The slowest and fastest tests by median duration. */
  slowest: TestSummary[];
  fastest: TestSummary[];
  /** Tests the scores call flaky, highest score first. */
  flaky: FlakyTestEntry[];
  regressions: RegressionEntry[];
  failingTogether: FailingTogether[];
  quarantine: QuarantineLedgerEntry[];
  recommendations: ReportRecommendation[];
  /** Tests that caught failures which turned out real, and costly tests that never failed. */
  effectiveness: {
    caught: { testId: string; fullName: string; caught: number; fixedCommit?: string | undefined }[];
    neverFailed: { testId: string; fullName: string; runs: number; medianMs: number }[];
  };
  /** Line coverage per run that had it, and drops beyond the threshold between the last two. */
  coverage: {
    points: { runId: string; lines: number; branches: number }[];
    latestDrops: { metric: string; from: number; to: number; drop: number }[];
  };
  heatmap: Heatmap;
}
