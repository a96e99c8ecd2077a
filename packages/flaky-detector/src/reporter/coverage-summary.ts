import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord } from '../model.js';

type Coverage = NonNullable<RunRecord['coverage']>;

/**
 * The totals of Jest's `json-summary` coverage report (`coverage-summary.json` in
 * `coverageDirectory`), in percent; undefined when there is none, or when it is older than
 * `notBefore` (a previous run's).
 *
 * @example
 * readCoverageSummary(globalConfig.coverageDirectory, runStart) // { lines: 91.2, statements: 90.8, functions: 88, branches: 75.5 }
 */
export function readCoverageSummary(coverageDirectory: string, notBefore: Date): Coverage | undefined {
  const path = join(coverageDirectory, 'coverage-summary.json');
  try {
    if (statSync(path).mtimeMs < notBefore.getTime() - 1000) return undefined;
    const total = (JSON.parse(readFileSync(path, 'utf8')) as { total?: Record<string, { pct?: unknown }> }).total;
    if (total === undefined) return undefined;
    const pct = (name: string): number => {
      const value = total[name]?.pct;
      return typeof value === 'number' ? value : 100; // istanbul writes "Unknown" when nothing of that kind exists
    };
    return { lines: pct('lines'), statements: pct('statements'), functions: pct('functions'), branches: pct('branches') };
  } catch {
    return undefined;
  }
}

/** Whether Jest was asked for the `json-summary` coverage report. */
export function hasJsonSummaryReporter(coverageReporters: readonly unknown[] | undefined): boolean {
  return (coverageReporters ?? []).some((reporter) => (Array.isArray(reporter) ? reporter[0] : reporter) === 'json-summary');
}
