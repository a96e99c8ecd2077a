import { ContractError } from '../errors.js';
import type { MetricsSnapshot } from './metrics-snapshot.js';
import { parsePrometheusText } from './prometheus-text.js';
import { maskLine } from './telemetry-text.js';

/** An app that answers requests in process (Fastify's `inject`, light-my-request). */
export interface InjectableApp {
  inject(request: { method: 'GET'; url: string; headers: Record<string, string> }): PromiseLike<{
    statusCode: number;
    headers: Record<string, unknown>;
    payload: string;
  }>;
}

/** Where {@link scrapeMetrics} reads metrics from: a URL (`http://127.0.0.1:9464/metrics`) or an app with `inject`. */
export type ScrapeTarget = string | URL | InjectableApp;

/** How {@link scrapeMetrics} asks for the metrics. */
export interface ScrapeOptions {
  /** The path asked of an `inject` app (default `/metrics`); a URL target is used as it is. */
  path?: string;
  /** Extra request headers (a bearer token for a protected endpoint). */
  headers?: Record<string, string>;
  /** Ask for OpenMetrics text first (default false: the Prometheus text format 0.0.4). */
  openMetrics?: boolean;
  /** Give up after this many milliseconds (default 10000). */
  timeoutMs?: number;
}

const PROMETHEUS_ACCEPT = 'text/plain;version=0.0.4;q=1,*/*;q=0.1';
const OPENMETRICS_ACCEPT = 'application/openmetrics-text;version=1.0.0;q=1,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

function isInjectable(target: unknown): target is InjectableApp {
  return (
    typeof target === 'object' && target !== null && !(target instanceof URL) && typeof (target as InjectableApp).inject === 'function'
  );
}

function formatOf(contentType: string, where: string): 'prometheus' | 'openmetrics' {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === 'application/openmetrics-text') return 'openmetrics';
  if (type === 'text/plain' || type === '') return 'prometheus';
  throw new ContractError('CONTRACT_SCRAPE_FAILED', {
    action: `scrape ${where}`,
    reason: `it answered with ${JSON.stringify(contentType)}, not a text exposition format`,
    fix: 'Serve text/plain (format 0.0.4) or application/openmetrics-text; protobuf is not read.',
  });
}

/**
 * Scrape a `/metrics` endpoint and parse it: GET with a Prometheus `Accept` header, the format
 * taken from the response's `Content-Type` (text 0.0.4 or OpenMetrics). The target is a URL, or an
 * app with `inject` (Fastify), which is asked for `options.path`. Throws `CONTRACT_SCRAPE_FAILED`
 * on a connection error, a timeout or a status other than 200, and `CONTRACT_INVALID_METRICS` on
 * malformed text.
 *
 * @param target - the endpoint's URL, or an app with `inject`
 * @param options - path, headers, OpenMetrics, timeout
 * @example
 * const before = await scrapeMetrics(`${baseUrl}/metrics`)
 * const metrics = await scrapeMetrics(app, { path: '/internal/metrics' })
 */
export async function scrapeMetrics(target: ScrapeTarget, options: ScrapeOptions = {}): Promise<MetricsSnapshot> {
  const headers = { accept: options.openMetrics === true ? OPENMETRICS_ACCEPT : PROMETHEUS_ACCEPT, ...options.headers };
  let where: string;
  let status: number;
  let contentType: string;
  let body: string;
  if (isInjectable(target)) {
    const path = options.path ?? '/metrics';
    where = `the app's ${path}`;
    const response = await target.inject({ method: 'GET', url: path, headers });
    status = response.statusCode;
    const header = response.headers['content-type'];
    contentType = typeof header === 'string' ? header : '';
    body = response.payload;
  } else {
    where = String(target);
    try {
      const response = await fetch(target, { headers, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
      status = response.status;
      contentType = response.headers.get('content-type') ?? '';
      body = await response.text();
    } catch (error) {
      // fetch's errors come from Node's realm, not the test's: read them by shape, not instanceof.
      const failure = error as { name?: unknown; message?: unknown; cause?: { message?: unknown } } | undefined;
      const timedOut = failure?.name === 'TimeoutError' || failure?.name === 'AbortError';
      throw new ContractError(
        'CONTRACT_SCRAPE_FAILED',
        {
          action: `scrape ${where}`,
          reason: timedOut
            ? `it did not answer within ${options.timeoutMs ?? 10_000} ms`
            : `the request failed (${String(failure?.cause?.message ?? failure?.message ?? error)})`,
          fix: 'Check that the service is listening there and serves its metrics on that path.',
        },
        { cause: error },
      );
    }
  }
  if (status !== 200) {
    throw new ContractError('CONTRACT_SCRAPE_FAILED', {
      action: `scrape ${where}`,
      reason: `it answered ${status}${body.trim() === '' ? '' : `: ${maskLine(body.trim().split('\n')[0]!)}`}`,
      fix: 'Check the metrics path and any authentication header (options.headers).',
    });
  }
  return parsePrometheusText(body, { format: formatOf(contentType, where) });
}
