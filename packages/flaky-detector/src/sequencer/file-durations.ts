import { median } from '../baselines/duration-baselines.js';
import type { History } from '../model.js';
import type { BaselinesFile } from '../scoring/analysis-types.js';

/**
 * Each test file's duration from a history: per run, the sum of its attempts' durations; then the
 * median over the runs the file was in (shards each hold some files).
 *
 * @example
 * fileDurationsOfHistory(await store.history({ lastRuns: 30 })).get('src/orders.test.ts') // 1840
 */
export function fileDurationsOfHistory(history: History): Map<string, number> {
  const perRun = new Map<string, Map<string, number>>();
  for (const attempt of history.attempts) {
    let files = perRun.get(attempt.runId);
    if (files === undefined) perRun.set(attempt.runId, (files = new Map<string, number>()));
    files.set(attempt.file, (files.get(attempt.file) ?? 0) + attempt.durationMs);
  }
  const samples = new Map<string, number[]>();
  for (const files of perRun.values()) {
    for (const [file, ms] of files) {
      let list = samples.get(file);
      if (list === undefined) samples.set(file, (list = []));
      list.push(ms);
    }
  }
  return new Map([...samples].map(([file, list]) => [file, median(list)]));
}

/**
 * Each test file's duration from exported baselines: the sum of its tests' medians.
 *
 * @example
 * fileDurationsOfBaselines(parseBaselinesFile(text, 'durations.json')).get('src/orders.test.ts')
 */
export function fileDurationsOfBaselines(file: BaselinesFile): Map<string, number> {
  const durations = new Map<string, number>();
  for (const baseline of file.baselines) durations.set(baseline.file, (durations.get(baseline.file) ?? 0) + baseline.medianMs);
  return durations;
}
