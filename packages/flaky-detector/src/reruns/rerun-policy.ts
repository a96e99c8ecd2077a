import type { EarlyDetectionConfig, RerunConfig } from '../reporter/run-folder.js';

/** Default runs of a new or changed test by its first run's duration (Datadog's early flake detection uses the same buckets). */
export const DEFAULT_EARLY_RUNS: ReadonlyArray<{ underMs: number; runs: number }> = [
  { underMs: 5_000, runs: 10 },
  { underMs: 10_000, runs: 5 },
  { underMs: 30_000, runs: 3 },
  { underMs: 300_000, runs: 2 },
];

/**
 * How many runs in all a new or changed test gets, by the duration of its first run: the runs of the
 * first row whose `underMs` is above it, else 1 (too slow to repeat).
 *
 * @example
 * earlyDetectionRuns(DEFAULT_EARLY_RUNS, 120) // 10
 */
export function earlyDetectionRuns(table: EarlyDetectionConfig['runs'], firstRunMs: number): number {
  return table.find((row) => firstRunMs < row.underMs)?.runs ?? 1;
}

/**
 * Whether a failed test may be retried: it is known to be flaky (by the history or by the options),
 * or its failure matches the error pattern.
 *
 * @example
 * mayRetry(config.reruns, new Set(config.reruns.knownFlaky), testId, 'Error: socket hang up')
 */
export function mayRetry(config: RerunConfig, knownFlaky: ReadonlySet<string>, testId: string, error: string): boolean {
  if (config.maxRetries <= 0 || config.budget <= 0) return false;
  if (knownFlaky.has(testId)) return true;
  return config.errorPattern !== undefined && new RegExp(config.errorPattern.source, config.errorPattern.flags).test(error);
}
