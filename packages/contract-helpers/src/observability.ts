/**
 * `@proving-ground/contract-helpers/observability`: parse Prometheus metrics and assert on them,
 * assert on OpenTelemetry spans from an in-memory exporter, and check telemetry for personal data.
 */
export { parsePrometheusText, parseMetricNumber, type ParseMetricsOptions } from './observability/prometheus-text.js';
export {
  METRIC_TYPES,
  isMetricsSnapshot,
  type MetricExemplar,
  type MetricFamily,
  type MetricSample,
  type MetricType,
  type MetricsSnapshot,
} from './observability/metrics-snapshot.js';
export { scrapeMetrics, type InjectableApp, type ScrapeOptions, type ScrapeTarget } from './observability/scrape-metrics.js';
export { findSamples, metricValue, metricDelta, type LabelSelector, type MetricsInput } from './observability/metric-query.js';
export { lintMetrics, type MetricLintOptions, type MetricProblem, type MetricRule } from './observability/metric-lint.js';
export {
  toHaveMetric,
  toHaveHistogramObservation,
  toFollowMetricConventions,
  type HistogramExpectation,
  type MetricExpectation,
  type ValueRange,
} from './observability/metric-matchers.js';
export {
  readSpan,
  readSpans,
  spanTree,
  formatSpanTree,
  type SpanContextLike,
  type SpanKindName,
  type SpanLike,
  type SpanRecord,
  type SpanStatusName,
  type SpanTreeNode,
  type SpansInput,
} from './observability/span-records.js';
export { toHaveSpan, toBeChildOf, type SpanExpectation } from './observability/span-matchers.js';
export {
  findTelemetryPii,
  toLeakPii,
  type LogRecordLike,
  type TelemetryInput,
  type TelemetryPiiFinding,
} from './observability/telemetry-pii.js';
export { observabilityMatchers } from './observability/observability-matchers.js';
export { ContractError, isContractError, type ContractErrorCode } from './errors.js';
