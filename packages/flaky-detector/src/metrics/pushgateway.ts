import { checks, countProblems, firstLine, listOptionProblems } from '@proving-ground/kit';
import { FlakyError } from '../errors.js';
import { prometheusText } from './prometheus-text.js';
import type { RunMetrics } from './run-metrics.js';

/** Where and how to push: the Pushgateway's URL, the job, and the rest of the grouping key. */
export interface PushgatewayOptions {
  /** The Pushgateway's base URL (`http://pushgateway:9091`, a path prefix allowed); `user:password@` becomes Basic auth. */
  url: string;
  /** The `job` label of the group. Default `flaky-detector`. */
  job?: string | undefined;
  /**
   * More labels of the grouping key, e.g. `{ branch: 'main' }`. The run's CI job and shard are
   * added as `ci_job` and `shard` unless given here (an empty value leaves one out).
   */
  grouping?: Readonly<Record<string, string>> | undefined;
  /** `PUT` (default) replaces everything the group held; `POST` replaces only the metrics pushed. */
  method?: 'PUT' | 'POST' | undefined;
  /** Give up after this many ms. Default 10000. */
  timeoutMs?: number | undefined;
  /** Extra request headers, e.g. `{ authorization: 'Bearer ...' }`. */
  headers?: Readonly<Record<string, string>> | undefined;
}

/** What a push did. */
export interface PushResult {
  /** The group's URL, without credentials. */
  url: string;
  /** The grouping key, `job` first. */
  grouping: Record<string, string>;
  /** Samples pushed. */
  samples: number;
}

/** Labels the pushed metrics carry themselves: a grouping label of the same name would conflict. */
const BODY_LABELS = new Set(['run_id', 'commit', 'node_version', 'os', 'status', 'kind', 'file', 'test_id', 'test', 'class', 'le']);
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * One path segment pair of a grouping key as the Pushgateway reads it: the value URI-encoded, or
 * base64url with `@base64` after the name when it holds a `/` or is empty (a single `=`), the only
 * forms the Pushgateway accepts for those.
 *
 * @example
 * groupingSegment('shard', '2/4') // 'shard@base64/Mi80'
 * groupingSegment('branch', 'main') // 'branch/main'
 */
export function groupingSegment(name: string, value: string): string {
  if (value === '') return `${name}@base64/=`;
  if (value.includes('/')) return `${name}@base64/${Buffer.from(value, 'utf8').toString('base64url')}`;
  return `${name}/${encodeURIComponent(value)}`;
}

/**
 * The grouping key a run's metrics are pushed under: `job`, then the run's `ci_job` and `shard` (so
 * the shards of one CI run do not replace each other), then `grouping`.
 *
 * @example
 * pushGrouping(run, { job: 'unit' }) // { job: 'unit', ci_job: 'test', shard: '2/4' }
 */
export function pushGrouping(run: RunMetrics['run'], options: Pick<PushgatewayOptions, 'job' | 'grouping'>): Record<string, string> {
  const grouping: Record<string, string> = { job: options.job ?? 'flaky-detector' };
  if (run.ciJob !== undefined && run.ciJob !== '') grouping['ci_job'] = run.ciJob;
  if (run.shard !== undefined && run.shard !== '') grouping['shard'] = run.shard;
  for (const [name, value] of Object.entries(options.grouping ?? {})) {
    if (value === '') delete grouping[name];
    else grouping[name] = value;
  }
  return grouping;
}

function checkOptions(options: PushgatewayOptions): void {
  const problems = listOptionProblems(options, {
    url: (value) => {
      if (typeof value !== 'string' || !URL.canParse(value)) return 'expected an http(s) URL such as http://127.0.0.1:9091';
      return /^https?:$/.test(new URL(value).protocol) ? undefined : 'expected an http: or https: URL';
    },
    job: checks.string(),
    grouping: (value) => {
      if (typeof value !== 'object' || value === null) return 'expected an object of label names and values';
      const bad = Object.entries(value as Record<string, unknown>).filter(
        ([name, label]) =>
          !LABEL_NAME.test(name) || name.startsWith('__') || name === 'job' || BODY_LABELS.has(name) || typeof label !== 'string',
      );
      return bad.length === 0
        ? undefined
        : `${bad.map(([name]) => JSON.stringify(name)).join(', ')} cannot be a grouping label: a label name is [a-zA-Z_][a-zA-Z0-9_]* with a string value, not starting with __, not job (use the job option) nor a label the metrics carry (${[...BODY_LABELS].join(', ')})`;
    },
    method: checks.oneOf(['PUT', 'POST']),
    timeoutMs: checks.integer(1),
    headers: (value) => (typeof value === 'object' && value !== null ? undefined : 'expected an object of header names and values'),
  });
  if (options.url === undefined) problems.unshift('- url: required: the Pushgateway base URL, such as http://127.0.0.1:9091.');
  if (problems.length > 0) {
    throw new FlakyError('FLAKY_INVALID_METRICS_OPTIONS', {
      action: 'push the run metrics to the Pushgateway',
      reason: countProblems(problems),
      details: problems,
      fix: 'Fix the options listed above.',
    });
  }
}

/** The group URL without credentials, and the Basic auth header the credentials make. */
function groupUrl(base: string, grouping: Readonly<Record<string, string>>): { url: string; authorization: string | undefined } {
  const parsed = new URL(base);
  const authorization =
    parsed.username === '' && parsed.password === ''
      ? undefined
      : `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64')}`;
  parsed.username = '';
  parsed.password = '';
  const path = Object.entries(grouping)
    .map(([name, value]) => groupingSegment(name, value))
    .join('/');
  return { url: `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}/metrics/${path}`, authorization };
}

/**
 * The Pushgateway and the group, for messages: the base URL without credentials, and the grouping
 * key as labels (a group URL's `@base64` would read as a password separator to URL masking).
 */
function describeTarget(base: string, grouping: Readonly<Record<string, string>>): string {
  const parsed = new URL(base);
  parsed.username = '';
  parsed.password = '';
  const labels = Object.entries(grouping)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(', ');
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')} (group ${labels})`;
}

function networkReason(error: unknown, timeoutMs: number): string {
  // Duck-typed: under Jest, fetch's errors come from another realm than the test's Error.
  const { name, cause } = error as { name?: string; cause?: { code?: string; message?: string } };
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  if (cause?.code === 'ECONNREFUSED') return 'the connection was refused (ECONNREFUSED): nothing listens there';
  if (cause?.code === 'ENOTFOUND') return 'the host name does not resolve (ENOTFOUND)';
  return firstLine(cause?.message ?? error);
}

function rejectionFix(status: number): string {
  if (status === 401 || status === 403) return 'Check the credentials: user:password@ in the URL, or an authorization header.';
  if (status === 404 || status === 405)
    return 'Check the URL: it is the Pushgateway base URL (with its --web.route-prefix, if any), without /metrics.';
  if (status === 400)
    return 'The Pushgateway holds metrics of the same name with another type or help text (another tool or version pushed them): delete that group, or push under another job.';
  return 'Check the Pushgateway log.';
}

/**
 * Push one run's metrics to a Prometheus Pushgateway (`PUT /metrics/job/<job>/...`, text format),
 * grouped by job, CI job and shard. Prometheus then scrapes them from the Pushgateway, which should
 * be scraped with `honor_labels: true`.
 *
 * @example
 * const result = await pushToPushgateway(runMetrics(run, attempts), { url: 'http://127.0.0.1:9091', job: 'unit-tests' });
 * console.log(`pushed ${result.samples} samples to ${result.url}`);
 */
export async function pushToPushgateway(metrics: RunMetrics, options: PushgatewayOptions): Promise<PushResult> {
  checkOptions(options);
  const grouping = pushGrouping(metrics.run, options);
  const { url, authorization } = groupUrl(options.url, grouping);
  const shown = describeTarget(options.url, grouping);
  const body = prometheusText(metrics);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const headers: Record<string, string> = { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', ...options.headers };
  if (authorization !== undefined) headers['authorization'] = authorization;
  let response: Response;
  try {
    response = await fetch(url, { method: options.method ?? 'PUT', headers, body, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new FlakyError(
      'FLAKY_PUSHGATEWAY_UNREACHABLE',
      {
        action: `push the run metrics to the Pushgateway at ${shown}`,
        reason: networkReason(error, timeoutMs),
        fix: 'Check that the Pushgateway runs and that the URL (--pushgateway) names it: its /-/ready page answers OK.',
      },
      { cause: error },
    );
  }
  if (!response.ok) {
    const text = (await response.text().catch(() => '')).trim();
    throw new FlakyError('FLAKY_PUSHGATEWAY_REJECTED', {
      action: `push the run metrics to the Pushgateway at ${shown}`,
      reason: `it answered ${response.status} ${response.statusText}${text === '' ? '' : `: ${firstLine(text)}`}`,
      fix: rejectionFix(response.status),
    });
  }
  await response.body?.cancel();
  const samples = body.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
  return { url, grouping, samples };
}
