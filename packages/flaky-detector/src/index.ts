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
export { analyzeHistory, createHistoryAnalyzer, type HistoryAnalyzer } from './scoring/analyze-history.js';
export { DEFAULT_ANALYSIS_OPTIONS, resolveAnalysisOptions } from './scoring/analysis-options.js';
export { betaCdf, betaQuantile } from './scoring/beta-distribution.js';
export type * from './scoring/analysis-types.js';
export { baselinesFileOf, parseBaselinesFile, BASELINES_VERSION } from './baselines/baselines-file.js';
export { medianAndMad, slowLimit } from './baselines/duration-baselines.js';
export { partitionByDuration, estimateDurations, type ShardItem } from './sequencer/shard-partition.js';
export { openHistoryStore, DEFAULT_STORE_PATH } from './store/open-store.js';
export type { HistoryStore, HistoryStoreOptions, HistoryQuery } from './store/history-store.js';
export { historyByRun, historyColumnsByRun } from './store/history-by-run.js';
export {
  recordsOf,
  ColumnEncoder,
  failureTextOf,
  type AttemptColumns,
  type AttemptCatalog,
  type RunColumnsEntry,
  type TestEntry,
  type FailureText,
} from './store/attempt-columns.js';
export { failureDetails, FAILURE_MESSAGE_LIMITS, type FailureDetails } from './reporter/failure-details.js';
export { maskFailureSecrets } from './reporter/secret-masking.js';
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
export { buildReport, assembleReport, figureText, type BuildReportOptions } from './report/build-report.js';
export {
  createHistoryDigest,
  digestHistory,
  type HistoryDigest,
  type HistoryDigestBuilder,
  type HeatmapLimits,
} from './report/history-digest.js';
export {
  REPORT_SCHEMA_VERSION,
  type Report,
  type RunSummary,
  type TestSummary,
  type FailureSummary,
  type FlakyTestEntry,
  type RegressionEntry,
  type FailingTogether,
  type QuarantineLedgerEntry,
  type ReportRecommendation,
  type Heatmap,
} from './report/report-model.js';
export { renderTerminal, type TerminalOptions } from './report/terminal.js';
export { renderJson } from './report/json.js';
export { renderJunit, type JunitAttempt, type JunitOptions } from './report/junit.js';
export { renderMarkdown, markdownCell, MARKDOWN_LIMITS, type MarkdownOptions, type MarkdownTarget } from './report/markdown.js';
export {
  renderGithubAnnotations,
  listAnnotations,
  formatAnnotation,
  escapeAnnotationData,
  escapeAnnotationProperty,
  type Annotation,
  type GithubAnnotationOptions,
} from './report/github.js';
export { renderHtml, scriptSafeJson, type HtmlOptions } from './report/html/dashboard.js';
