import type { DurationBaseline, DurationOptions, DurationRegression } from '../scoring/analysis-types.js';

/** Put the `k`-th smallest of `values` at index `k`, smaller ones before it and larger after (Hoare's selection). */
function selectInPlace(values: number[] | Float64Array, k: number): void {
  let low = 0;
  let high = values.length - 1;
  while (high > low) {
    const pivot = values[(low + high) >> 1]!;
    let i = low;
    let j = high;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const swap = values[i]!;
        values[i++] = values[j]!;
        values[j--] = swap;
      }
    }
    if (k <= j) high = j;
    else if (k >= i) low = i;
    else return;
  }
}

/**
 * The median of `values` (reordered in place: a selection, not a sort, so a thousand durations
 * of each of ten thousand tests cost milliseconds).
 *
 * @example
 * median([3, 1, 2]) // 2
 */
export function median(values: number[] | Float64Array): number {
  if (values.length === 0) return Number.NaN;
  const middle = values.length >> 1;
  selectInPlace(values, middle);
  const upper = values[middle]!;
  if (values.length % 2 === 1) return upper;
  // After the selection every value before `middle` is at most `upper`: the lower middle is their largest.
  let lower = values[0]!;
  for (let i = 1; i < middle; i++) if (values[i]! > lower) lower = values[i]!;
  return (lower + upper) / 2;
}

/**
 * The median and the median absolute deviation of `values` (unscaled: multiply by 1.4826 for a
 * normal distribution's standard deviation).
 *
 * @example
 * medianAndMad([10, 11, 12, 13, 100]) // { median: 12, mad: 1 }
 */
export function medianAndMad(values: readonly number[]): { median: number; mad: number } {
  const middle = median([...values]);
  return { median: middle, mad: median(values.map((value) => Math.abs(value - middle))) };
}

/** A test's passing durations, oldest first, with the run of each. */
export interface DurationSeries {
  testId: string;
  file: string;
  fullName: string;
  durationsMs: ArrayLike<number>;
  /** The run of the duration at `index`. */
  runIdAt(index: number): string;
}

/**
 * The baseline of a series: median and MAD of its last `window` durations, or undefined with fewer
 * than `minSamples`.
 *
 * @example
 * durationBaseline(series, { window: 30, minSamples: 10, threshold: 0.2, floorMs: 5, madFactor: 3 })?.medianMs
 */
export function durationBaseline(
  series: DurationSeries,
  options: DurationOptions,
  end = series.durationsMs.length,
): DurationBaseline | undefined {
  const start = Math.max(0, end - options.window);
  if (end - start < options.minSamples) return undefined;
  const { median: medianMs, mad: madMs } = medianAndMad(Array.from({ length: end - start }, (_, i) => series.durationsMs[start + i]!));
  return { testId: series.testId, file: series.file, fullName: series.fullName, medianMs, madMs, samples: end - start };
}

/**
 * The duration a run must exceed to count as slow against `baseline`: above median x (1 + threshold),
 * and above the median by at least `floorMs` and `madFactor` MADs (Jest durations are whole ms, so
 * 20 % of a 3 ms test is below what Jest can measure).
 *
 * @example
 * slowLimit({ medianMs: 100, madMs: 2 } as DurationBaseline, options) // 120
 */
export function slowLimit(baseline: Pick<DurationBaseline, 'medianMs' | 'madMs'>, options: DurationOptions): number {
  return Math.max(
    baseline.medianMs * (1 + options.threshold),
    baseline.medianMs + Math.max(options.floorMs, options.madFactor * baseline.madMs),
  );
}

/**
 * A duration regression of a series, if its last two durations (the second confirming the first)
 * are both over the limit of the baseline before them (or of `imported`, when given).
 *
 * @example
 * durationRegression(series, options)?.ratio // 1.5
 */
export function durationRegression(
  series: DurationSeries,
  options: DurationOptions,
  imported?: DurationBaseline,
): DurationRegression | undefined {
  const count = series.durationsMs.length;
  if (count < 2) return undefined;
  const baseline = imported ?? durationBaseline(series, options, count - 2);
  if (baseline === undefined) return undefined;
  const limitMs = slowLimit(baseline, options);
  const first = series.durationsMs[count - 2]!;
  const second = series.durationsMs[count - 1]!;
  if (first <= limitMs || second <= limitMs) return undefined;
  return {
    testId: series.testId,
    file: series.file,
    fullName: series.fullName,
    baseline,
    baselineSource: imported === undefined ? 'history' : 'imported',
    runIds: [series.runIdAt(count - 2), series.runIdAt(count - 1)],
    durationsMs: [first, second],
    ratio: Math.min(first, second) / baseline.medianMs,
    limitMs,
  };
}
