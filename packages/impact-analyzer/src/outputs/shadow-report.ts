import { ImpactError } from '../errors.js';
import type { ShadowEntry } from '../shadow/shadow-log.js';

/** One run of the shadow log, as `readShadowLog` returns it. */
export type ShadowRun = ShadowEntry;

/** One day of shadow runs. */
export interface ShadowDay {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  runs: number;
  /** Mean share of the tests the selection would have run (run-all runs count as 1). */
  selectionRatio: number;
  /** Share of the day's runs that ran everything. */
  runAllShare: number;
  /** Runs of the day with at least one missed failure. */
  misses: number;
}

/** One shadow run whose selection would have missed a failing test. */
export interface ShadowMiss {
  at: string;
  commit?: string | undefined;
  base: string;
  head: string;
  missed: readonly string[];
}

/** What a shadow log says about the analyzer: how much it saves and whether it is safe. */
export interface ShadowSummary {
  runs: number;
  /** Time of the first and last run. */
  from: string;
  to: string;
  /** Mean share of the tests the selection would have run, run-all runs counting as 1. */
  selectionRatio: number;
  /** Mean share over the runs that did not run everything. */
  narrowedSelectionRatio: number | undefined;
  runAllRuns: number;
  runAllShare: number;
  /** Runs that did not run everything and had a failing test. */
  runsWithFailures: number;
  /** Runs with at least one missed failure. */
  missedRuns: number;
  /** Missed runs over the runs that did not run everything (a run that runs everything cannot miss). */
  missRate: number;
  /** Missed failing tests over the failing tests of the runs that did not run everything. */
  missedFailureShare: number;
  /** Each test that was missed, with how often, most often first. */
  missedTests: readonly { path: string; times: number }[];
  misses: readonly ShadowMiss[];
  /** The selection ratio day by day, oldest first. */
  days: readonly ShadowDay[];
}

/** The formats of {@link formatShadowReport}. */
export type ShadowReportFormat = 'text' | 'json' | 'markdown';

const ratioOf = (run: ShadowRun): number => (run.runAll || run.total <= 0 ? 1 : Math.min(1, run.selected / run.total));
const mean = (values: readonly number[]): number =>
  values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;

/**
 * Sums up a shadow log (full runs that also recorded what the selection would have run): the
 * selection ratio over time, how often everything ran, and every failure the selection would have
 * missed, with a miss rate. Throws `IMPACT_REPORT_NO_DATA` for an empty log.
 *
 * @example
 * summarizeShadowLog(readShadowLog('.impact-analyzer/shadow.jsonl')).missRate // 0
 */
export function summarizeShadowLog(entries: readonly ShadowRun[]): ShadowSummary {
  if (entries.length === 0) {
    throw new ImpactError('IMPACT_REPORT_NO_DATA', {
      action: 'report on the shadow log',
      reason: 'the log has no run',
      fix: 'Run the full suite with the reporter in shadow mode (and a selection file) first.',
    });
  }
  const runs = [...entries].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const narrowed = runs.filter((run) => !run.runAll);
  const missedRuns = narrowed.filter((run) => run.missed.length > 0);
  const failures = narrowed.reduce((sum, run) => sum + run.failed.length, 0);
  const missedFailures = narrowed.reduce((sum, run) => sum + run.missed.length, 0);
  const times = new Map<string, number>();
  for (const run of missedRuns) for (const path of new Set(run.missed)) times.set(path, (times.get(path) ?? 0) + 1);
  const byDay = new Map<string, ShadowRun[]>();
  for (const run of runs) {
    const day = run.at.slice(0, 10);
    byDay.set(day, [...(byDay.get(day) ?? []), run]);
  }
  return {
    runs: runs.length,
    from: runs[0]!.at,
    to: runs.at(-1)!.at,
    selectionRatio: mean(runs.map(ratioOf)),
    narrowedSelectionRatio: narrowed.length === 0 ? undefined : mean(narrowed.map(ratioOf)),
    runAllRuns: runs.length - narrowed.length,
    runAllShare: (runs.length - narrowed.length) / runs.length,
    runsWithFailures: narrowed.filter((run) => run.failed.length > 0).length,
    missedRuns: missedRuns.length,
    missRate: narrowed.length === 0 ? 0 : missedRuns.length / narrowed.length,
    missedFailureShare: failures === 0 ? 0 : missedFailures / failures,
    missedTests: [...times]
      .map(([path, count]) => ({ path, times: count }))
      .sort((a, b) => b.times - a.times || (a.path < b.path ? -1 : 1)),
    misses: missedRuns.map((run) => ({ at: run.at, commit: run.commit, base: run.base, head: run.head, missed: [...run.missed] })),
    days: [...byDay].map(([day, list]) => ({
      day,
      runs: list.length,
      selectionRatio: mean(list.map(ratioOf)),
      runAllShare: list.filter((run) => run.runAll).length / list.length,
      misses: list.filter((run) => !run.runAll && run.missed.length > 0).length,
    })),
  };
}

const pct = (ratio: number): string => `${Math.round(ratio * 1000) / 10}%`;
const short = (revision: string): string => (/^[0-9a-f]{40,64}$/.test(revision) ? revision.slice(0, 12) : revision);

function text(summary: ShadowSummary): string {
  const lines = [
    `impact-analyzer shadow report: ${summary.runs} run${summary.runs === 1 ? '' : 's'} from ${summary.from} to ${summary.to}`,
    `Selection ratio: ${pct(summary.selectionRatio)} of the tests on average${summary.narrowedSelectionRatio === undefined ? '' : ` (${pct(summary.narrowedSelectionRatio)} when not running everything)`}`,
    `Ran everything: ${summary.runAllRuns} of ${summary.runs} runs (${pct(summary.runAllShare)})`,
    `Misses: ${summary.missedRuns} run${summary.missedRuns === 1 ? '' : 's'} would have skipped a failing test (miss rate ${pct(summary.missRate)}; ${pct(summary.missedFailureShare)} of the failures)`,
  ];
  if (summary.misses.length > 0) {
    lines.push('', 'Missed failures:');
    for (const miss of summary.misses) {
      lines.push(
        `  ${miss.at} ${short(miss.base)}..${short(miss.head)}${miss.commit === undefined ? '' : ` (${short(miss.commit)})`}: ${miss.missed.join(', ')}`,
      );
    }
  }
  lines.push('', 'By day:', '  day         runs  selected  ran all  misses');
  for (const day of summary.days) {
    lines.push(
      `  ${day.day}  ${String(day.runs).padStart(4)}  ${pct(day.selectionRatio).padStart(8)}  ${pct(day.runAllShare).padStart(7)}  ${String(day.misses).padStart(6)}`,
    );
  }
  return lines.join('\n');
}

function markdown(summary: ShadowSummary): string {
  const lines = [
    '### Test impact: shadow report',
    '',
    `| Runs | Selection ratio | Ran everything | Miss rate | Missed failures |`,
    `| ---: | ---: | ---: | ---: | ---: |`,
    `| ${summary.runs} | ${pct(summary.selectionRatio)} | ${pct(summary.runAllShare)} | ${pct(summary.missRate)} | ${pct(summary.missedFailureShare)} |`,
  ];
  if (summary.misses.length > 0) {
    lines.push('', '**Missed failures**', '', '| When | Change | Missed tests |', '| --- | --- | --- |');
    for (const miss of summary.misses) {
      lines.push(
        `| ${miss.at} | \`${short(miss.base)}..${short(miss.head)}\` | ${miss.missed.map((path) => `\`${path.replace(/\|/g, '\\|')}\``).join(', ')} |`,
      );
    }
  }
  lines.push('', '| Day | Runs | Selected | Ran everything | Misses |', '| --- | ---: | ---: | ---: | ---: |');
  for (const day of summary.days)
    lines.push(`| ${day.day} | ${day.runs} | ${pct(day.selectionRatio)} | ${pct(day.runAllShare)} | ${day.misses} |`);
  return lines.join('\n');
}

/**
 * A shadow summary as text for a terminal, JSON, or Markdown for a job summary.
 *
 * @example
 * console.log(formatShadowReport(summarizeShadowLog(entries), 'text'))
 */
export function formatShadowReport(summary: ShadowSummary, format: ShadowReportFormat): string {
  if (format === 'json') return JSON.stringify(summary, null, 2);
  if (format === 'markdown') return markdown(summary);
  return text(summary);
}
