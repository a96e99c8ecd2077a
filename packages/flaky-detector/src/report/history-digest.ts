import type { AttemptRecord, History, RunRecord } from '../model.js';
import { ColumnEncoder, failureKey, type AttemptCatalog, type AttemptColumns } from '../store/attempt-columns.js';
import { STATUS_CODES } from '../store/record-encoding.js';
import type { Heatmap, RunSummary, TestSummary } from './report-model.js';

/** How much of the history the dashboard's heatmap shows. */
export interface HeatmapLimits {
  /** Most tests (rows). Default 60. */
  tests?: number | undefined;
  /** Most recent runs (columns). Default 60. */
  runs?: number | undefined;
}

/** What a report reads from the history alone, without scores. */
export interface HistoryDigest {
  runs: RunSummary[];
  /** Every test, slowest (by median) first. */
  tests: TestSummary[];
  heatmap: Heatmap;
  attempts: number;
  firstRunAt: string | undefined;
  lastRunAt: string | undefined;
}

/** Builds a {@link HistoryDigest} from runs added one at a time, oldest first. */
export interface HistoryDigestBuilder {
  addRun(run: RunRecord, attempts: readonly AttemptRecord[]): void;
  /** {@link addRun} with the attempts as columns, as `eachRunColumns()` of a store yields them: no object per attempt. */
  addColumns(run: RunRecord, columns: AttemptColumns): void;
  finish(): HistoryDigest;
}

const RECENT_DURATIONS = 30;

/** A test's outcome in one run: the heatmap's cell letter (`p` passed, `f` failed, `k` failed then passed, `s` skipped). */
type Outcome = 'p' | 'f' | 'k' | 's';

interface TestAccumulator {
  order: number;
  testId: string;
  file: string;
  fullName: string;
  runs: number;
  failedRuns: number;
  flakyRuns: number;
  lastStatus: TestSummary['lastStatus'];
  recent: Float64Array;
  recentCount: number;
  totalMs: number;
  /** The outcomes of its latest runs: a ring indexed by run number modulo the heatmap's width. */
  ringRun: Int32Array;
  ringOutcome: Uint8Array;
  /** Its attempts in the run being added, folded: the run's index, the last attempt's number and status, any failure. */
  cell: RunCell;
  /** Its latest failed attempt: the run, the attempt number, and the failure's fingerprint and stored text. */
  lastFailure: TestSummary['lastFailure'];
  lastFailureAttempt: number;
}

/** One test's attempts within one run, folded. */
interface RunCell {
  run: number;
  lastAttempt: number;
  /** The last attempt's status code (`STATUS_CODES`). */
  lastCode: number;
  anyFailed: boolean;
}

const LAST_STATUS: Record<Outcome, TestSummary['lastStatus']> = { p: 'passed', f: 'failed', k: 'flaky', s: 'skipped' };
const OUTCOME_CODES: Record<Outcome, number> = { p: 1, f: 2, k: 3, s: 4 };
const CODE_CELLS = '.pfks';

function median(values: Float64Array, count: number): number {
  if (count === 0) return 0;
  const sorted = Array.from(values.subarray(0, count)).sort((a, b) => a - b);
  const middle = count >> 1;
  return count % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function outcomeOf(cell: RunCell): Outcome {
  if (cell.lastCode === STATUS_CODES.passed) return cell.anyFailed ? 'k' : 'p';
  if (cell.lastCode === STATUS_CODES.failed) return 'f';
  return cell.anyFailed ? 'f' : 's';
}

/**
 * A builder of per-run and per-test figures, fed one run at a time so a large history is never held
 * whole: run outcomes and durations for the trends, each test's median duration (over its last 30
 * attempts) and share of the suite's time, and the heatmap of the tests with the most failures over
 * the latest runs.
 *
 * @example
 * const digest = createHistoryDigest();
 * for await (const { run, columns } of historyColumnsByRun(store)) digest.addColumns(run, columns);
 * digest.finish().tests[0]; // the slowest test
 */
export function createHistoryDigest(limits: HeatmapLimits = {}): HistoryDigestBuilder {
  const width = Math.max(1, limits.runs ?? 60);
  const maxRows = Math.max(0, limits.tests ?? 60);
  const tests = new Map<string, TestAccumulator>();
  const runs: RunSummary[] = [];
  const runIds: string[] = [];
  let attemptCount = 0;
  let suiteTimeMs = 0;

  let encoder: ColumnEncoder | undefined;
  let catalog: AttemptCatalog | undefined;
  /** Accumulators by the test keys of `catalog`: no lookup by id per attempt. */
  let byKey: (TestAccumulator | undefined)[] = [];

  function accumulator(key: number): TestAccumulator {
    const entry = catalog!.tests[key]!;
    let test = tests.get(entry.testId);
    if (test === undefined) {
      test = {
        order: tests.size,
        testId: entry.testId,
        file: entry.file,
        fullName: entry.fullName,
        runs: 0,
        failedRuns: 0,
        flakyRuns: 0,
        lastStatus: 'skipped',
        recent: new Float64Array(RECENT_DURATIONS),
        recentCount: 0,
        totalMs: 0,
        ringRun: new Int32Array(width).fill(-1),
        ringOutcome: new Uint8Array(width),
        cell: { run: -1, lastAttempt: 0, lastCode: STATUS_CODES.skipped, anyFailed: false },
        lastFailure: undefined,
        lastFailureAttempt: 0,
      };
      tests.set(entry.testId, test);
    }
    byKey[key] = test;
    return test;
  }

  function addColumns(run: RunRecord, columns: AttemptColumns): void {
    if (columns.catalog !== catalog) {
      catalog = columns.catalog;
      byKey = [];
    }
    const index = runs.length;
    attemptCount += columns.length;
    // Each test's cell is reset the first time the run touches it; `touched` lists them in order.
    const touched: TestAccumulator[] = [];
    let testTimeMs = 0;
    let retries = 0;
    for (let row = 0; row < columns.length; row++) {
      const key = columns.test[row]!;
      const test = byKey[key] ?? accumulator(key);
      const code = columns.status[row]!;
      const attempt = columns.attempt[row]!;
      if (code === STATUS_CODES.passed || code === STATUS_CODES.failed) {
        const durationMs = columns.durationMs[row]!;
        test.recent[test.recentCount % RECENT_DURATIONS] = durationMs;
        test.recentCount++;
        test.totalMs += durationMs;
        testTimeMs += durationMs;
      }
      if (attempt > 1) retries++;
      const failed = code === STATUS_CODES.failed;
      if (failed && (test.lastFailure?.runId !== run.runId || attempt >= test.lastFailureAttempt)) {
        const fingerprint = columns.fingerprint[row]!;
        const text = fingerprint < 0 ? undefined : columns.catalog.failures.get(failureKey(key, fingerprint));
        test.lastFailure = {
          runId: run.runId,
          fingerprint: fingerprint < 0 ? undefined : columns.catalog.fingerprints[fingerprint],
          message: text?.message,
          line: text?.line,
        };
        test.lastFailureAttempt = attempt;
      }
      const cell = test.cell;
      if (cell.run !== index) {
        cell.run = index;
        cell.lastAttempt = attempt;
        cell.lastCode = code;
        cell.anyFailed = failed;
        touched.push(test);
      } else {
        if (failed) cell.anyFailed = true;
        if (attempt >= cell.lastAttempt) {
          cell.lastAttempt = attempt;
          cell.lastCode = code;
        }
      }
    }
    suiteTimeMs += testTimeMs;

    const counts = { passed: 0, failed: 0, skipped: 0, flaky: 0 };
    const slot = index % width;
    for (const test of touched) {
      const outcome = outcomeOf(test.cell);
      test.runs++;
      test.lastStatus = LAST_STATUS[outcome];
      if (outcome === 'f') {
        test.failedRuns++;
        counts.failed++;
      } else if (outcome === 's') counts.skipped++;
      else {
        counts.passed++;
        if (outcome === 'k') {
          test.flakyRuns++;
          counts.flaky++;
        }
      }
      test.ringRun[slot] = index;
      test.ringOutcome[slot] = OUTCOME_CODES[outcome];
    }

    const decided = counts.passed + counts.failed;
    const wall = run.finishedAt === undefined ? NaN : Date.parse(run.finishedAt) - Date.parse(run.startedAt);
    runIds.push(run.runId);
    runs.push({
      runId: run.runId,
      startedAt: run.startedAt,
      commit: run.commit,
      shard: run.shard,
      ciJob: run.ciJob,
      ...counts,
      retries,
      passRate: decided === 0 ? 1 : counts.passed / decided,
      durationMs: Number.isFinite(wall) && wall >= 0 ? wall : testTimeMs,
      testTimeMs,
      suiteErrors: run.suiteErrors ?? 0,
      lineCoverage: run.coverage?.lines,
    });
  }

  return {
    addRun(run, attempts) {
      encoder ??= new ColumnEncoder();
      addColumns(run, encoder.encode(attempts));
    },
    addColumns,

    finish() {
      const summaries: TestSummary[] = [...tests.values()].map((test) => ({
        testId: test.testId,
        file: test.file,
        fullName: test.fullName,
        runs: test.runs,
        failedRuns: test.failedRuns,
        flakyRuns: test.flakyRuns,
        medianMs: median(test.recent, Math.min(test.recentCount, RECENT_DURATIONS)),
        shareOfSuiteTime: suiteTimeMs > 0 ? test.totalMs / suiteTimeMs : 0,
        lastStatus: test.lastStatus,
        ...(test.lastFailure === undefined ? {} : { lastFailure: test.lastFailure }),
        class: 'new',
        score: 0,
      }));
      summaries.sort((a, b) => b.medianMs - a.medianMs || a.fullName.localeCompare(b.fullName));
      return {
        runs,
        tests: summaries,
        heatmap: heatmapOf([...tests.values()], runIds, width, maxRows),
        attempts: attemptCount,
        firstRunAt: runs[0]?.startedAt,
        lastRunAt: runs[runs.length - 1]?.startedAt,
      };
    },
  };
}

/** The tests with the most failed (2 points) and retried (1 point) runs in the window, then the costliest, as rows of cells. */
function heatmapOf(tests: readonly TestAccumulator[], runIds: readonly string[], width: number, maxRows: number): Heatmap {
  const from = Math.max(0, runIds.length - width);
  const columns = runIds.length - from;
  const rowCells = (test: TestAccumulator): string => {
    let cells = '';
    for (let run = from; run < runIds.length; run++) {
      const slot = run % width;
      cells += test.ringRun[slot] === run ? CODE_CELLS[test.ringOutcome[slot]!]! : '.';
    }
    return cells;
  };
  const ranked = tests.map((test) => {
    let trouble = 0;
    for (let slot = 0; slot < width; slot++) {
      if (test.ringRun[slot]! < from) continue;
      const code = test.ringOutcome[slot];
      if (code === OUTCOME_CODES.f) trouble += 2;
      else if (code === OUTCOME_CODES.k) trouble += 1;
    }
    return { test, trouble };
  });
  ranked.sort((a, b) => b.trouble - a.trouble || b.test.totalMs - a.test.totalMs || a.test.order - b.test.order);
  return {
    runIds: runIds.slice(from),
    rows:
      columns === 0
        ? []
        : ranked.slice(0, maxRows).map(({ test }) => ({ testId: test.testId, fullName: test.fullName, cells: rowCells(test) })),
    omittedTests: Math.max(0, tests.length - maxRows),
    omittedRuns: from,
  };
}

/**
 * {@link createHistoryDigest} over a whole history at once (its attempts in any order).
 *
 * @example
 * digestHistory(await store.history({ lastRuns: 100 })).runs.at(-1)?.passRate
 */
export function digestHistory(history: History, limits: HeatmapLimits = {}): HistoryDigest {
  const byRun = new Map<string, AttemptRecord[]>(history.runs.map((run) => [run.runId, []]));
  for (const attempt of history.attempts) byRun.get(attempt.runId)?.push(attempt);
  const builder = createHistoryDigest(limits);
  for (const run of history.runs) builder.addRun(run, byRun.get(run.runId)!);
  return builder.finish();
}
