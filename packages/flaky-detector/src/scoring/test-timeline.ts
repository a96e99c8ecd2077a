import type { AttemptRecord, History, RunRecord } from '../model.js';
import type { OutageOptions, RunOutcome } from './analysis-types.js';

/** Run outcomes as stored in a timeline (one byte a run). */
export const OUTCOME = { passed: 0, flaky: 1, failed: 2, skipped: 3 } as const;
const OUTCOME_NAMES: readonly RunOutcome[] = ['passed', 'flaky', 'failed', 'skipped'];

/** The name of an outcome code. */
export function outcomeName(code: number): RunOutcome {
  return OUTCOME_NAMES[code] ?? 'skipped';
}

/**
 * One test's runs in order, in typed arrays (a history of 1,000 runs of 10,000 tests is ten million
 * entries): the run's index, its outcome, and the duration of its passing attempt.
 */
export interface TestTimeline {
  testId: string;
  file: string;
  fullName: string;
  attempts: number;
  /** Sum of every attempt's duration, retries included: what the test costs. */
  costMs: number;
  length: number;
  runIndex: Int32Array;
  outcome: Uint8Array;
  /** Duration of the run's first passing attempt; NaN when no attempt passed. */
  passMs: Float64Array;
}

/** Every test's timeline and the runs they index, with the outage runs marked. */
export interface Timelines {
  runs: RunRecord[];
  /** 1 for a run where more than `outage.share` of the tests failed their first attempt. */
  outage: Uint8Array;
  tests: TestTimeline[];
}

interface RunEntry {
  file: string;
  fullName: string;
  firstAttempt: number;
  firstStatus: AttemptRecord['status'];
  passed: boolean;
  failed: boolean;
  passAttempt: number;
  passMs: number;
  costMs: number;
  attempts: number;
}

function grow<T extends Int32Array | Uint8Array | Float64Array>(array: T, size: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(size);
  bigger.set(array);
  return bigger;
}

/**
 * Builds timelines run by run: {@link TimelineBuilder.addRun} takes one run and its attempts, so a
 * caller may stream a history instead of holding all of it.
 */
export class TimelineBuilder {
  private readonly runs: RunRecord[] = [];
  private outage = new Uint8Array(64);
  private readonly byId = new Map<string, TestTimeline>();

  constructor(private readonly options: OutageOptions) {}

  /** Add one run (newer than every run added before) and all of its attempts. */
  addRun(run: RunRecord, attempts: Iterable<AttemptRecord>): void {
    const entries = new Map<string, RunEntry>();
    for (const attempt of attempts) {
      let entry = entries.get(attempt.testId);
      if (entry === undefined) {
        entry = {
          file: attempt.file,
          fullName: attempt.fullName,
          firstAttempt: Infinity,
          firstStatus: 'skipped',
          passed: false,
          failed: false,
          passAttempt: Infinity,
          passMs: Number.NaN,
          costMs: 0,
          attempts: 0,
        };
        entries.set(attempt.testId, entry);
      }
      entry.attempts++;
      entry.costMs += attempt.durationMs;
      if (attempt.status === 'passed') {
        entry.passed = true;
        if (attempt.attempt < entry.passAttempt) {
          entry.passAttempt = attempt.attempt;
          entry.passMs = attempt.durationMs;
        }
      } else if (attempt.status === 'failed') entry.failed = true;
      if ((attempt.status === 'passed' || attempt.status === 'failed') && attempt.attempt < entry.firstAttempt) {
        entry.firstAttempt = attempt.attempt;
        entry.firstStatus = attempt.status;
      }
    }

    const index = this.runs.length;
    this.runs.push(run);
    if (index >= this.outage.length) this.outage = grow(this.outage, this.outage.length * 2);
    let counted = 0;
    let firstFailed = 0;
    for (const entry of entries.values()) {
      if (!entry.passed && !entry.failed) continue;
      counted++;
      if (entry.firstStatus === 'failed') firstFailed++;
    }
    if (counted >= this.options.minTests && firstFailed > counted * this.options.share) this.outage[index] = 1;

    for (const [testId, entry] of entries) this.append(testId, index, entry);
  }

  private append(testId: string, runIndex: number, entry: RunEntry): void {
    let timeline = this.byId.get(testId);
    if (timeline === undefined) {
      timeline = {
        testId,
        file: entry.file,
        fullName: entry.fullName,
        attempts: 0,
        costMs: 0,
        length: 0,
        runIndex: new Int32Array(8),
        outcome: new Uint8Array(8),
        passMs: new Float64Array(8),
      };
      this.byId.set(testId, timeline);
    }
    if (timeline.length === timeline.runIndex.length) {
      const size = timeline.length * 2;
      timeline.runIndex = grow(timeline.runIndex, size);
      timeline.outcome = grow(timeline.outcome, size);
      timeline.passMs = grow(timeline.passMs, size);
    }
    const at = timeline.length++;
    timeline.file = entry.file;
    timeline.fullName = entry.fullName;
    timeline.attempts += entry.attempts;
    timeline.costMs += entry.costMs;
    timeline.runIndex[at] = runIndex;
    timeline.passMs[at] = entry.passMs;
    timeline.outcome[at] =
      entry.passed && entry.failed ? OUTCOME.flaky : entry.passed ? OUTCOME.passed : entry.failed ? OUTCOME.failed : OUTCOME.skipped;
  }

  /** The timelines so far. */
  finish(): Timelines {
    return { runs: this.runs, outage: this.outage.subarray(0, this.runs.length), tests: [...this.byId.values()] };
  }
}

/**
 * The timelines of a whole history: runs ordered by start time (ties keep the history's order),
 * attempts of runs the history does not list left out.
 *
 * @example
 * collectTimelines(history, { share: 0.5, minTests: 10 }).tests[0].outcome
 */
export function collectTimelines(history: History, options: OutageOptions): Timelines {
  const order = history.runs.map((_, index) => index);
  order.sort((a, b) => {
    const byTime = Date.parse(history.runs[a]!.startedAt) - Date.parse(history.runs[b]!.startedAt);
    return Number.isNaN(byTime) || byTime === 0 ? a - b : byTime;
  });
  const position = new Map<string, number>();
  order.forEach((runIndex, at) => position.set(history.runs[runIndex]!.runId, at));

  // Counting sort of attempt indices by run: one pass to count, one to place.
  const attemptRun = new Int32Array(history.attempts.length);
  const counts = new Int32Array(order.length + 1);
  history.attempts.forEach((attempt, index) => {
    const at = position.get(attempt.runId) ?? -1;
    attemptRun[index] = at;
    if (at >= 0) counts[at + 1]!++;
  });
  for (let i = 1; i < counts.length; i++) counts[i]! += counts[i - 1]!;
  const sorted = new Int32Array(counts[order.length]!);
  const next = counts.slice(0, order.length);
  for (let index = 0; index < attemptRun.length; index++) {
    const at = attemptRun[index]!;
    if (at >= 0) sorted[next[at]!++] = index;
  }

  const builder = new TimelineBuilder(options);
  order.forEach((runIndex, at) => {
    builder.addRun(history.runs[runIndex]!, attemptsOf(history.attempts, sorted, counts[at]!, counts[at + 1]!));
  });
  return builder.finish();
}

function* attemptsOf(attempts: readonly AttemptRecord[], sorted: Int32Array, from: number, to: number): Generator<AttemptRecord> {
  for (let i = from; i < to; i++) yield attempts[sorted[i]!]!;
}
