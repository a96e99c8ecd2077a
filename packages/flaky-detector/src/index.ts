export { FlakyError, isFlakyError, type FlakyErrorCode } from './errors.js';
export {
  testIdOf,
  parseTestId,
  errorFingerprint,
  type AttemptRecord,
  type AttemptStatus,
  type History,
  type RunKey,
  type RunRecord,
} from './model.js';
export { openHistoryStore, DEFAULT_STORE_PATH } from './store/open-store.js';
export type { HistoryStore, HistoryStoreOptions, HistoryQuery } from './store/history-store.js';
export { historyByRun } from './store/history-by-run.js';
export type { RunWithAttempts } from './store/history-source.js';
export {
  runMetrics,
  type RunMetrics,
  type RunMetricsOptions,
  type MetricGranularity,
  type TestScore,
  type TestOutcome,
  type GroupMetrics,
  type GroupLabels,
  type CoverageRatios,
} from './metrics/run-metrics.js';
export { METRICS, prometheusSeriesNames, type MetricDefinition, type MetricKind } from './metrics/metric-catalog.js';
export { prometheusText, escapeLabelValue } from './metrics/prometheus-text.js';
export { pushToPushgateway, pushGrouping, groupingSegment, type PushgatewayOptions, type PushResult } from './metrics/pushgateway.js';
export { exportToOtlp, OTEL_PEERS, type OtlpOptions, type OtlpResult } from './metrics/otlp.js';
