import { findPii, type PiiScanOptions } from '../pii/pii-scan.js';
import type { MetricFamily, MetricSample, MetricsSnapshot } from './metrics-snapshot.js';
import { formatSeries, toMetricsSnapshot, type MetricsInput } from './metric-query.js';
import { parseMetricNumber } from './prometheus-text.js';
import { maskText } from './telemetry-text.js';

/** Which convention a {@link MetricProblem} breaks. */
export type MetricRule =
  | 'name'
  | 'help'
  | 'counter-total'
  | 'base-unit'
  | 'reserved-suffix'
  | 'reserved-label'
  | 'required-label'
  | 'high-cardinality'
  | 'pii'
  | 'histogram';

/** One broken convention, found by {@link lintMetrics}. */
export interface MetricProblem {
  rule: MetricRule;
  /** The family's name. */
  metric: string;
  /** What is wrong and what to write instead; label values masked. */
  message: string;
  /** The line of the sample it was found on, when it is about one sample. */
  line?: number;
}

/** What {@link lintMetrics} checks. */
export interface MetricLintOptions {
  /** Labels every series of a metric must carry: `{ http_requests_total: ['route', 'method', 'status'] }`. */
  requiredLabels?: Readonly<Record<string, readonly string[]>>;
  /** Metrics not to check (names or patterns): libraries' own, as `/^(process|nodejs|go)_/`. */
  ignore?: ReadonlyArray<string | RegExp>;
  /** Rules not to apply (`['help']`). */
  skipRules?: readonly MetricRule[];
  /** Most distinct values one label may take across a metric's series (default 100). */
  maxLabelValues?: number;
  /** What the PII check lets through (the allow-list of `findPii`). */
  pii?: PiiScanOptions;
}

// Units that are not the base unit Prometheus names use, and what to write instead.
const NON_BASE_UNITS: Readonly<Record<string, string>> = {
  ms: 'seconds',
  msec: 'seconds',
  millis: 'seconds',
  milliseconds: 'seconds',
  us: 'seconds',
  micros: 'seconds',
  microseconds: 'seconds',
  ns: 'seconds',
  nanos: 'seconds',
  nanoseconds: 'seconds',
  mins: 'seconds',
  minutes: 'seconds',
  hours: 'seconds',
  days: 'seconds',
  kb: 'bytes',
  kib: 'bytes',
  kilobytes: 'bytes',
  mb: 'bytes',
  mib: 'bytes',
  megabytes: 'bytes',
  gb: 'bytes',
  gib: 'bytes',
  gigabytes: 'bytes',
  bits: 'bytes',
  percent: 'ratio (0 to 1)',
  percentage: 'ratio (0 to 1)',
};
const TYPE_WORDS = new Set(['counter', 'gauge', 'histogram', 'summary']);
const RESERVED_SUFFIXES = ['_bucket', '_count', '_sum'];
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const LONG_HEX = /^(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{16,}$/i;
const LONG_NUMBER = /^\d{5,}$/;
const ID_SEGMENT = /^(?:\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?=[0-9a-f]*\d)[0-9a-f]{16,})$/i;

/** Why a label value looks unbounded (an id, a raw path), or undefined. */
function unboundedShape(value: string): string | undefined {
  if (value.startsWith('/')) {
    const segment = value.split(/[/?#]/).find((part) => ID_SEGMENT.test(part));
    if (segment !== undefined) return 'a raw path with an id in it: use the route template (/orders/:id)';
  }
  if (UUID.test(value)) return 'a UUID: an id per request or entity';
  if (LONG_HEX.test(value)) return 'a long hexadecimal id';
  if (LONG_NUMBER.test(value)) return 'a long number: an id or a timestamp';
  return undefined;
}

function ignored(name: string, ignore: MetricLintOptions['ignore']): boolean {
  return (ignore ?? []).some((entry) =>
    typeof entry === 'string' ? entry === name : new RegExp(entry.source, entry.flags.replace('g', '')).test(name),
  );
}

function checkName(family: MetricFamily, report: (rule: MetricRule, message: string, sample?: MetricSample) => void): void {
  const { name } = family;
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name))
    report(
      'name',
      `${JSON.stringify(maskText(name))} has characters outside [a-zA-Z0-9_:]; older Prometheus servers and most tools cannot query it`,
    );
  if (name.includes(':')) report('name', `${name} has a colon: colons are for recording rules, not for what an app exports`);
  if (/[a-z][A-Z]/.test(name))
    report('name', `${name} is camelCase: write snake_case (${name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()})`);
  const words = name.toLowerCase().split('_');
  for (const word of words) {
    const base = NON_BASE_UNITS[word];
    if (base !== undefined) report('base-unit', `${name} is in ${word}: use base units, ${base}`);
    if (TYPE_WORDS.has(word)) report('name', `${name} names a metric type ("${word}"): the TYPE line says that`);
  }
  if (family.unit !== undefined && family.unit !== '' && !name.endsWith(`_${family.unit}`)) {
    report('base-unit', `${name} declares the unit ${family.unit}, so its name must end in _${family.unit}`);
  }
  const sampleNames = new Set(family.samples.map((sample) => sample.name));
  if (family.type === 'counter') {
    const missing = [...sampleNames].filter((sampleName) => !sampleName.endsWith('_total') && !sampleName.endsWith('_created'));
    if (missing.length > 0 || (sampleNames.size === 0 && !name.endsWith('_total')))
      report('counter-total', `the counter ${name} must end in _total`);
  } else if (name.endsWith('_total')) {
    report('counter-total', `${name} ends in _total but its type is ${family.type}: only counters end in _total`);
  }
  if (family.type !== 'histogram' && family.type !== 'summary' && family.type !== 'gaugehistogram') {
    const suffix = RESERVED_SUFFIXES.find((candidate) => name.endsWith(candidate));
    if (suffix !== undefined)
      report('reserved-suffix', `${name} ends in ${suffix}, which histograms and summaries use, but its type is ${family.type}: rename it`);
  }
}

function checkLabels(
  family: MetricFamily,
  options: MetricLintOptions,
  report: (rule: MetricRule, message: string, sample?: MetricSample) => void,
): void {
  const required = options.requiredLabels?.[family.name] ?? [];
  const isInfo = family.type === 'info' || family.name.endsWith('_info');
  const values = new Map<string, Set<string>>();
  const reported = new Set<string>();
  const checked = new Set<string>();
  for (const sample of family.samples) {
    const missing = required.filter((label) => sample.labels[label] === undefined);
    if (missing.length > 0)
      report(
        'required-label',
        `${formatSeries(sample.name, sample.labels)} has no ${missing.map((label) => JSON.stringify(label)).join(', ')} label`,
        sample,
      );
    for (const [label, value] of Object.entries(sample.labels)) {
      if (label.startsWith('__'))
        report('reserved-label', `${sample.name} has the label ${label}: names starting with "__" are reserved for Prometheus`, sample);
      if (label === 'le' && !sample.name.endsWith('_bucket'))
        report('reserved-label', `${sample.name} has an "le" label, which only histogram buckets carry`, sample);
      if (label === 'quantile' && family.type !== 'summary')
        report('reserved-label', `${sample.name} has a "quantile" label, which only summaries carry`, sample);
      if (/[a-z][A-Z]/.test(label) && !reported.has(`case ${label}`)) {
        reported.add(`case ${label}`);
        report('name', `the label ${label} of ${family.name} is camelCase: write snake_case`, sample);
      }
      if (label === 'le' || label === 'quantile') continue;
      if (!values.has(label)) values.set(label, new Set());
      values.get(label)!.add(value);
      if (isInfo) continue;
      // A histogram repeats each label value on every bucket: check each value once per metric.
      const pair = `${label}\u0000${value}`;
      if (checked.has(pair)) continue;
      checked.add(pair);
      const shape = unboundedShape(value);
      if (shape !== undefined && !reported.has(`shape ${label}`)) {
        reported.add(`shape ${label}`);
        report(
          'high-cardinality',
          `${formatSeries(sample.name, sample.labels)}: the ${label} label holds ${shape}; each new value is a new series`,
          sample,
        );
      }
      for (const finding of findPii({ [label]: value }, options.pii)) {
        report(
          'pii',
          `${sample.name}: the ${label} label holds ${finding.category === 'secret' ? 'a secret' : `personal data (${finding.category})`}: ${finding.masked}`,
          sample,
        );
      }
    }
  }
  const limit = options.maxLabelValues ?? 100;
  for (const [label, seen] of values) {
    if (seen.size > limit)
      report(
        'high-cardinality',
        `${family.name}: the ${label} label takes ${seen.size} values (more than ${limit}); bound it, or raise maxLabelValues`,
      );
  }
}

function seriesKey(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    Object.entries(labels)
      .filter(([key]) => key !== 'le' && key !== 'quantile')
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

function checkHistogram(family: MetricFamily, report: (rule: MetricRule, message: string, sample?: MetricSample) => void): void {
  const series = new Map<string, { buckets: MetricSample[]; count?: MetricSample; sum?: MetricSample }>();
  const entry = (sample: MetricSample): { buckets: MetricSample[]; count?: MetricSample; sum?: MetricSample } => {
    const key = seriesKey(sample.labels);
    if (!series.has(key)) series.set(key, { buckets: [] });
    return series.get(key)!;
  };
  for (const sample of family.samples) {
    if (sample.name === `${family.name}_bucket`) entry(sample).buckets.push(sample);
    else if (sample.name === `${family.name}_count` || sample.name === `${family.name}_gcount`) entry(sample).count = sample;
    else if (sample.name === `${family.name}_sum` || sample.name === `${family.name}_gsum`) entry(sample).sum = sample;
  }
  for (const { buckets, count } of series.values()) {
    const first = buckets[0] ?? count;
    if (first === undefined) continue;
    const where = formatSeries(family.name, Object.fromEntries(Object.entries(first.labels).filter(([key]) => key !== 'le')));
    const sorted = [...buckets].sort((a, b) => parseMetricNumber(a.labels['le']!)! - parseMetricNumber(b.labels['le']!)!);
    const infinite = sorted.find((bucket) => parseMetricNumber(bucket.labels['le']!) === Number.POSITIVE_INFINITY);
    if (infinite === undefined) report('histogram', `${where} has no le="+Inf" bucket`, first);
    for (let index = 1; index < sorted.length; index++) {
      if (sorted[index]!.value < sorted[index - 1]!.value) {
        report(
          'histogram',
          `${where}: bucket le="${sorted[index]!.labels['le']}" (${sorted[index]!.value}) is below le="${sorted[index - 1]!.labels['le']}" (${sorted[index - 1]!.value}); buckets are cumulative`,
          sorted[index],
        );
        break;
      }
    }
    if (count === undefined) report('histogram', `${where} has buckets but no _count sample`, first);
    else if (infinite !== undefined && infinite.value !== count.value)
      report('histogram', `${where}: the le="+Inf" bucket (${infinite.value}) differs from _count (${count.value})`, count);
  }
}

function checkSummary(family: MetricFamily, report: (rule: MetricRule, message: string, sample?: MetricSample) => void): void {
  for (const sample of family.samples) {
    const quantile = sample.labels['quantile'];
    if (quantile === undefined) continue;
    const value = parseMetricNumber(quantile);
    if (value === undefined || value < 0 || value > 1)
      report('histogram', `${sample.name}: quantile="${quantile}" is not between 0 and 1`, sample);
  }
}

/**
 * Every Prometheus naming and labelling convention a scrape breaks: names (snake_case, no type
 * words, no colons), counters ending in `_total` and nothing else doing so, base units (`_seconds`,
 * `_bytes`, ratios, never `_ms` or `_kb`), HELP text, reserved suffixes and labels, required
 * labels, unbounded label values (ids, UUIDs, raw paths with ids, more than `maxLabelValues`
 * values), personal data in label values (the package's PII detectors; masked in the message), and
 * histogram consistency (cumulative buckets, a `+Inf` bucket equal to `_count`).
 *
 * @param metrics - a scrape, or its text
 * @param options - required labels, metrics and rules to skip, limits, PII allow-list
 * @example
 * lintMetrics(await scrapeMetrics(url), { ignore: [/^(process|nodejs)_/], requiredLabels: { http_requests_total: ['route', 'status'] } })
 * // [{ rule: 'base-unit', metric: 'http_latency_ms', message: 'http_latency_ms is in ms: use base units, seconds' }]
 */
export function lintMetrics(metrics: MetricsInput, options: MetricLintOptions = {}): MetricProblem[] {
  const snapshot: MetricsSnapshot = toMetricsSnapshot(metrics, 'check the metric conventions');
  const problems: MetricProblem[] = [];
  const skip = new Set(options.skipRules ?? []);
  for (const family of snapshot.families) {
    if (ignored(family.name, options.ignore)) continue;
    const report = (rule: MetricRule, message: string, sample?: MetricSample): void => {
      if (skip.has(rule)) return;
      problems.push({ rule, metric: family.name, message, ...(sample === undefined ? {} : { line: sample.line }) });
    };
    checkName(family, report);
    if (family.help === undefined || family.help.trim() === '') report('help', `${family.name} has no HELP text`);
    checkLabels(family, options, report);
    if (family.type === 'histogram' || family.type === 'gaugehistogram') checkHistogram(family, report);
    if (family.type === 'summary') checkSummary(family, report);
  }
  return problems;
}
