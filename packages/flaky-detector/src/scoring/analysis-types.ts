/**
 * What {@link analyzeHistory} returns: per-test scores and classes, groups of tests that fail
 * together, duration baselines and regressions, recommendations, test effectiveness and the
 * coverage trend. Plain data (no Maps, no class instances), so a report can write it as JSON.
 */

/**
 * The class a test is in.
 *
 * - `new`: fewer runs than `scoring.minRuns`, and no certain evidence either way yet.
 * - `stable`: passes; no evidence of flakiness.
 * - `flaky`: passed and failed on the same code, or fails now and then across runs.
 * - `broken`: fails on every attempt, run after run (a regression when it passed before a change).
 * - `fixed`: was flaky or broken and has passed long enough since to say so.
 */
export type TestClass = 'new' | 'stable' | 'flaky' | 'broken' | 'fixed';

/** Why a test is in its class: the rule that put it there. */
export type ClassReason =
  /** `new`: not enough runs yet. */
  | 'too-few-runs'
  /** `stable`: passes, or failed too rarely to say more. */
  | 'passes'
  /** `flaky`: passed and failed on the same code (a run with a retried pass, or two runs of one commit). */
  | 'same-code'
  /** `flaky`: failures across runs with passes between them; the posterior lower bound is above the entry rate. */
  | 'failure-rate'
  /** `broken`: passed on an earlier commit, failed on every attempt of every run since a change. */
  | 'regression'
  /** `broken`: has never passed. */
  | 'never-passed'
  /** `fixed`: was flaky; its clean streak since would be unlikely if it were still as flaky. */
  | 'clean-streak'
  /** `fixed`: was broken; passed `scoring.recoverRuns` runs in a row since. */
  | 'passes-again';

/** One run's outcome of a test, from its attempts in that run. */
export type RunOutcome =
  /** The first attempt passed. */
  | 'passed'
  /** A failed attempt, then a passed one (passed on retry). */
  | 'flaky'
  /** Every attempt failed. */
  | 'failed'
  /** Only skipped or todo attempts: not counted. */
  | 'skipped';

/**
 * A Beta posterior of a test's per-run failure probability (a run counts as a failure when its first
 * attempt failed), with an equal-tailed credible interval.
 */
export interface FailurePosterior {
  /** Runs counted (within the window, outage runs left out). */
  runs: number;
  /** Of those, runs whose first attempt failed. */
  failures: number;
  /** Posterior Beta parameters: prior + failures, prior + passes. */
  alpha: number;
  beta: number;
  /** Posterior mean. */
  mean: number;
  /** Equal-tailed credible interval at `level` (exact Beta quantiles). */
  lower: number;
  upper: number;
  /** The credibility of the interval, e.g. 0.95. */
  level: number;
}

/** Certain flakiness: one code (commit and lockfile hash) that both passed and failed. */
export interface SameCodeEvidence {
  /** The code both outcomes ran; `undefined` when the run had no commit (evidence within one run). */
  commit: string | undefined;
  lockfileHash: string | undefined;
  /** Runs on that code where the test passed (including passes on retry). */
  passedRuns: string[];
  /** Runs on that code where an attempt failed. */
  failedRuns: string[];
}

/** Why a broken test is a regression: the last pass before the change and the failures since. */
export interface RegressionEvidence {
  /** The last run where the test passed, and its commit. */
  lastPassedRunId: string;
  lastPassedCommit: string | undefined;
  /** The first run of the failing streak, and its commit (the change that broke it is between). */
  firstFailedRunId: string;
  firstFailedCommit: string | undefined;
  /** Runs in the streak: every attempt of each failed. */
  failedRuns: number;
}

/** A change of class, as the hysteresis rules let it happen. */
export interface ClassTransition {
  runId: string;
  from: TestClass;
  to: TestClass;
  reason: ClassReason;
}

/** A test's duration baseline: median and median absolute deviation of its last passing runs. */
export interface DurationBaseline {
  testId: string;
  file: string;
  fullName: string;
  /** Median duration in ms. */
  medianMs: number;
  /** Median absolute deviation from the median, in ms (unscaled). */
  madMs: number;
  /** How many durations the baseline is made of (at most `durations.window`). */
  samples: number;
}

/** A test that got slower: its last two runs (the second confirms the first) over its baseline. */
export interface DurationRegression {
  testId: string;
  file: string;
  fullName: string;
  /** The baseline the two runs were compared with (the runs before them, or an imported one). */
  baseline: DurationBaseline;
  /** Where the baseline came from: this history, or a baselines file given in the options. */
  baselineSource: 'history' | 'imported';
  /** The two runs over the limit, oldest first, and their durations. */
  runIds: [string, string];
  durationsMs: [number, number];
  /** The smaller of the two durations divided by the baseline median. */
  ratio: number;
  /** The duration a run had to exceed: max(median x (1 + threshold), median + max(floorMs, madFactor x MAD)). */
  limitMs: number;
}

/** One test's scores, class and evidence. */
export interface TestAnalysis {
  testId: string;
  /** The file and full name of the test's latest run. */
  file: string;
  fullName: string;
  class: TestClass;
  reason: ClassReason;
  /** The run the test entered its class in (its first run for `new`). */
  classSince: string;
  /** The class before this one (`undefined` when it never changed). */
  previousClass: TestClass | undefined;
  /** Every change of class, oldest first. */
  transitions: ClassTransition[];
  /** Broken by a change: never quarantine it, show it as a regression. */
  regression: RegressionEvidence | undefined;
  /** Same-code pass and fail, oldest first (empty unless flaky for certain). */
  sameCode: SameCodeEvidence[];
  /** Runs the test has (outage runs included), and how many of them were outage runs. */
  runs: number;
  outageRuns: number;
  /** Attempts recorded, retries included. */
  attempts: number;
  /** Runs by outcome (outage runs left out). */
  passedRuns: number;
  flakyRuns: number;
  failedRuns: number;
  /** The latest run's outcome and id. */
  lastOutcome: RunOutcome;
  lastRunId: string;
  /** Beta-Binomial posterior of the per-run failure probability over the scoring window. */
  failureProbability: FailurePosterior;
  /** Exponentially weighted share of runs whose outcome differs from the run before (0 to 1). */
  flipRate: number;
  /**
   * The flakiness score used to rank tests: the posterior mean failure probability for `flaky`
   * tests, 0 for every other class (a broken test is not flaky, however often it fails).
   */
  score: number;
  /** The id of the {@link FailureGroup} the test is in, if any. */
  groupId: string | undefined;
  /** Its duration baseline (undefined under `durations.minSamples` passing runs). */
  duration: DurationBaseline | undefined;
  /** Median of its durations over the whole history, and their sum (for shares of suite time). */
  medianMs: number;
  totalMs: number;
}

/** Tests that fail in the same runs: likely one cause (shared state, a service, an order dependency). */
export interface FailureGroup {
  /** `g1`, `g2`, ... by size, largest first. */
  id: string;
  testIds: string[];
  /** Runs where at least two of them failed. */
  runIds: string[];
  /** The smallest Jaccard similarity of failing-run sets between two tests linked in the group. */
  jaccard: number;
  /** The smallest number of runs two linked tests failed together. */
  support: number;
}

/** What a recommendation asks for. */
export type RecommendationAction =
  /** A test that takes a large share of suite time: split it or speed it up. */
  | 'speed-up'
  /** A flaky test with a high score: quarantine it while someone fixes it. */
  | 'quarantine'
  /** A flaky test: fix the cause (also for flaky tests that must not be quarantined). */
  | 'fix'
  /** A broken test after a change: fix the regression (never quarantine it). */
  | 'fix-regression'
  /** Tests that fail together: look for the shared cause. */
  | 'investigate-group'
  /** A test that never fails and costs much: run it less often (nightly). */
  | 'slower-cadence'
  /** A test that got slower: find what slowed it. */
  | 'investigate-slowdown';

/** The number behind a recommendation. */
export interface RecommendationFigure {
  /** What the number is: `share of suite time`, `flakiness score`, `runs without a failure`, ... */
  label: string;
  value: number;
  /** `%`, `ms`, `runs`, `probability`, `ratio`. */
  unit: string;
}

/** One thing to do about one test (or one group), and why. */
export interface Recommendation {
  action: RecommendationAction;
  /** The test (for a group: its first test). */
  testId: string;
  file: string;
  fullName: string;
  /** Every test concerned (one, or a group's). */
  testIds: string[];
  /** One sentence naming the test, the action and the figure. */
  message: string;
  figure: RecommendationFigure;
}

/** A failure a test caught that turned out real: it failed, then passed after a code change. */
export interface CaughtFailure {
  testId: string;
  file: string;
  fullName: string;
  /** Failures of this kind over the history. */
  caught: number;
  /** The latest one: the failing run and commit, then the first passing run on a later commit. */
  failedRunId: string;
  failedCommit: string | undefined;
  fixedRunId: string;
  fixedCommit: string | undefined;
}

/** A long-running test that has not failed once in many runs. */
export interface NeverFailingTest {
  testId: string;
  file: string;
  fullName: string;
  runs: number;
  medianMs: number;
  totalMs: number;
}

/** Which tests earn their time. */
export interface TestEffectiveness {
  /** Tests that caught real failures, most caught first. */
  caughtRealFailures: CaughtFailure[];
  /** Tests over `effectiveness.expensiveMs` that never failed in at least `effectiveness.minRuns` runs, costliest first. */
  neverFailed: NeverFailingTest[];
}

/** Coverage of one run, in percent. */
export interface CoveragePoint {
  runId: string;
  startedAt: string;
  commit: string | undefined;
  lines: number;
  statements: number;
  functions: number;
  branches: number;
}

/** A drop in one coverage measure between two consecutive runs with coverage. */
export interface CoverageDrop {
  metric: 'lines' | 'statements' | 'functions' | 'branches';
  fromRunId: string;
  toRunId: string;
  from: number;
  to: number;
  /** Percentage points lost (positive). */
  drop: number;
}

/** Coverage over the runs that had it, and the drops beyond `coverage.dropThreshold`. */
export interface CoverageTrend {
  points: CoveragePoint[];
  drops: CoverageDrop[];
  /** The drops between the last two points: what a report flags for the latest run. */
  latestDrops: CoverageDrop[];
}

/** Options of the Beta-Binomial scores and the class rules. */
export interface ScoringOptions {
  /** Beta prior of the failure probability. Default Jeffreys, `{ alpha: 0.5, beta: 0.5 }`. */
  prior: { alpha: number; beta: number };
  /** Credibility of the interval. Default 0.95. */
  level: number;
  /** The posterior covers the test's last `window` runs. Default 100. */
  window: number;
  /** Runs a test needs before it leaves `new` by the statistics alone. Default 5. */
  minRuns: number;
  /** A test enters `flaky` by failure rate when the interval's lower bound is above this. Default 0.005 (tuned on the accuracy bench). */
  flakyRate: number;
  /** ...and has at least this many failing runs, each followed by a pass. Default 2. */
  minFailures: number;
  /** Smoothing of the flip rate: weight of the newest transition. Default 0.1. */
  flipAlpha: number;
  /** Consecutive runs failing on every attempt that make a test `broken`. Default 2. */
  brokenRuns: number;
  /** Consecutive passing runs that take a broken test to `fixed`. Default 2. */
  recoverRuns: number;
  /**
   * A flaky test becomes `fixed` when its clean streak would happen with probability under
   * `1 - fixedConfidence` if it still failed as often as its posterior mean says. Default 0.95.
   */
  fixedConfidence: number;
  /** ...and never with fewer clean runs than this. Default 10. */
  fixedMinRuns: number;
  /** Clean runs a `fixed` test stays `fixed` before it is `stable`. Default 20. */
  fixedHoldRuns: number;
}

/** When a run counts as an outage and is left out of the scores. */
export interface OutageOptions {
  /** Share of the run's tests that failed above which it is an outage. Default 0.5. */
  share: number;
  /** Runs with fewer tests than this are never outages. Default 10. */
  minTests: number;
}

/** How tests that fail together are grouped. */
export interface GroupOptions {
  /** Runs two tests must have failed together. Default 3. */
  minSupport: number;
  /** Jaccard similarity of their failing-run sets. Default 0.6. */
  minJaccard: number;
  /**
   * Runs where more candidate tests failed than this are left out of the grouping (pairs grow with
   * the square of the failures; such runs are near-outages). Default 500.
   */
  maxFailuresPerRun: number;
}

/** Duration baselines and regressions. */
export interface DurationOptions {
  /** Baselines are made of the last `window` passing runs. Default 30. */
  window: number;
  /** No baseline under this many samples (at least 10). Default 10. */
  minSamples: number;
  /** A run is slow above median x (1 + threshold). Default 0.2. */
  threshold: number;
  /** ...and at least this many ms above the median (Jest durations are whole ms). Default 5. */
  floorMs: number;
  /** ...and at least this many MADs above the median (0 turns the check off). Default 3. */
  madFactor: number;
}

/** Which recommendations are made. */
export interface RecommendationOptions {
  /** At most this many of each action. Default 5. */
  limit: number;
  /** Tests above this share of suite time get `speed-up`. Default 0.05 (5 %). */
  slowShare: number;
  /** ...when their median run takes at least this long: a suite of 1 ms tests has nothing to split. Default 100 ms. */
  slowMinMs: number;
  /** Flaky tests with a score at or above this get `quarantine` (below: `fix`). Default 0.05. */
  quarantineScore: number;
}

/** Test effectiveness. */
export interface EffectivenessOptions {
  /** A never-failing test is listed after this many runs. Default 50. */
  minRuns: number;
  /** ...when its median duration is at least this. Default 1000 ms. */
  expensiveMs: number;
}

/** Coverage trend. */
export interface CoverageOptions {
  /** A drop of more than this many percentage points is flagged. Default 1. */
  dropThreshold: number;
}

/** Every option, each with its default filled in. */
export interface ResolvedAnalysisOptions {
  scoring: ScoringOptions;
  outage: OutageOptions;
  groups: GroupOptions;
  durations: DurationOptions;
  recommendations: RecommendationOptions;
  effectiveness: EffectivenessOptions;
  coverage: CoverageOptions;
}

/** Options of {@link analyzeHistory}: any subset; defaults in `DEFAULT_ANALYSIS_OPTIONS`. */
export interface AnalysisOptions {
  scoring?: Partial<ScoringOptions> | undefined;
  outage?: Partial<OutageOptions> | undefined;
  groups?: Partial<GroupOptions> | undefined;
  durations?: Partial<DurationOptions> | undefined;
  recommendations?: Partial<RecommendationOptions> | undefined;
  effectiveness?: Partial<EffectivenessOptions> | undefined;
  coverage?: Partial<CoverageOptions> | undefined;
  /** Imported baselines (`flaky-detector baselines import`): used instead of the history's for their tests. */
  baselines?: BaselinesFile | undefined;
}

/** The JSON `flaky-detector baselines export` writes and `import` reads. */
export interface BaselinesFile {
  /** The format version: 1. */
  version: 1;
  /** ISO 8601 time of the export. */
  exportedAt: string;
  /** The window and minimum samples the baselines were made with. */
  window: number;
  minSamples: number;
  baselines: DurationBaseline[];
}

/** Everything {@link analyzeHistory} finds in a history. */
export interface Analysis {
  /** The options used, defaults filled in. */
  options: ResolvedAnalysisOptions;
  /** Runs in the history, and those left out of the scores as outages. */
  runs: number;
  outageRunIds: string[];
  /** Every test, flakiest first (by score), then by file and name. */
  tests: TestAnalysis[];
  /** How many tests are in each class. */
  classCounts: Record<TestClass, number>;
  groups: FailureGroup[];
  /** Every test with enough samples for a baseline. */
  baselines: DurationBaseline[];
  regressions: DurationRegression[];
  recommendations: Recommendation[];
  effectiveness: TestEffectiveness;
  coverage: CoverageTrend;
  /**
   * Sum of the flaky tests' scores: the expected number of flaky failures per run; and the
   * probability that a run has none, the product of (1 - score).
   */
  expectedFlakyFailures: number;
  flakeFreeRunProbability: number;
}
