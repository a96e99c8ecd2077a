/**
 * Every metric the package exports, under its Prometheus name (snake_case, base units, `_ratio` for
 * 0 to 1, `_total` only on counters, of which there are none: each push is one run's snapshot) and
 * its OpenTelemetry name (dotted namespaces, UCUM units, no unit in the name). The Prometheus text,
 * the OTLP export, the docs table and the Grafana dashboard test all read this one list.
 */

/** How a metric is exported. */
export type MetricKind = 'gauge' | 'histogram';

/** One metric, in both ecosystems' terms. */
export interface MetricDefinition {
  /** The Prometheus name, e.g. `flaky_detector_run_duration_seconds`. */
  prometheus: string;
  /** The OpenTelemetry name, e.g. `flaky_detector.run.duration`; undefined when OpenTelemetry carries it otherwise. */
  otel: string | undefined;
  /** How OpenTelemetry carries it when `otel` is undefined. */
  otelInstead?: string | undefined;
  kind: MetricKind;
  /** UCUM unit for OpenTelemetry: `s`, `1`, or an annotation such as `{test}`. */
  unit: string;
  /** The HELP text / OpenTelemetry description. */
  help: string;
  /** Prometheus labels beyond the push group's and the granularity's. */
  labels: readonly string[];
  /** Whether the metric is per group of tests (so it carries the granularity's labels). */
  perGroup: boolean;
}

function metric(definition: MetricDefinition): MetricDefinition {
  return definition;
}

/** The metrics of the run as a whole. */
export const RUN_METRICS = {
  info: metric({
    prometheus: 'flaky_detector_run_info',
    otel: undefined,
    otelInstead: 'the resource attributes',
    kind: 'gauge',
    unit: '1',
    help: 'Always 1; the labels identify the run (OpenTelemetry puts them in the resource).',
    labels: ['run_id', 'commit', 'node_version', 'os'],
    perGroup: false,
  }),
  startTime: metric({
    prometheus: 'flaky_detector_run_start_timestamp_seconds',
    otel: undefined,
    otelInstead: 'not exported: data points carry the export time',
    kind: 'gauge',
    unit: 's',
    help: 'When the run started, in seconds since the Unix epoch.',
    labels: [],
    perGroup: false,
  }),
  duration: metric({
    prometheus: 'flaky_detector_run_duration_seconds',
    otel: 'flaky_detector.run.duration',
    kind: 'gauge',
    unit: 's',
    help: 'Wall-clock time of the run, from its start to its end.',
    labels: [],
    perGroup: false,
  }),
  success: metric({
    prometheus: 'flaky_detector_run_success',
    otel: undefined,
    otelInstead: '`test.suite.run.status` on `flaky_detector.run.duration`',
    kind: 'gauge',
    unit: '1',
    help: '1 when no test failed and no test file failed to run, 0 otherwise.',
    labels: [],
    perGroup: false,
  }),
  tests: metric({
    prometheus: 'flaky_detector_run_tests',
    otel: 'flaky_detector.run.tests',
    kind: 'gauge',
    unit: '{test}',
    help: "Tests of the run by Jest's final status (passed, failed, skipped, todo).",
    labels: ['status'],
    perGroup: false,
  }),
  suiteErrors: metric({
    prometheus: 'flaky_detector_run_suite_errors',
    otel: 'flaky_detector.run.suite_errors',
    kind: 'gauge',
    unit: '{error}',
    help: 'Test files that failed to run (no quarantine hides them).',
    labels: [],
    perGroup: false,
  }),
  attempts: metric({
    prometheus: 'flaky_detector_run_attempts',
    otel: 'flaky_detector.run.attempts',
    kind: 'gauge',
    unit: '{attempt}',
    help: 'Attempts of the run, retries included, by status.',
    labels: ['status'],
    perGroup: false,
  }),
  flakyTests: metric({
    prometheus: 'flaky_detector_run_flaky_tests',
    otel: 'flaky_detector.run.flaky_tests',
    kind: 'gauge',
    unit: '{test}',
    help: 'Tests that failed and then passed on a retry in this run: flaky for certain.',
    labels: [],
    perGroup: false,
  }),
  coverage: metric({
    prometheus: 'flaky_detector_run_coverage_ratio',
    otel: 'flaky_detector.run.coverage',
    kind: 'gauge',
    unit: '1',
    help: "Coverage of the run from Jest's json-summary, 0 to 1, by kind (lines, statements, functions, branches).",
    labels: ['kind'],
    perGroup: false,
  }),
  testDuration: metric({
    prometheus: 'flaky_detector_run_test_duration_seconds',
    otel: 'flaky_detector.run.test_duration',
    kind: 'histogram',
    unit: 's',
    help: "Distribution of the run's test durations (each test's attempts added up).",
    labels: [],
    perGroup: false,
  }),
} as const;

/** The metrics per group of tests: per file by default, per test when asked. */
export const GROUP_METRICS = {
  tests: metric({
    prometheus: 'flaky_detector_tests',
    otel: 'flaky_detector.tests',
    kind: 'gauge',
    unit: '{test}',
    help: 'Tests by outcome in the run: passed, flaky (failed, then passed on a retry), failed, skipped, todo.',
    labels: ['status'],
    perGroup: true,
  }),
  duration: metric({
    prometheus: 'flaky_detector_test_duration_seconds',
    otel: 'flaky_detector.test.duration',
    kind: 'gauge',
    unit: 's',
    help: "Time spent in the group's tests in the run, every attempt included.",
    labels: [],
    perGroup: true,
  }),
  attempts: metric({
    prometheus: 'flaky_detector_test_attempts',
    otel: 'flaky_detector.test.attempts',
    kind: 'gauge',
    unit: '{attempt}',
    help: "Attempts of the group's tests in the run, retries included, by status.",
    labels: ['status'],
    perGroup: true,
  }),
  flakiness: metric({
    prometheus: 'flaky_detector_test_flakiness_ratio',
    otel: 'flaky_detector.test.flakiness',
    kind: 'gauge',
    unit: '1',
    help: "The highest flakiness score (0 to 1) among the group's tests, from their history.",
    labels: [],
    perGroup: true,
  }),
  classes: metric({
    prometheus: 'flaky_detector_classified_tests',
    otel: 'flaky_detector.classified_tests',
    kind: 'gauge',
    unit: '{test}',
    help: "The group's tests by class from their history (new, stable, flaky, broken, fixed).",
    labels: ['class'],
    perGroup: true,
  }),
} as const;

/** Every metric, run metrics first. */
export const METRICS: readonly MetricDefinition[] = [...Object.values(RUN_METRICS), ...Object.values(GROUP_METRICS)];

/**
 * Every series name a Prometheus query can use: the metric names, and a histogram's `_bucket`,
 * `_sum` and `_count` series.
 *
 * @example
 * prometheusSeriesNames().includes('flaky_detector_run_test_duration_seconds_bucket') // true
 */
export function prometheusSeriesNames(): string[] {
  return METRICS.flatMap((definition) =>
    definition.kind === 'histogram'
      ? [`${definition.prometheus}_bucket`, `${definition.prometheus}_sum`, `${definition.prometheus}_count`]
      : [definition.prometheus],
  );
}

/** Upper bounds, in seconds, of the test duration histogram's buckets (Prometheus adds +Inf). */
export const TEST_DURATION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
