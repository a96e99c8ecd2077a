/** What a metric family measures, as its `# TYPE` line says (`untyped` when there is none). */
export type MetricType = 'counter' | 'gauge' | 'histogram' | 'gaugehistogram' | 'summary' | 'stateset' | 'info' | 'untyped';

/**
 * Every {@link MetricType}, for checking input.
 *
 * @example
 * METRIC_TYPES.includes('histogram') // true
 */
export const METRIC_TYPES: readonly MetricType[] = [
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'stateset',
  'info',
  'untyped',
];

/** An exemplar attached to a sample (OpenMetrics `# {trace_id="..."} 0.5`). */
export interface MetricExemplar {
  labels: Readonly<Record<string, string>>;
  value: number;
  /** Milliseconds since the epoch. */
  timestamp?: number;
}

/** One line of samples: `http_requests_total{route="/orders",status="201"} 3`. */
export interface MetricSample {
  /** The sample's own name (`x_bucket`, `x_sum`, `x_total`), which may differ from its family's. */
  name: string;
  /** Label values, unescaped. */
  labels: Readonly<Record<string, string>>;
  /** The value; `NaN`, `Infinity` and `-Infinity` for `NaN`, `+Inf` and `-Inf`. */
  value: number;
  /** Milliseconds since the epoch, when the line has a timestamp (OpenMetrics seconds are converted). */
  timestamp?: number;
  exemplar?: MetricExemplar;
  /** The line of the text it was read from (1-based). */
  line: number;
}

/** The samples of one metric with its `# HELP`, `# TYPE` and `# UNIT`. */
export interface MetricFamily {
  name: string;
  type: MetricType;
  help?: string;
  unit?: string;
  samples: MetricSample[];
}

/** What {@link parsePrometheusText} returns: every metric family of one scrape, in the order of the text. */
export interface MetricsSnapshot {
  /** Which text format it was read as. */
  format: 'prometheus' | 'openmetrics';
  families: MetricFamily[];
}

/**
 * Whether `value` has the shape of a {@link MetricsSnapshot}.
 *
 * @param value - anything
 * @example
 * isMetricsSnapshot(parsePrometheusText('up 1\n')) // true
 */
export function isMetricsSnapshot(value: unknown): value is MetricsSnapshot {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as Partial<MetricsSnapshot>).families) &&
    typeof (value as Partial<MetricsSnapshot>).format === 'string'
  );
}
