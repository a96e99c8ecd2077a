import { describe, expect, it } from '@jest/globals';
import { METRICS, prometheusSeriesNames } from './metric-catalog.js';

/**
 * The Prometheus name OpenTelemetry's Prometheus translation gives a metric: dots to underscores,
 * the unit as a suffix (`s` as `_seconds`, `1` on a gauge as `_ratio`, `{annotations}` dropped).
 */
function translated(name: string, unit: string, kind: string): string {
  const base = name.replaceAll('.', '_');
  if (unit === 's') return `${base}_seconds`;
  if (unit === '1' && kind === 'gauge') return `${base}_ratio`;
  return base;
}

describe('the metric catalog', () => {
  it("should give each metric OpenTelemetry's dotted name that translates back to its Prometheus name", () => {
    const withOtel = METRICS.filter((metric) => metric.otel !== undefined);

    expect(withOtel.map((metric) => translated(metric.otel!, metric.unit, metric.kind))).toEqual(
      withOtel.map((metric) => metric.prometheus),
    );
  });

  it('should follow the Prometheus conventions: snake_case, a base-unit suffix, _ratio for 0 to 1, no _total on gauges', () => {
    const names = METRICS.map((metric) => metric.prometheus);

    expect(names.filter((name) => !/^flaky_detector_[a-z_]+$/.test(name) || name.endsWith('_total'))).toEqual([]);
    expect(METRICS.filter((metric) => metric.unit === 's' && !metric.prometheus.endsWith('_seconds'))).toEqual([]);
    expect(METRICS.filter((metric) => metric.prometheus.endsWith('_ratio') && metric.unit !== '1')).toEqual([]);
    expect(new Set(prometheusSeriesNames()).size).toBe(prometheusSeriesNames().length);
  });
});
