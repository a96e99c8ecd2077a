import { GROUP_METRICS, RUN_METRICS, TEST_DURATION_BUCKETS, type MetricDefinition } from './metric-catalog.js';
import type { GroupLabels, RunMetrics } from './run-metrics.js';

type Labels = Readonly<Record<string, string>>;

/**
 * A label value as the text format writes it between double quotes: backslash, double quote and
 * line feed escaped (`\\`, `\"`, `\n`); everything else, any Unicode included, as it is.
 *
 * @example
 * escapeLabelValue('say "hi"\\n') // 'say \\"hi\\"\\\\n'
 */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (character) => (character === '\n' ? '\\n' : `\\${character}`));
}

/** HELP text: backslash and line feed escaped (double quotes stay). */
function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (character) => (character === '\n' ? '\\n' : '\\\\'));
}

/** A sample value as Go's ParseFloat reads it. */
function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;
}

/** Writes metric families: one HELP and TYPE header per family, then its samples. */
class ExpositionWriter {
  private readonly lines: string[] = [];

  family(definition: MetricDefinition, samples: readonly (readonly [Labels, number])[]): void {
    if (samples.length === 0) return;
    this.header(definition);
    for (const [labels, value] of samples) this.lines.push(`${definition.prometheus}${formatLabels(labels)} ${formatValue(value)}`);
  }

  histogram(definition: MetricDefinition, labels: Labels, values: readonly number[]): void {
    this.header(definition);
    const name = definition.prometheus;
    for (const bound of [...TEST_DURATION_BUCKETS, Infinity]) {
      const count = values.filter((value) => value <= bound).length;
      this.lines.push(`${name}_bucket${formatLabels({ ...labels, le: formatValue(bound) })} ${count}`);
    }
    this.lines.push(`${name}_sum${formatLabels(labels)} ${formatValue(values.reduce((sum, value) => sum + value, 0))}`);
    this.lines.push(`${name}_count${formatLabels(labels)} ${values.length}`);
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }

  private header(definition: MetricDefinition): void {
    this.lines.push(`# HELP ${definition.prometheus} ${escapeHelp(definition.help)}`);
    this.lines.push(`# TYPE ${definition.prometheus} ${definition.kind}`);
  }
}

function groupLabels(labels: GroupLabels): Record<string, string> {
  const result: Record<string, string> = { file: labels.file };
  if (labels.test_id !== undefined) result['test_id'] = labels.test_id;
  if (labels.test !== undefined) result['test'] = labels.test;
  return result;
}

/** Samples of a per-status (or per-class) record, zeros left out. */
function nonZero(base: Labels, label: string, counts: Readonly<Record<string, number>>): [Labels, number][] {
  return Object.entries(counts)
    .filter(([, count]) => count > 0)
    .map(([key, count]) => [{ ...base, [label]: key }, count]);
}

/**
 * One run's metrics in the Prometheus text exposition format (0.0.4), as the Pushgateway takes them:
 * no timestamps, and no `job` or grouping labels (the push URL carries those). Run metrics always
 * have every status; per-group series with a count of 0 are left out.
 *
 * @example
 * const body = prometheusText(runMetrics(run, attempts));
 * // # HELP flaky_detector_run_duration_seconds Wall-clock time of the run, from its start to its end.
 * // # TYPE flaky_detector_run_duration_seconds gauge
 * // flaky_detector_run_duration_seconds 42.5
 */
export function prometheusText(metrics: RunMetrics): string {
  const out = new ExpositionWriter();
  const { run } = metrics;
  out.family(RUN_METRICS.info, [[{ run_id: run.runId, commit: run.commit ?? '', node_version: run.nodeVersion, os: run.os }, 1]]);
  out.family(RUN_METRICS.startTime, [[{}, metrics.startSeconds]]);
  if (metrics.durationSeconds !== undefined) out.family(RUN_METRICS.duration, [[{}, metrics.durationSeconds]]);
  if (metrics.status !== 'in_progress') out.family(RUN_METRICS.success, [[{}, metrics.status === 'success' ? 1 : 0]]);
  out.family(
    RUN_METRICS.tests,
    Object.entries(metrics.tests).map(([status, count]) => [{ status }, count]),
  );
  out.family(RUN_METRICS.suiteErrors, [[{}, metrics.suiteErrors]]);
  out.family(
    RUN_METRICS.attempts,
    Object.entries(metrics.attempts).map(([status, count]) => [{ status }, count]),
  );
  out.family(RUN_METRICS.flakyTests, [[{}, metrics.flakyTests]]);
  if (metrics.coverage !== undefined) {
    out.family(
      RUN_METRICS.coverage,
      Object.entries(metrics.coverage).map(([kind, ratio]) => [{ kind }, ratio]),
    );
  }
  out.histogram(RUN_METRICS.testDuration, {}, metrics.testDurations);

  const groups = metrics.groups.map((group) => ({ group, labels: groupLabels(group.labels) }));
  out.family(
    GROUP_METRICS.tests,
    groups.flatMap(({ group, labels }) => nonZero(labels, 'status', group.tests)),
  );
  out.family(
    GROUP_METRICS.duration,
    groups.map(({ group, labels }) => [labels, group.durationSeconds]),
  );
  out.family(
    GROUP_METRICS.attempts,
    groups.flatMap(({ group, labels }) => nonZero(labels, 'status', group.attempts)),
  );
  if (metrics.scored) {
    out.family(
      GROUP_METRICS.flakiness,
      groups.map(({ group, labels }) => [labels, group.flakiness ?? 0]),
    );
    out.family(
      GROUP_METRICS.classes,
      groups.flatMap(({ group, labels }) => nonZero(labels, 'class', group.classes ?? {})),
    );
  }
  return out.text();
}
