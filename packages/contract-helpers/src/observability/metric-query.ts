import { nearestMatch } from '@proving-ground/kit';
import { ContractError } from '../errors.js';
import { printSafe } from '../safe-print.js';
import { isMetricsSnapshot, type MetricFamily, type MetricSample, type MetricsSnapshot } from './metrics-snapshot.js';
import { parseMetricNumber, parsePrometheusText } from './prometheus-text.js';

/** Metrics as the helpers take them: a parsed scrape, or the exposition text itself. */
export type MetricsInput = MetricsSnapshot | string;

/**
 * Label values a series must have: a string (a number is compared as its text), or a pattern.
 * `le` and `quantile` compare as numbers, so `{ le: 0.5 }` finds `le="0.5"` and `le="5e-01"`.
 */
export type LabelSelector = Readonly<Record<string, string | number | RegExp>>;

/** The family a name refers to and the samples that carry its value. */
export interface ResolvedMetric {
  family: MetricFamily;
  /** The samples named by the query: `x_count` for a histogram named `x`, `x_total` for an OpenMetrics counter `x`. */
  samples: MetricSample[];
}

/**
 * `input` as a {@link MetricsSnapshot}: text is parsed, a snapshot returned as it is.
 *
 * @internal
 * @example
 * toMetricsSnapshot('up 1\n', 'check up').families[0].name // 'up'
 */
export function toMetricsSnapshot(input: unknown, action: string): MetricsSnapshot {
  if (typeof input === 'string') return parsePrometheusText(input);
  if (isMetricsSnapshot(input)) return input;
  throw new ContractError('CONTRACT_UNSUPPORTED_TELEMETRY', {
    action,
    reason: `the metrics must be the text of a /metrics response or what parsePrometheusText() or scrapeMetrics() returns, not ${printSafe(input)}`,
    fix: 'Pass `await scrapeMetrics(url)` (or the response text).',
  });
}

/** The sample name that carries a family's value when the query names the family. */
function valueSampleName(family: MetricFamily): string {
  switch (family.type) {
    case 'histogram':
    case 'summary':
      return `${family.name}_count`;
    case 'gaugehistogram':
      return `${family.name}_gcount`;
    case 'counter':
      return family.samples.some((sample) => sample.name === family.name) ? family.name : `${family.name}_total`;
    case 'info':
      return family.samples.some((sample) => sample.name === family.name) ? family.name : `${family.name}_info`;
    default:
      return family.name;
  }
}

/**
 * What `name` refers to in `metrics`: a sample name (`x_bucket`, `x_sum`, `http_requests_total`)
 * or a family name (a histogram `x` means its `x_count`); undefined when nothing has that name.
 *
 * @internal
 * @example
 * resolveMetric(metrics, 'http_request_duration_seconds')?.samples // the _count samples
 */
export function resolveMetric(metrics: MetricsSnapshot, name: string): ResolvedMetric | undefined {
  const family = metrics.families.find((candidate) => candidate.name === name);
  if (family !== undefined) {
    const sampleName = valueSampleName(family);
    return { family, samples: family.samples.filter((sample) => sample.name === sampleName) };
  }
  for (const candidate of metrics.families) {
    if (candidate.samples.some((sample) => sample.name === name)) {
      return { family: candidate, samples: candidate.samples.filter((sample) => sample.name === name) };
    }
  }
  // An OpenMetrics counter `x` queried as `x_total` before any sample exists.
  const counter = metrics.families.find((candidate) => candidate.type === 'counter' && `${candidate.name}_total` === name);
  return counter === undefined ? undefined : { family: counter, samples: [] };
}

/**
 * Every family and sample name in `metrics`, for "did you mean".
 *
 * @internal
 * @example
 * metricNames(parsePrometheusText('# TYPE h histogram\nh_count 1\n')) // ['h', 'h_count']
 */
export function metricNames(metrics: MetricsSnapshot): string[] {
  const names = new Set<string>();
  for (const family of metrics.families) {
    names.add(family.name);
    for (const sample of family.samples) names.add(sample.name);
  }
  return [...names];
}

/**
 * The error for a metric name the scrape does not have, with the nearest name.
 *
 * @internal
 * @example
 * throw unknownMetricError(metrics, 'http_request_total', 'check http_request_total')
 */
export function unknownMetricError(metrics: MetricsSnapshot, name: string, action: string): ContractError {
  const near = nearestMatch(name, metricNames(metrics));
  return new ContractError('CONTRACT_UNKNOWN_METRIC', {
    action,
    reason: `the scrape has no metric named ${JSON.stringify(name)}${near === undefined ? '' : ` (did you mean ${JSON.stringify(near)}?)`}`,
    fix: 'Check the name against the /metrics output; a metric appears once the code that records it has run, unless it is registered with its labels up front.',
  });
}

function labelMatches(key: string, actual: string | undefined, expected: string | number | RegExp): boolean {
  if (actual === undefined) return false;
  if (expected instanceof RegExp) return new RegExp(expected.source, expected.flags.replace('g', '')).test(actual);
  if (key === 'le' || key === 'quantile') {
    const want = typeof expected === 'number' ? expected : parseMetricNumber(expected);
    const have = parseMetricNumber(actual);
    if (want !== undefined && have !== undefined) return want === have;
  }
  return actual === String(expected);
}

/**
 * Whether `sample` carries every label of `selector` with a matching value (other labels may be there too).
 *
 * @internal
 * @example
 * matchesLabels(sample, { route: '/orders', le: 0.5 }) // true for le="0.5" and le="5e-1"
 */
export function matchesLabels(sample: MetricSample, selector: LabelSelector | undefined): boolean {
  if (selector === undefined) return true;
  return Object.entries(selector).every(([key, expected]) => labelMatches(key, sample.labels[key], expected));
}

/**
 * The samples of metric `name` whose labels include `labels`. `name` is a sample name
 * (`http_request_duration_seconds_bucket`) or a family name (a histogram's family name means its
 * `_count` samples). Throws `CONTRACT_UNKNOWN_METRIC` (with the nearest name) when nothing in
 * the scrape has that name; a known metric with no matching series gives `[]`.
 *
 * @param metrics - a scrape, or its text
 * @param name - a sample or family name
 * @param labels - label values each sample must have
 * @example
 * findSamples(metrics, 'http_request_duration_seconds_bucket', { route: '/orders', le: 0.5 })
 */
export function findSamples(metrics: MetricsInput, name: string, labels?: LabelSelector): MetricSample[] {
  const snapshot = toMetricsSnapshot(metrics, `find the samples of ${name}`);
  const resolved = resolveMetric(snapshot, name);
  if (resolved === undefined) throw unknownMetricError(snapshot, name, `find the samples of ${name}`);
  return resolved.samples.filter((sample) => matchesLabels(sample, labels));
}

/**
 * The value of metric `name` over the series whose labels include `labels`: their sum, so a
 * partial label set adds up the series it covers (0 when the metric is known but has no such
 * series yet, as a labelled counter before its first increment).
 *
 * @param metrics - a scrape, or its text
 * @param name - a sample or family name (a histogram's family name counts its observations)
 * @param labels - label values the series must have
 * @example
 * metricValue(metrics, 'http_requests_total', { route: '/orders', status: '201' }) // 1
 */
export function metricValue(metrics: MetricsInput, name: string, labels?: LabelSelector): number {
  return findSamples(metrics, name, labels).reduce((sum, sample) => sum + sample.value, 0);
}

/**
 * How much metric `name` (the series whose labels include `labels`) grew between two scrapes:
 * `metricValue(after) - metricValue(before)`, a series missing from `before` counting as 0.
 * Throws `CONTRACT_UNKNOWN_METRIC` when `after` has no metric of that name.
 *
 * @param before - the scrape taken before the action
 * @param after - the scrape taken after it
 * @param name - a sample or family name
 * @param labels - label values the series must have
 * @example
 * const before = await scrapeMetrics(url)
 * await fetch(`${api}/orders`, { method: 'POST', body })
 * metricDelta(before, await scrapeMetrics(url), 'http_requests_total', { route: '/orders', status: '201' }) // 1
 */
export function metricDelta(before: MetricsInput, after: MetricsInput, name: string, labels?: LabelSelector): number {
  const earlier = toMetricsSnapshot(before, `compare ${name} between two scrapes`);
  const later = toMetricsSnapshot(after, `compare ${name} between two scrapes`);
  const laterValue = metricValue(later, name, labels);
  const earlierValue = resolveMetric(earlier, name) === undefined ? 0 : metricValue(earlier, name, labels);
  return laterValue - earlierValue;
}

/**
 * `name{a="1",b="2"}` for a failure message, label values masked when they look personal.
 *
 * @internal
 * @example
 * formatSeries('logins_total', { user: 'jane@corp.example' }) // 'logins_total{user="j***@c***.example"}'
 */
export function formatSeries(name: string, labels: Readonly<Record<string, string>>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return name;
  return `${name}{${entries.map(([key, value]) => `${key}=${printSafe(value, key)}`).join(',')}}`;
}

/**
 * A label selector for a failure message.
 *
 * @internal
 * @example
 * formatSelector('http_requests_total', { status: /^5/ }) // 'http_requests_total{status=~/^5/}'
 */
export function formatSelector(name: string, labels: LabelSelector | undefined): string {
  if (labels === undefined || Object.keys(labels).length === 0) return name;
  return `${name}{${Object.entries(labels)
    .map(
      ([key, value]) =>
        `${key}${value instanceof RegExp ? '=~' : '='}${value instanceof RegExp ? String(value) : printSafe(String(value), key)}`,
    )
    .join(',')}}`;
}
