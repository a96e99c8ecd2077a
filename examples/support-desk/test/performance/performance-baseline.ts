import {
  BASELINES_VERSION,
  medianAndMad,
  parseBaselinesFile,
  slowLimit,
  testIdOf,
  type BaselinesFile,
} from '@proving-ground/flaky-detector';
import { readFileSync, writeFileSync } from 'node:fs';
import type { LoadSample } from './load-run.ts';

/** The scenario every other one is compared with, measured in the same round: machine speed cancels out. */
export const REFERENCE_SCENARIO = 'GET /health';

/** The `file` of every baseline entry: the journey that measures them. */
export const BASELINE_SOURCE = 'test/performance/load.journey.test.ts';

/**
 * How much slower than the baseline a measure may get, with flaky-detector's rule for a slow run
 * (`slowLimit()`): above median × 1.2, above median + `floorMs`, and above median + 3 MAD. The
 * measures are ratios to the reference request, so `floorMs` is a ratio too: generous, because a
 * shared 2-core machine moves even ratios (the database and the load generator share its cores).
 */
export const GATE_RULE = { threshold: 0.2, floorMs: 1.5, madFactor: 3 } as const;

/**
 * Below this share of a core (CPU time over wall time, the median of each round's lowest), the
 * machine was busy with other work during the run: wall-clock measures (latency, throughput) are
 * reported but not gated, since contention stretches a request with seven database round trips far
 * more than one with a single round trip. CPU-time measures are gated always.
 */
export const QUIET_CPU_SHARE = 0.5;

/** The measures of a run: per measure name, one ratio per round. */
export type Measures = Map<string, number[]>;

/** How a measure is taken: wall-clock time (latency, throughput) or the process's CPU time. */
export type MeasureClock = 'wall' | 'cpu';

/**
 * Whether `measure` (a name from {@link ratioMeasures}) is measured in CPU time or wall-clock time.
 *
 * @example
 * clockOf('pglite: POST /orders CPU time per request × GET /health') // 'cpu'
 */
export function clockOf(measure: string): MeasureClock {
  return measure.includes(' CPU time ') ? 'cpu' : 'wall';
}

/**
 * Ratios of each scenario to the reference scenario of the same round, named after the database
 * backend (`pglite`, `postgres`: what a request costs depends on where the database runs): p50 and
 * p90 latency, wall time per request (the inverse of throughput) and CPU time per request. Higher
 * is slower for all four.
 *
 * @example
 * ratioMeasures([[health, order]], 'pglite').get('pglite: GET /orders/:id p50 latency × GET /health') // [2.4]
 */
export function ratioMeasures(rounds: readonly (readonly LoadSample[])[], backend: string): Measures {
  const measures: Measures = new Map();
  const add = (name: string, value: number) =>
    measures.set(`${backend}: ${name} × ${REFERENCE_SCENARIO}`, [
      ...(measures.get(`${backend}: ${name} × ${REFERENCE_SCENARIO}`) ?? []),
      value,
    ]);
  for (const round of rounds) {
    const reference = round.find((sample) => sample.scenario === REFERENCE_SCENARIO);
    if (reference === undefined) throw new Error(`Failed to compute the load measures: a round has no ${REFERENCE_SCENARIO} sample.`);
    for (const sample of round) {
      if (sample === reference) continue;
      add(`${sample.scenario} p50 latency`, sample.p50Ms / reference.p50Ms);
      add(`${sample.scenario} p90 latency`, sample.p90Ms / reference.p90Ms);
      add(`${sample.scenario} time per request`, sample.msPerRequest / reference.msPerRequest);
      add(`${sample.scenario} CPU time per request`, sample.cpuMsPerRequest / reference.cpuMsPerRequest);
    }
  }
  return measures;
}

/**
 * The share of a core the process had during the run: the median over rounds of each round's
 * lowest share (see {@link QUIET_CPU_SHARE}).
 *
 * @example
 * cpuShareOf(rounds) >= QUIET_CPU_SHARE // wall-clock measures are gated
 */
export function cpuShareOf(rounds: readonly (readonly LoadSample[])[]): number {
  return medianAndMad(rounds.map((round) => Math.min(...round.map((sample) => sample.cpuShare)))).median;
}

/**
 * The measures as a flaky-detector baselines file (the JSON `flaky-detector baselines export`
 * writes): one entry per measure, its median and MAD over the rounds. `medianMs` and `madMs` hold
 * ratios here: the milliseconds a request takes when the reference request takes one.
 *
 * @example
 * writeFileSync('baseline.json', JSON.stringify(baselineFileOf(measures), null, 2))
 */
export function baselineFileOf(measures: Measures, exportedAt = new Date(), keep: BaselinesFile['baselines'] = []): BaselinesFile {
  const samples = Math.min(...[...measures.values()].map((values) => values.length));
  const replaced = new Set([...measures.keys()].map((name) => testIdOf(BASELINE_SOURCE, name)));
  return {
    version: BASELINES_VERSION,
    exportedAt: exportedAt.toISOString(),
    window: samples,
    minSamples: samples,
    baselines: [
      // Entries of other backends stay: each backend's baseline is refreshed where it runs.
      ...keep.filter((entry) => !replaced.has(entry.testId) && !measures.has(entry.fullName)),
      ...[...measures].map(([name, values]) => {
        const { median, mad } = medianAndMad(values);
        return {
          testId: testIdOf(BASELINE_SOURCE, name),
          file: BASELINE_SOURCE,
          fullName: name,
          medianMs: Number(median.toFixed(4)),
          madMs: Number(mad.toFixed(4)),
          samples: values.length,
        };
      }),
    ],
  };
}

/**
 * Read and check a committed baseline with flaky-detector's parser (every wrong field named).
 *
 * @example
 * const baseline = readBaseline('test/performance/baseline.json')
 */
export function readBaseline(path: string): BaselinesFile {
  return parseBaselinesFile(readFileSync(path, 'utf8'), path);
}

/**
 * Write `file` to `path`, after checking that flaky-detector reads it back.
 *
 * @example
 * writeBaseline('test/performance/baseline.json', baselineFileOf(measures))
 */
export function writeBaseline(path: string, file: BaselinesFile): void {
  const text = `${JSON.stringify(file, null, 2)}\n`;
  parseBaselinesFile(text, path);
  writeFileSync(path, text);
}

/** One measure against its baseline. */
export interface GateCheck {
  measure: string;
  /** The median over this run's rounds. */
  current: number;
  baselineMedian: number | undefined;
  /** Above this, the measure is a regression (flaky-detector's `slowLimit()` under {@link GATE_RULE}). */
  limit: number | undefined;
  /** `not-gated`: a wall-clock measure of a run on a busy machine (see {@link QUIET_CPU_SHARE}). */
  verdict: 'ok' | 'regression' | 'no-baseline' | 'not-gated';
}

/**
 * Compare each measure's median with its baseline entry under {@link GATE_RULE}; wall-clock
 * measures only when `gateWallClock` (the machine was quiet).
 *
 * @example
 * const failed = compareToBaseline(measures, readBaseline(path), true).filter((check) => check.verdict === 'regression')
 */
export function compareToBaseline(measures: Measures, baseline: BaselinesFile, gateWallClock: boolean): GateCheck[] {
  const entries = new Map(baseline.baselines.map((entry) => [entry.testId, entry]));
  return [...measures].map(([measure, values]) => {
    const current = medianAndMad(values).median;
    const entry = entries.get(testIdOf(BASELINE_SOURCE, measure));
    if (entry === undefined) return { measure, current, baselineMedian: undefined, limit: undefined, verdict: 'no-baseline' };
    const limit = slowLimit(entry, { ...GATE_RULE, window: baseline.window, minSamples: baseline.minSamples });
    const verdict = clockOf(measure) === 'wall' && !gateWallClock ? 'not-gated' : current > limit ? 'regression' : 'ok';
    return { measure, current, baselineMedian: entry.medianMs, limit, verdict };
  });
}

/**
 * The checks as a table for a failure message or the log.
 *
 * @example
 * console.log(formatGate(compareToBaseline(measures, baseline)))
 */
export function formatGate(checks: readonly GateCheck[]): string {
  const rows = checks.map(
    (check) =>
      `${check.verdict.padEnd(11)} ${check.measure.padEnd(62)} now ${check.current.toFixed(2).padStart(6)}` +
      (check.baselineMedian === undefined ? '' : `  baseline ${check.baselineMedian.toFixed(2)}  limit ${check.limit!.toFixed(2)}`),
  );
  return rows.join('\n');
}
