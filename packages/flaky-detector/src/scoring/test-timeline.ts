import type { AttemptRecord, History, RunRecord } from '../model.js';
import { ColumnEncoder, type AttemptCatalog, type AttemptColumns } from '../store/attempt-columns.js';
import { STATUS_CODES } from '../store/record-encoding.js';
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
  /** Each run's code (commit and lockfile hash) as a small integer, -1 for a run without a commit; `codes` of them in all. */
  runCode: Int32Array;
  codes: number;
  tests: TestTimeline[];
}

/** A timeline with the run being added: its attempts so far, folded into a few numbers. */
interface BuildingTimeline extends TestTimeline {
  pendingRun: number;
  firstAttempt: number;
  firstFailed: boolean;
  passed: boolean;
  failed: boolean;
  passAttempt: number;
  pendingPassMs: number;
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
  private readonly byId = new Map<string, BuildingTimeline>();
  /** The timelines by the test keys of `catalog`: no lookup by id per attempt. */
  private byKey: (BuildingTimeline | undefined)[] = [];
  private catalog: AttemptCatalog | undefined;
  private encoder: ColumnEncoder | undefined;

  constructor(private readonly options: OutageOptions) {}

  /** Add one run (newer than every run added before) and all of its attempts. */
  addRun(run: RunRecord, attempts: Iterable<AttemptRecord>): void {
    this.encoder ??= new ColumnEncoder();
    this.addColumns(run, this.encoder.encode(attempts));
  }

  /** {@link addRun} with the attempts as columns (what the stores read). */
  addColumns(run: RunRecord, columns: AttemptColumns): void {
    const index = this.runs.length;
    this.runs.push(run);
    if (index >= this.outage.length) this.outage = grow(this.outage, this.outage.length * 2);
    if (columns.catalog !== this.catalog) {
      this.catalog = columns.catalog;
      this.byKey = [];
    }
    const byKey = this.byKey;
    const touched: BuildingTimeline[] = [];
    const { test: tests, attempt: attemptNumbers, status: statuses, durationMs: durations } = columns;
    for (let row = 0; row < columns.length; row++) {
      const key = tests[row]!;
      const timeline = byKey[key] ?? (byKey[key] = this.timelineOf(columns.catalog, key));
      if (timeline.pendingRun !== index) {
        timeline.pendingRun = index;
        timeline.firstAttempt = Infinity;
        timeline.firstFailed = false;
        timeline.passed = false;
        timeline.failed = false;
        timeline.passAttempt = Infinity;
        timeline.pendingPassMs = Number.NaN;
        touched.push(timeline);
      }
      const durationMs = durations[row]!;
      const attempt = attemptNumbers[row]!;
      timeline.attempts++;
      timeline.costMs += durationMs;
      const status = statuses[row]!;
      if (status === STATUS_CODES.passed) {
        timeline.passed = true;
        if (attempt < timeline.passAttempt) {
          timeline.passAttempt = attempt;
          timeline.pendingPassMs = durationMs;
        }
      } else if (status === STATUS_CODES.failed) timeline.failed = true;
      if ((status === STATUS_CODES.passed || status === STATUS_CODES.failed) && attempt < timeline.firstAttempt) {
        timeline.firstAttempt = attempt;
        timeline.firstFailed = status === STATUS_CODES.failed;
      }
    }

    let counted = 0;
    let firstFailed = 0;
    for (const timeline of touched) {
      if (!timeline.passed && !timeline.failed) continue;
      counted++;
      if (timeline.firstFailed) firstFailed++;
    }
    if (counted >= this.options.minTests && firstFailed > counted * this.options.share) this.outage[index] = 1;
    for (const timeline of touched) this.append(timeline, index);
  }

  /** The timeline of the test `key` of `catalog`, made on its first attempt. */
  private timelineOf(catalog: AttemptCatalog, key: number): BuildingTimeline {
    const entry = catalog.tests[key]!;
    let timeline = this.byId.get(entry.testId);
    if (timeline === undefined) {
      timeline = {
        testId: entry.testId,
        file: entry.file,
        fullName: entry.fullName,
        attempts: 0,
        costMs: 0,
        length: 0,
        runIndex: new Int32Array(8),
        outcome: new Uint8Array(8),
        passMs: new Float64Array(8),
        pendingRun: -1,
        firstAttempt: Infinity,
        firstFailed: false,
        passed: false,
        failed: false,
        passAttempt: Infinity,
        pendingPassMs: Number.NaN,
      };
      this.byId.set(entry.testId, timeline);
    }
    return timeline;
  }

  private append(timeline: BuildingTimeline, runIndex: number): void {
    if (timeline.length === timeline.runIndex.length) {
      const size = timeline.length * 2;
      timeline.runIndex = grow(timeline.runIndex, size);
      timeline.outcome = grow(timeline.outcome, size);
      timeline.passMs = grow(timeline.passMs, size);
    }
    const at = timeline.length++;
    timeline.runIndex[at] = runIndex;
    timeline.passMs[at] = timeline.pendingPassMs;
    timeline.outcome[at] =
      timeline.passed && timeline.failed
        ? OUTCOME.flaky
        : timeline.passed
          ? OUTCOME.passed
          : timeline.failed
            ? OUTCOME.failed
            : OUTCOME.skipped;
  }

  /** The timelines so far. */
  finish(): Timelines {
    const codes = new Map<string, number>();
    const runCode = new Int32Array(this.runs.length);
    this.runs.forEach((run, index) => {
      if (run.commit === undefined) {
        runCode[index] = -1;
        return;
      }
      const key = `${run.commit}\u0000${run.lockfileHash ?? ''}`;
      let code = codes.get(key);
      if (code === undefined) codes.set(key, (code = codes.size));
      runCode[index] = code;
    });
    return {
      runs: this.runs,
      outage: this.outage.subarray(0, this.runs.length),
      runCode,
      codes: codes.size,
      tests: [...this.byId.values()],
    };
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
