import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { METRICS, type MetricDefinition } from '../src/metrics/metric-catalog.js';

const guide = readFileSync(join(import.meta.dirname, '..', '..', '..', 'docs', 'flaky-detector.md'), 'utf8');

/** The guide's table row of a metric: names, type, unit, labels and help as the package exports them. */
function metricRow(metric: MetricDefinition): string {
  const labels = [...(metric.perGroup ? ['file'] : []), ...metric.labels].map((label) => `\`${label}\``).join(', ');
  const otel = metric.otel === undefined ? `(${metric.otelInstead ?? ''})` : `\`${metric.otel}\``;
  return `| \`${metric.prometheus}\` | ${metric.kind} | ${otel} | \`${metric.unit}\` | ${labels === '' ? '—' : labels} | ${metric.help.replaceAll('|', '\\|')} |`;
}

/** A table row with its cells trimmed (Prettier pads them to align the columns). */
function normalise(row: string): string {
  return row
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim())
    .join(' | ')
    .trim();
}

describe('the metrics table in docs/flaky-detector.md', () => {
  it('should have one row per exported metric, as the package defines it', () => {
    const rows = guide
      .split('\n')
      .filter((line) => line.startsWith('| `flaky_detector_'))
      .map(normalise);

    expect(rows).toEqual(METRICS.map((metric) => normalise(metricRow(metric))));
  });
});
