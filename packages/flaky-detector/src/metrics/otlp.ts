import {
  checks,
  countProblems,
  firstLine,
  isModuleNotFound,
  listOptionProblems,
  maskUrlCredentials,
  nativeRequireFromProject,
} from '@proving-ground/kit';
import type * as OtelApi from '@opentelemetry/api';
import type * as OtelExporter from '@opentelemetry/exporter-metrics-otlp-http';
import type * as OtelResources from '@opentelemetry/resources';
import type * as OtelSdk from '@opentelemetry/sdk-metrics';
import { FlakyError } from '../errors.js';
import { GROUP_METRICS, RUN_METRICS, TEST_DURATION_BUCKETS, type MetricDefinition } from './metric-catalog.js';
import type { GroupLabels, RunMetrics } from './run-metrics.js';

/** Where to send the metrics over OTLP/HTTP (JSON), and how the run is described. */
export interface OtlpOptions {
  /** The full metrics endpoint, e.g. `http://collector:4318/v1/metrics`. */
  url: string;
  /** Request headers, e.g. `{ authorization: 'Bearer ...' }` for a hosted backend. */
  headers?: Readonly<Record<string, string>> | undefined;
  /** Give up after this many ms. Default 10000. */
  timeoutMs?: number | undefined;
  /** The resource's `service.name`. Default `flaky-detector`. */
  serviceName?: string | undefined;
  /** More resource attributes, e.g. `{ 'deployment.environment.name': 'ci' }`. */
  resourceAttributes?: Readonly<Record<string, string>> | undefined;
  /** Where the OpenTelemetry packages are looked up first (then next to this package). Default `process.cwd()`. */
  cwd?: string | undefined;
}

/** What an export sent. */
export interface OtlpResult {
  /** The endpoint, credentials masked. */
  url: string;
  /** Metrics (instruments) and data points sent. */
  metrics: number;
  dataPoints: number;
}

/** The optional peers the OTLP export needs, by the name `npm i` takes. */
export const OTEL_PEERS = [
  '@opentelemetry/api',
  '@opentelemetry/sdk-metrics',
  '@opentelemetry/exporter-metrics-otlp-http',
  '@opentelemetry/resources',
] as const;

interface Otel {
  api: typeof OtelApi;
  sdk: typeof OtelSdk;
  exporter: typeof OtelExporter;
  resources: typeof OtelResources;
}

/** The OpenTelemetry SDK, from the user's project or next to this package; every missing package named at once. */
function loadOpenTelemetry(cwd: string): Otel {
  const loaded: unknown[] = [];
  const missing: string[] = [];
  for (const name of OTEL_PEERS) {
    try {
      loaded.push(nativeRequireFromProject(name, cwd));
    } catch (error) {
      if (!isModuleNotFound(error, name)) throw error;
      missing.push(name);
    }
  }
  if (missing.length > 0) {
    throw new FlakyError('FLAKY_MISSING_PEER', {
      action: 'export the run metrics over OTLP',
      reason: `the optional peer${missing.length === 1 ? '' : 's'} ${missing.map((name) => `\`${name}\``).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not installed`,
      fix: `Install ${missing.length === 1 ? 'it' : 'them'} next to flaky-detector: \`npm i -D ${missing.join(' ')}\``,
    });
  }
  const [api, sdk, exporter, resources] = loaded as [typeof OtelApi, typeof OtelSdk, typeof OtelExporter, typeof OtelResources];
  return { api, sdk, exporter, resources };
}

function checkOptions(options: OtlpOptions): void {
  const problems = listOptionProblems(options, {
    url: (value) =>
      typeof value === 'string' && URL.canParse(value) && /^https?:$/.test(new URL(value).protocol)
        ? undefined
        : 'expected the http(s) URL of the metrics endpoint, such as http://127.0.0.1:4318/v1/metrics',
    headers: (value) => (typeof value === 'object' && value !== null ? undefined : 'expected an object of header names and values'),
    timeoutMs: checks.integer(1),
    serviceName: checks.string(),
    resourceAttributes: (value) =>
      typeof value === 'object' && value !== null ? undefined : 'expected an object of attribute names and values',
    cwd: checks.string(),
  });
  if (options.url === undefined) problems.unshift('- url: required: the metrics endpoint, such as http://127.0.0.1:4318/v1/metrics.');
  if (problems.length > 0) {
    throw new FlakyError('FLAKY_INVALID_METRICS_OPTIONS', {
      action: 'export the run metrics over OTLP',
      reason: countProblems(problems),
      details: problems,
      fix: 'Fix the options listed above.',
    });
  }
}

/** `os.type` as the semantic conventions spell it (`process.platform` mostly matches). */
function osType(os: string): string {
  return os === 'win32' ? 'windows' : os;
}

/** The resource: the run, in semantic-convention attributes where there are ones. */
function resourceAttributes(metrics: RunMetrics, options: OtlpOptions): Record<string, string> {
  const { run } = metrics;
  const attributes: Record<string, string> = {
    'service.name': options.serviceName ?? 'flaky-detector',
    'flaky_detector.run.id': run.runId,
    'process.runtime.name': 'nodejs',
    'process.runtime.version': run.nodeVersion.replace(/^v/, ''),
    'os.type': osType(run.os),
  };
  if (run.commit !== undefined) attributes['vcs.ref.head.revision'] = run.commit;
  if (run.ciJob !== undefined) attributes['cicd.pipeline.name'] = run.ciJob;
  if (run.shard !== undefined) attributes['flaky_detector.shard'] = run.shard;
  return { ...attributes, ...options.resourceAttributes };
}

function groupAttributes(labels: GroupLabels): Record<string, string> {
  const attributes: Record<string, string> = { 'code.file.path': labels.file };
  if (labels.test_id !== undefined) attributes['flaky_detector.test.id'] = labels.test_id;
  if (labels.test !== undefined) attributes['test.case.name'] = labels.test;
  return attributes;
}

/** Records the metrics on the SDK's instruments; counts the data points. */
function record(meter: OtelApi.Meter, api: typeof OtelApi, metrics: RunMetrics): number {
  let points = 0;
  const gauge = (definition: MetricDefinition, integer: boolean): OtelApi.Gauge => {
    const options: OtelApi.MetricOptions = { unit: definition.unit, description: definition.help };
    if (integer) options.valueType = api.ValueType.INT;
    return meter.createGauge(definition.otel!, options);
  };
  const put = (instrument: OtelApi.Gauge, value: number, attributes: OtelApi.Attributes = {}): void => {
    instrument.record(value, attributes);
    points += 1;
  };
  const counts = (
    instrument: OtelApi.Gauge,
    key: string,
    values: Readonly<Record<string, number>>,
    base: OtelApi.Attributes,
    all: boolean,
  ): void => {
    for (const [name, value] of Object.entries(values)) if (all || value > 0) put(instrument, value, { ...base, [key]: name });
  };

  if (metrics.durationSeconds !== undefined) {
    put(gauge(RUN_METRICS.duration, false), metrics.durationSeconds, { 'test.suite.run.status': metrics.status });
  }
  counts(gauge(RUN_METRICS.tests, true), 'flaky_detector.test.status', metrics.tests, {}, true);
  put(gauge(RUN_METRICS.suiteErrors, true), metrics.suiteErrors);
  counts(gauge(RUN_METRICS.attempts, true), 'flaky_detector.attempt.status', metrics.attempts, {}, true);
  put(gauge(RUN_METRICS.flakyTests, true), metrics.flakyTests);
  if (metrics.coverage !== undefined)
    counts(gauge(RUN_METRICS.coverage, false), 'flaky_detector.coverage.kind', { ...metrics.coverage }, {}, true);
  const histogram = meter.createHistogram(RUN_METRICS.testDuration.otel!, {
    unit: RUN_METRICS.testDuration.unit,
    description: RUN_METRICS.testDuration.help,
    advice: { explicitBucketBoundaries: [...TEST_DURATION_BUCKETS] },
  });
  for (const seconds of metrics.testDurations) histogram.record(seconds);
  if (metrics.testDurations.length > 0) points += 1;

  const tests = gauge(GROUP_METRICS.tests, true);
  const duration = gauge(GROUP_METRICS.duration, false);
  const attempts = gauge(GROUP_METRICS.attempts, true);
  const flakiness = metrics.scored ? gauge(GROUP_METRICS.flakiness, false) : undefined;
  const classes = metrics.scored ? gauge(GROUP_METRICS.classes, true) : undefined;
  for (const group of metrics.groups) {
    const attributes = groupAttributes(group.labels);
    counts(tests, 'flaky_detector.test.status', group.tests, attributes, false);
    put(duration, group.durationSeconds, attributes);
    counts(attempts, 'flaky_detector.attempt.status', group.attempts, attributes, false);
    if (flakiness !== undefined) put(flakiness, group.flakiness ?? 0, attributes);
    if (classes !== undefined) counts(classes, 'flaky_detector.test.class', group.classes ?? {}, attributes, false);
  }
  return points;
}

/**
 * Export one run's metrics over OTLP/HTTP with the official OpenTelemetry SDK (the optional peers
 * `@opentelemetry/api`, `sdk-metrics`, `exporter-metrics-otlp-http` and `resources`), once, and
 * wait for the receiver's answer. The run is the resource (`service.name`, `vcs.ref.head.revision`,
 * `cicd.pipeline.name`, ...); metric names are dotted with UCUM units.
 *
 * @example
 * await exportToOtlp(runMetrics(run, attempts), { url: 'http://127.0.0.1:4318/v1/metrics' });
 */
export async function exportToOtlp(metrics: RunMetrics, options: OtlpOptions): Promise<OtlpResult> {
  checkOptions(options);
  const { api, sdk, exporter: exporterModule, resources } = loadOpenTelemetry(options.cwd ?? process.cwd());
  const exporter = new exporterModule.OTLPMetricExporter({
    url: options.url,
    headers: { ...options.headers },
    timeoutMillis: options.timeoutMs ?? 10_000,
  });
  class OneShotReader extends sdk.MetricReader {
    protected override async onShutdown(): Promise<void> {}
    protected override async onForceFlush(): Promise<void> {}
  }
  const reader = new OneShotReader({
    aggregationTemporalitySelector: (type) => exporter.selectAggregationTemporality(type),
    aggregationSelector: (type) => exporter.selectAggregation(type),
  });
  const provider = new sdk.MeterProvider({
    resource: resources.resourceFromAttributes(resourceAttributes(metrics, options)),
    readers: [reader],
  });
  try {
    const meter = provider.getMeter('@proving-ground/flaky-detector');
    const dataPoints = record(meter, api, metrics);
    const { resourceMetrics } = await reader.collect();
    const result = await new Promise<{ code: number; error?: Error | undefined }>((resolve) => exporter.export(resourceMetrics, resolve));
    if (result.code !== 0) {
      throw new FlakyError(
        'FLAKY_OTLP_EXPORT_FAILED',
        {
          action: `export the run metrics over OTLP to ${options.url}`,
          reason: firstLine(result.error ?? 'the exporter reported a failure').replace(/\.$/, ''),
          fix: 'Check that an OTLP/HTTP receiver (an OpenTelemetry Collector, or a backend that takes OTLP JSON) listens at that URL, usually ending in /v1/metrics, and that the headers (--otlp-header) authorise the request.',
        },
        { cause: result.error },
      );
    }
    const metricCount = resourceMetrics.scopeMetrics.reduce((sum, scope) => sum + scope.metrics.length, 0);
    return { url: maskUrlCredentials(options.url), metrics: metricCount, dataPoints };
  } finally {
    await provider.shutdown().catch(() => undefined);
    await exporter.shutdown().catch(() => undefined);
  }
}
