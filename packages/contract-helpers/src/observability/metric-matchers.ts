import { ContractError } from '../errors.js';
import type { MatcherContext, MatcherOutcome } from '../matchers.js';
import type { MetricSample, MetricType, MetricsSnapshot } from './metrics-snapshot.js';
import { lintMetrics, type MetricLintOptions } from './metric-lint.js';
import {
  formatSelector,
  formatSeries,
  matchesLabels,
  metricNames,
  resolveMetric,
  toMetricsSnapshot,
  type LabelSelector,
  type MetricsInput,
} from './metric-query.js';
import { nearestMatch } from '@proving-ground/kit';
import { parseMetricNumber } from './prometheus-text.js';

/** A range a value must fall in. */
export interface ValueRange {
  atLeast?: number;
  atMost?: number;
}

/** What {@link toHaveMetric} expects of a metric. */
export interface MetricExpectation {
  /** Label values the series must have; other labels may be there too. */
  labels?: LabelSelector;
  /** Its `# TYPE`. */
  type?: MetricType;
  /** The value (the sum of the matching series). */
  value?: number;
  /** The value is at least this. */
  atLeast?: number;
  /** The value is at most this. */
  atMost?: number;
  /** An earlier scrape: the value must have grown since then, by `delta` (default: at least 1). */
  since?: MetricsInput;
  /** How much the value grew since `since`: exactly, or within a range. */
  delta?: number | ValueRange;
}

/** What {@link toHaveHistogramObservation} expects of a histogram (or summary). */
export interface HistogramExpectation {
  /** Label values the series must have (not `le`). */
  labels?: LabelSelector;
  /** An earlier scrape: only observations made since then count. */
  since?: MetricsInput;
  /** Exactly this many observations (default: at least one). */
  count?: number;
  /** Every counted observation fell at or below this bucket boundary (histograms only). */
  le?: number;
  /** The sum of the counted observations: exactly, or within a range. */
  sum?: number | ValueRange;
}

const MAX_LISTED = 12;

function hint(context: MatcherContext | undefined, name: string, expected: string): string {
  return context?.utils?.matcherHint(name, undefined, expected, { isNot: context.isNot, promise: context.promise }) ?? name;
}

function listSamples(samples: readonly MetricSample[]): string {
  const lines = samples
    .slice(0, MAX_LISTED)
    .map((sample) => `  ${formatSeries(sample.name, sample.labels)} ${sample.value}  (line ${sample.line})`);
  if (samples.length > MAX_LISTED) lines.push(`  ... and ${samples.length - MAX_LISTED} more`);
  return lines.length === 0 ? '  (no series yet)' : lines.join('\n');
}

function sumOf(samples: readonly MetricSample[]): number {
  return samples.reduce((sum, sample) => sum + sample.value, 0);
}

function sameNumber(actual: number, expected: number): boolean {
  return actual === expected || Object.is(actual, expected);
}

function inRange(value: number, range: number | ValueRange): boolean {
  if (typeof range === 'number') return sameNumber(value, range);
  return (range.atLeast === undefined || value >= range.atLeast) && (range.atMost === undefined || value <= range.atMost);
}

function describeRange(range: number | ValueRange): string {
  if (typeof range === 'number') return `${range}`;
  const parts = [
    range.atLeast === undefined ? '' : `at least ${range.atLeast}`,
    range.atMost === undefined ? '' : `at most ${range.atMost}`,
  ];
  return parts.filter((part) => part !== '').join(' and ') || 'any value';
}

function earlierSamples(since: MetricsInput, name: string, labels: LabelSelector | undefined, action: string): MetricSample[] {
  const earlier = toMetricsSnapshot(since, action);
  return resolveMetric(earlier, name)?.samples.filter((sample) => matchesLabels(sample, labels)) ?? [];
}

function unknownName(snapshot: MetricsSnapshot, name: string): string {
  const near = nearestMatch(name, metricNames(snapshot));
  return `the scrape has no metric named ${JSON.stringify(name)}${near === undefined ? '' : ` (did you mean ${JSON.stringify(near)}?)`}; it has ${snapshot.families.length} ${snapshot.families.length === 1 ? 'metric' : 'metrics'}`;
}

/**
 * `expect(metrics).toHaveMetric(name, { labels, type, value, atLeast, atMost, since, delta }?)`:
 * the scrape has metric `name` with a series whose labels include `labels`, and its value (the
 * sum of the matching series) is as expected; with `since` (an earlier scrape), it grew by
 * `delta` (default: at least 1). `name` is a sample name or a family name (a histogram's name counts its
 * observations). Failures list the metric's series, label values masked when they look personal.
 *
 * @param this - Jest's matcher context
 * @param received - a scrape (`scrapeMetrics()`, `parsePrometheusText()`) or its text
 * @param name - the metric
 * @param expected - labels and value
 * @example
 * expect(after).toHaveMetric('http_requests_total', { labels: { route: '/orders', status: '201' }, since: before, delta: 1 })
 */
export function toHaveMetric(
  this: MatcherContext | undefined,
  received: unknown,
  name: string,
  expected: MetricExpectation = {},
): MatcherOutcome {
  if (expected.delta !== undefined && expected.since === undefined) {
    throw new ContractError('CONTRACT_INVALID_OPTIONS', {
      action: `check ${name}`,
      reason: '`delta` compares with an earlier scrape, but `since` is missing',
      fix: 'Pass the scrape taken before the action: { since: before, delta: 1 }.',
    });
  }
  const snapshot = toMetricsSnapshot(received, `check ${name}`);
  const head = hint(this, 'toHaveMetric', 'name, expected');
  const selector = formatSelector(name, expected.labels);
  const fail = (reason: string): MatcherOutcome => ({ pass: false, message: () => `${head}\n\nExpected ${selector}, but ${reason}` });
  const resolved = resolveMetric(snapshot, name);
  if (resolved === undefined) return fail(unknownName(snapshot, name));
  if (expected.type !== undefined && resolved.family.type !== expected.type) {
    return fail(`${resolved.family.name} has type ${resolved.family.type}, not ${expected.type}.`);
  }
  const matching = resolved.samples.filter((sample) => matchesLabels(sample, expected.labels));
  if (matching.length === 0) {
    return fail(
      `no series of ${name} has ${expected.labels === undefined ? 'a sample' : 'these labels'}; its series:\n${listSamples(resolved.samples)}`,
    );
  }
  const value = sumOf(matching);
  const of = matching.length === 1 ? '' : ` (the sum of ${matching.length} series)`;
  const failures: string[] = [];
  if (expected.value !== undefined && !sameNumber(value, expected.value))
    failures.push(`its value is ${value}${of}, not ${expected.value}`);
  if (expected.atLeast !== undefined && !(value >= expected.atLeast))
    failures.push(`its value is ${value}${of}, below ${expected.atLeast}`);
  if (expected.atMost !== undefined && !(value <= expected.atMost)) failures.push(`its value is ${value}${of}, above ${expected.atMost}`);
  let grew = '';
  if (expected.since !== undefined) {
    const before = sumOf(earlierSamples(expected.since, name, expected.labels, `check ${name}`));
    const delta = expected.delta ?? { atLeast: 1 };
    grew = ` grew by ${value - before} (from ${before} to ${value})`;
    if (!inRange(value - before, delta)) failures.push(`it${grew} since the earlier scrape, where ${describeRange(delta)} was expected`);
  }
  const pass = failures.length === 0;
  return {
    pass,
    message: () =>
      pass
        ? `${head}\n\nExpected no ${selector}${Object.keys(expected).some((key) => key !== 'labels') ? ' as described' : ''}, but it is there with value ${value}${of}${grew}:\n${listSamples(matching)}`
        : `${head}\n\nExpected ${selector}, but ${failures.join('; ')}:\n${listSamples(matching)}`,
  };
}

/**
 * `expect(metrics).toHaveHistogramObservation(name, { labels, since, count, le, sum }?)`: the
 * histogram (or summary) `name` counted observations in the series with `labels`: at least one,
 * or exactly `count`; with `since`, only those made after that earlier scrape. `le` checks that
 * every counted observation fell at or below that bucket boundary; `sum` checks their total.
 *
 * @param this - Jest's matcher context
 * @param received - a scrape or its text
 * @param name - the histogram's family name (`http_request_duration_seconds`)
 * @param expected - labels, earlier scrape, count, bucket, sum
 * @example
 * expect(after).toHaveHistogramObservation('http_request_duration_seconds', { labels: { route: '/orders' }, since: before, count: 1, le: 0.5 })
 */
export function toHaveHistogramObservation(
  this: MatcherContext | undefined,
  received: unknown,
  name: string,
  expected: HistogramExpectation = {},
): MatcherOutcome {
  const snapshot = toMetricsSnapshot(received, `check the observations of ${name}`);
  const head = hint(this, 'toHaveHistogramObservation', 'name, expected');
  const selector = formatSelector(name, expected.labels);
  const fail = (reason: string): MatcherOutcome => ({
    pass: false,
    message: () => `${head}\n\nExpected observations in ${selector}, but ${reason}`,
  });
  const family = snapshot.families.find((candidate) => candidate.name === name);
  if (family === undefined) {
    const base = /_(?:bucket|count|sum)$/.test(name) ? name.replace(/_(?:bucket|count|sum)$/, '') : undefined;
    if (base !== undefined && snapshot.families.some((candidate) => candidate.name === base))
      return fail(`name the histogram by its family name, ${JSON.stringify(base)}.`);
    return fail(unknownName(snapshot, name));
  }
  if (family.type !== 'histogram' && family.type !== 'summary' && family.type !== 'gaugehistogram')
    return fail(`${name} has type ${family.type}, not histogram or summary.`);
  if (expected.le !== undefined && family.type === 'summary')
    return fail(`${name} is a summary: it has quantiles, not buckets, so \`le\` cannot be checked.`);
  const countName = family.type === 'gaugehistogram' ? `${name}_gcount` : `${name}_count`;
  const sumName = family.type === 'gaugehistogram' ? `${name}_gsum` : `${name}_sum`;
  const pick = (samples: readonly MetricSample[], sampleName: string, extra?: LabelSelector): MetricSample[] =>
    samples.filter((sample) => sample.name === sampleName && matchesLabels(sample, expected.labels) && matchesLabels(sample, extra));
  const counts = pick(family.samples, countName);
  if (counts.length === 0)
    return fail(
      `no series of ${name} has ${expected.labels === undefined ? 'a _count sample' : 'these labels'}; its series:\n${listSamples(family.samples.filter((sample) => sample.name === countName))}`,
    );
  const earlier = expected.since === undefined ? undefined : toMetricsSnapshot(expected.since, `check the observations of ${name}`);
  const earlierSamplesOf = (sampleName: string, extra?: LabelSelector): MetricSample[] =>
    earlier === undefined ? [] : pick(earlier.families.find((candidate) => candidate.name === name)?.samples ?? [], sampleName, extra);
  const count = sumOf(counts) - sumOf(earlierSamplesOf(countName));
  const counted = expected.since === undefined ? `${count} observations` : `${count} new observations since the earlier scrape`;
  const failures: string[] = [];
  if (expected.count === undefined ? !(count >= 1) : count !== expected.count)
    failures.push(
      `it has ${counted}, where ${expected.count ?? 'at least 1'} ${expected.count === 1 || expected.count === undefined ? 'was' : 'were'} expected`,
    );
  let listed = counts;
  if (expected.le !== undefined) {
    const buckets = pick(family.samples, `${name}_bucket`, { le: expected.le });
    listed = [...counts, ...buckets];
    if (buckets.length === 0) {
      const bounds = [
        ...new Set(family.samples.filter((sample) => sample.name === `${name}_bucket`).map((sample) => sample.labels['le']!)),
      ].sort((a, b) => parseMetricNumber(a)! - parseMetricNumber(b)!);
      failures.push(`${name} has no bucket le="${expected.le}"; its bucket boundaries are ${bounds.join(', ') || 'none'}`);
    } else {
      const atOrBelow = sumOf(buckets) - sumOf(earlierSamplesOf(`${name}_bucket`, { le: expected.le }));
      if (atOrBelow !== count) failures.push(`${count - atOrBelow} of the ${counted} fell above le="${expected.le}"`);
    }
  }
  if (expected.sum !== undefined) {
    const total = sumOf(pick(family.samples, sumName)) - sumOf(earlierSamplesOf(sumName));
    if (!inRange(total, expected.sum))
      failures.push(`the sum of the ${counted} is ${total}, where ${describeRange(expected.sum)} was expected`);
  }
  const pass = failures.length === 0;
  return {
    pass,
    message: () =>
      pass
        ? `${head}\n\nExpected no such observations in ${selector}, but it has ${counted}:\n${listSamples(listed)}`
        : `${head}\n\nExpected observations in ${selector}, but ${failures.join('; ')}:\n${listSamples(listed)}`,
  };
}

/**
 * `expect(metrics).toFollowMetricConventions(options?)`: the scrape breaks none of the Prometheus
 * conventions {@link lintMetrics} checks (names, `_total`, base units, required labels, unbounded
 * or personal label values, histogram consistency). Failures list every problem, values masked.
 *
 * @param this - Jest's matcher context
 * @param received - a scrape or its text
 * @param options - required labels, metrics and rules to skip, limits, PII allow-list
 * @example
 * expect(await scrapeMetrics(app)).toFollowMetricConventions({ ignore: [/^(process|nodejs)_/], requiredLabels: { http_requests_total: ['route', 'status'] } })
 */
export function toFollowMetricConventions(
  this: MatcherContext | undefined,
  received: unknown,
  options: MetricLintOptions = {},
): MatcherOutcome {
  const problems = lintMetrics(toMetricsSnapshot(received, 'check the metric conventions'), options);
  const head = hint(this, 'toFollowMetricConventions', 'options');
  const pass = problems.length === 0;
  const listed = problems
    .slice(0, 30)
    .map((problem) => `  ${problem.rule}: ${problem.message}${problem.line === undefined ? '' : `  (line ${problem.line})`}`);
  if (problems.length > 30) listed.push(`  ... and ${problems.length - 30} more`);
  return {
    pass,
    message: () =>
      pass
        ? `${head}\n\nExpected the metrics to break a Prometheus convention, but they follow them all.`
        : `${head}\n\nExpected the metrics to follow the Prometheus conventions; ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}:\n${listed.join('\n')}\nFix the names or labels, or pass { ignore, skipRules, requiredLabels, pii: { allow } }.`,
  };
}
