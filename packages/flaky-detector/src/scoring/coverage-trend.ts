import type { RunRecord } from '../model.js';
import type { CoverageDrop, CoverageOptions, CoveragePoint, CoverageTrend } from './analysis-types.js';

const METRICS = ['lines', 'statements', 'functions', 'branches'] as const;

/**
 * Coverage over the runs that recorded it (oldest first), and every drop of more than
 * `dropThreshold` percentage points from one such run to the next; `latestDrops` are those of the
 * latest run, what a report flags.
 *
 * @example
 * coverageTrend(history.runs, { dropThreshold: 1 }).latestDrops // [{ metric: 'lines', from: 91.2, to: 88.4, drop: 2.8, ... }]
 */
export function coverageTrend(runs: readonly RunRecord[], options: CoverageOptions): CoverageTrend {
  const points: CoveragePoint[] = [];
  for (const run of runs) {
    if (run.coverage === undefined) continue;
    points.push({ runId: run.runId, startedAt: run.startedAt, commit: run.commit, ...run.coverage });
  }
  const drops: CoverageDrop[] = [];
  let latestDrops: CoverageDrop[] = [];
  for (let i = 1; i < points.length; i++) {
    const before = points[i - 1]!;
    const after = points[i]!;
    const here: CoverageDrop[] = [];
    for (const metric of METRICS) {
      const drop = before[metric] - after[metric];
      if (drop > options.dropThreshold) {
        here.push({
          metric,
          fromRunId: before.runId,
          toRunId: after.runId,
          from: before[metric],
          to: after[metric],
          drop: Math.round(drop * 1e6) / 1e6,
        });
      }
    }
    drops.push(...here);
    if (i === points.length - 1) latestDrops = here;
  }
  return { points, drops, latestDrops };
}
