import type {
  ClassReason,
  ClassTransition,
  FailurePosterior,
  RegressionEvidence,
  SameCodeEvidence,
  ScoringOptions,
  TestClass,
} from './analysis-types.js';
import { betaQuantile } from './beta-distribution.js';
import { OUTCOME, type TestTimeline, type Timelines } from './test-timeline.js';

/** What the class rules find for one test. */
export interface TestClassification {
  class: TestClass;
  reason: ClassReason;
  classSince: string;
  previousClass: TestClass | undefined;
  transitions: ClassTransition[];
  regression: RegressionEvidence | undefined;
  sameCode: SameCodeEvidence[];
  outageRuns: number;
  passedRuns: number;
  flakyRuns: number;
  failedRuns: number;
  failureProbability: FailurePosterior;
  flipRate: number;
  score: number;
}

/**
 * Credible bounds of Beta posteriors, cached by (failures, runs): across ten thousand tests the
 * same few pairs come back again and again, and each quantile is a bisection.
 */
export class PosteriorTable {
  private readonly cache = new Map<string, { lower: number; upper: number }>();

  constructor(private readonly options: Pick<ScoringOptions, 'prior' | 'level'>) {}

  /** The posterior of `failures` failing runs out of `runs`. */
  posterior(failures: number, runs: number): FailurePosterior {
    const alpha = this.options.prior.alpha + failures;
    const beta = this.options.prior.beta + runs - failures;
    const key = `${failures}/${runs}`;
    let bounds = this.cache.get(key);
    if (bounds === undefined) {
      const tail = (1 - this.options.level) / 2;
      bounds = { lower: betaQuantile(tail, alpha, beta), upper: betaQuantile(1 - tail, alpha, beta) };
      this.cache.set(key, bounds);
    }
    return { runs, failures, alpha, beta, mean: alpha / (alpha + beta), ...bounds, level: this.options.level };
  }
}

/** Runs of a clean streak (or a failing streak) that would happen with probability under `1 - confidence` at rate `rate`. */
function unlikelyStreak(rate: number, confidence: number): number {
  if (rate <= 0) return Infinity;
  if (rate >= 1) return 1;
  return Math.ceil(Math.log(1 - confidence) / Math.log(rate));
}

/**
 * Per code (`Timelines.runCode`), how many of one test's runs passed and failed on it and where it
 * first ran: counts only, reused from test to test (the run ids are gathered at the end, for the
 * few codes with both outcomes), so a history of 10 M test runs builds no list per run.
 */
class CodeCounts {
  readonly passed: Int32Array;
  readonly failed: Int32Array;
  readonly first: Int32Array;
  readonly touched: number[] = [];

  constructor(codes: number) {
    this.passed = new Int32Array(codes);
    this.failed = new Int32Array(codes);
    this.first = new Int32Array(codes).fill(-1);
  }

  reset(): void {
    for (const code of this.touched) {
      this.passed[code] = 0;
      this.failed[code] = 0;
      this.first[code] = -1;
    }
    this.touched.length = 0;
  }
}

const countsByTimelines = new WeakMap<Timelines, CodeCounts>();

/** The codes on which `test` both passed and failed, first run first, with the runs of each (outage and skipped runs left out). */
function sameCodeEvidence(test: TestTimeline, timelines: Timelines, codes: CodeCounts): SameCodeEvidence[] {
  const both = codes.touched.filter((code) => codes.passed[code]! > 0 && codes.failed[code]! > 0);
  if (both.length === 0) return [];
  both.sort((a, b) => codes.first[a]! - codes.first[b]!);
  const evidence = new Map<number, SameCodeEvidence>();
  for (const code of both) {
    const run = timelines.runs[test.runIndex[codes.first[code]!]!]!;
    evidence.set(code, { commit: run.commit, lockfileHash: run.lockfileHash, passedRuns: [], failedRuns: [] });
  }
  for (let position = 0; position < test.length; position++) {
    const runIndex = test.runIndex[position]!;
    const entry = evidence.get(timelines.runCode[runIndex]!);
    const outcome = test.outcome[position]!;
    if (entry === undefined || timelines.outage[runIndex] === 1 || outcome === OUTCOME.skipped) continue;
    const runId = timelines.runs[runIndex]!.runId;
    if (outcome !== OUTCOME.failed) entry.passedRuns.push(runId);
    if (outcome !== OUTCOME.passed) entry.failedRuns.push(runId);
  }
  return [...evidence.values()];
}

/**
 * Replays one test's runs in order through the class rules (hysteresis: each class has its own
 * evidence to enter and to leave), and scores it over its last `window` runs.
 *
 * @example
 * classifyTest(timelines.tests[0], timelines, options.scoring, new PosteriorTable(options.scoring)).class
 */
export function classifyTest(test: TestTimeline, timelines: Timelines, options: ScoringOptions, table: PosteriorTable): TestClassification {
  const { runs, outage } = timelines;
  const runIdAt = (position: number): string => runs[test.runIndex[position]!]!.runId;

  let cls = 'new' as TestClass;
  let reason = 'too-few-runs' as ClassReason;
  let classSince = runIdAt(0);
  let previousClass: TestClass | undefined;
  const transitions: ClassTransition[] = [];
  const move = (to: TestClass, why: ClassReason, position: number): void => {
    if (to !== cls) {
      transitions.push({ runId: runIdAt(position), from: cls, to, reason: why });
      previousClass = cls;
      classSince = runIdAt(position);
    }
    cls = to;
    reason = why;
  };

  // The scoring window: counted run positions, and whether each still counts (broken streaks are taken out).
  const excluded = new Uint8Array(test.length);
  const window: number[] = [];
  let windowHead = 0;
  let windowRuns = 0;
  let windowFailures = 0;
  const exclude = (position: number, inWindowFrom: number): void => {
    if (excluded[position] === 1) return;
    excluded[position] = 1;
    if (position >= inWindowFrom) {
      windowRuns--;
      if (test.outcome[position] !== OUTCOME.passed) windowFailures--;
    }
  };

  let codes = countsByTimelines.get(timelines);
  if (codes === undefined) countsByTimelines.set(timelines, (codes = new CodeCounts(timelines.codes)));
  codes.reset();
  const { runCode } = timelines;
  const withinRun: SameCodeEvidence[] = [];
  const transient: number[] = [];
  let transientHead = 0;
  let counted = 0;
  let outageRuns = 0;
  let passedRuns = 0;
  let flakyRuns = 0;
  let failedRuns = 0;
  let lastPass = -1;
  let failStreakStart = -1;
  let failStreak = 0;
  let passStreak = 0;
  let everFlaky = false;
  let rateAtLastFailure = 0;
  let rateBeforeStreak = 0;
  let fixedUntilStreak = 0;
  let regression: RegressionEvidence | undefined;
  let flipRate = 0;
  let previousFailed: boolean | undefined;

  for (let position = 0; position < test.length; position++) {
    const outcome = test.outcome[position]!;
    const run = runs[test.runIndex[position]!]!;
    if (outage[test.runIndex[position]!] === 1) {
      outageRuns++;
      excluded[position] = 1;
      continue;
    }
    if (outcome === OUTCOME.skipped) {
      excluded[position] = 1;
      continue;
    }
    counted++;
    const passes = outcome !== OUTCOME.failed;
    const firstFailed = outcome !== OUTCOME.passed;
    if (outcome === OUTCOME.passed) passedRuns++;
    else if (outcome === OUTCOME.flaky) flakyRuns++;
    else failedRuns++;

    if (previousFailed !== undefined)
      flipRate = options.flipAlpha * (previousFailed === firstFailed ? 0 : 1) + (1 - options.flipAlpha) * flipRate;
    previousFailed = firstFailed;

    // Same code, both outcomes: within this run, or against an earlier run of the same commit.
    let sameCode = outcome === OUTCOME.flaky;
    const code = runCode[test.runIndex[position]!]!;
    if (code < 0) {
      if (sameCode) withinRun.push({ commit: undefined, lockfileHash: undefined, passedRuns: [run.runId], failedRuns: [run.runId] });
    } else {
      if (codes.first[code] === -1) {
        codes.first[code] = position;
        codes.touched.push(code);
      }
      if (passes && codes.failed[code]! > 0) sameCode = true;
      if (firstFailed && codes.passed[code]! > 0) sameCode = true;
      if (passes) codes.passed[code]!++;
      if (firstFailed) codes.failed[code]!++;
    }

    // Streaks: a failing streak that ends with a pass before it made the test broken was transient.
    let endedTransient = false;
    if (outcome === OUTCOME.failed) {
      if (failStreak === 0) failStreakStart = position;
      failStreak++;
    } else {
      if (failStreak > 0 && cls !== 'broken') {
        for (let p = failStreakStart; p < position; p++) if (excluded[p] === 0) transient.push(p);
        endedTransient = true;
      }
      failStreak = 0;
      lastPass = position;
    }
    if (outcome === OUTCOME.flaky) transient.push(position);
    passStreak = outcome === OUTCOME.passed ? passStreak + 1 : 0;

    window.push(position);
    windowRuns++;
    if (firstFailed) windowFailures++;
    while (window.length - windowHead > options.window) {
      const dropped = window[windowHead++]!;
      if (excluded[dropped] === 0) {
        windowRuns--;
        if (test.outcome[dropped] !== OUTCOME.passed) windowFailures--;
      }
    }
    const windowStart = window[windowHead]!;
    while (transientHead < transient.length && transient[transientHead]! < windowStart) transientHead++;
    const rate = (options.prior.alpha + windowFailures) / (options.prior.alpha + options.prior.beta + windowRuns);
    if (firstFailed) rateAtLastFailure = rate;
    if (passes) rateBeforeStreak = rate;

    // The rules, strongest evidence first.
    const brokenAfter =
      cls === 'flaky'
        ? Math.min(10, Math.max(options.brokenRuns, unlikelyStreak(rateBeforeStreak, options.fixedConfidence)))
        : options.brokenRuns;
    if (sameCode) {
      everFlaky = true;
      move('flaky', 'same-code', position);
    } else if (outcome === OUTCOME.failed && failStreak >= brokenAfter && cls !== 'broken') {
      for (let p = failStreakStart; p <= position; p++) exclude(p, windowStart);
      if (lastPass >= 0) {
        regression = {
          lastPassedRunId: runIdAt(lastPass),
          lastPassedCommit: runs[test.runIndex[lastPass]!]!.commit,
          firstFailedRunId: runIdAt(failStreakStart),
          firstFailedCommit: runs[test.runIndex[failStreakStart]!]!.commit,
          failedRuns: failStreak,
        };
        move('broken', 'regression', position);
      } else {
        regression = undefined;
        move('broken', 'never-passed', position);
      }
    } else if (cls === 'broken') {
      if (outcome === OUTCOME.failed) {
        exclude(position, windowStart);
        if (regression !== undefined) regression.failedRuns++;
      } else if (passStreak >= options.recoverRuns) {
        regression = undefined;
        fixedUntilStreak = passStreak + options.fixedHoldRuns;
        move('fixed', 'passes-again', position);
      }
    } else if (cls === 'flaky') {
      const needed = Math.max(options.fixedMinRuns, unlikelyStreak(1 - rateAtLastFailure, options.fixedConfidence));
      if (passStreak >= needed) {
        fixedUntilStreak = passStreak + options.fixedHoldRuns;
        move('fixed', 'clean-streak', position);
      }
    } else {
      const transientCount = transient.length - transientHead;
      if (everFlaky && endedTransient) {
        move('flaky', 'failure-rate', position);
      } else if (
        counted >= options.minRuns &&
        transientCount >= options.minFailures &&
        table.posterior(windowFailures, windowRuns).lower > options.flakyRate
      ) {
        everFlaky = true;
        move('flaky', 'failure-rate', position);
      } else if (cls === 'new' && counted >= options.minRuns) {
        move('stable', 'passes', position);
      } else if (cls === 'fixed' && passStreak >= fixedUntilStreak) {
        move('stable', 'passes', position);
      }
    }
  }

  const sameCode = sameCodeEvidence(test, timelines, codes);
  const failureProbability = table.posterior(windowFailures, windowRuns);
  return {
    class: cls,
    reason,
    classSince,
    previousClass,
    transitions,
    regression: cls === 'broken' ? regression : undefined,
    sameCode: [...sameCode, ...withinRun],
    outageRuns,
    passedRuns,
    flakyRuns,
    failedRuns,
    failureProbability,
    flipRate,
    score: cls === 'flaky' ? failureProbability.mean : 0,
  };
}
