import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { TracerProvider } from '@opentelemetry/api';
import { SpanStatusCode, type Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PAYMENTS_ATTEMPT_CHANNEL, type PaymentsAttemptMessage } from '../payments-provider.ts';
import { PROMETHEUS_CONTENT_TYPE } from './metrics-registry.ts';
import { ServiceMetrics, UNMATCHED_ROUTE } from './service-metrics.ts';
import { failSpan, ServiceTracing } from './service-tracing.ts';

/** Options of {@link ServiceObservability}. */
export interface ObservabilityOptions {
  /** Where spans go: an OpenTelemetry SDK `TracerProvider`; the global one (a no-op unless registered) when left out. */
  tracerProvider?: TracerProvider | undefined;
}

/** The route that serves the metrics. */
export const METRICS_PATH = '/metrics';

/**
 * Everything the service reports about itself: its Prometheus metrics and its OpenTelemetry
 * tracing. One per app, so several apps in one process (the tests) keep separate numbers and spans.
 *
 * @example
 * const observability = new ServiceObservability({ tracerProvider })
 * const app = buildApp({ database, assistant, payments, observability })
 */
export class ServiceObservability {
  readonly metrics = new ServiceMetrics();
  readonly tracing: ServiceTracing;

  constructor(options: ObservabilityOptions = {}) {
    this.tracing = new ServiceTracing(options.tracerProvider);
  }
}

const requestSpans = new WeakMap<FastifyRequest, Span>();
const requestErrors = new WeakMap<FastifyRequest, Error>();

function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? UNMATCHED_ROUTE;
}

/** A placed order, as `POST /orders` answers it: counted once, never on an idempotent replay. */
function countPlacedOrder(observability: ServiceObservability, request: FastifyRequest, reply: FastifyReply, payload: unknown): void {
  if (request.method !== 'POST' || routeOf(request) !== '/orders' || reply.statusCode !== 201) return;
  if (reply.getHeader('idempotent-replayed') === 'true' || typeof payload !== 'string') return;
  try {
    const { currency } = JSON.parse(payload) as { currency?: unknown };
    if (typeof currency === 'string') observability.metrics.orderPlaced(currency);
  } catch {
    // Not JSON: not an order.
  }
}

/**
 * Wire `observability` into `app`: a server span per request (named `METHOD /route/template`, the
 * parent of every span started while the request is handled), failed with the error's exception
 * on a 5xx; `http_requests_total` and `http_request_duration_seconds` by route template; orders
 * placed; retried payments-provider calls (from {@link PAYMENTS_ATTEMPT_CHANNEL}). Serve them with
 * {@link registerMetricsRoute}.
 *
 * @example
 * registerObservability(app, new ServiceObservability())
 */
export function registerObservability(app: FastifyInstance, observability: ServiceObservability): void {
  const { metrics, tracing } = observability;

  app.addHook('onRequest', (request, _reply, done) => {
    const route = routeOf(request);
    const span = tracing.startServerSpan(`${request.method} ${route}`, {
      'http.request.method': request.method,
      'http.route': route,
      'url.path': request.url.split('?')[0]!,
    });
    requestSpans.set(request, span);
    done();
  });
  // After the body is parsed (parsing runs in the socket's async context): the handler and every
  // await inside it see the request's span as the active one.
  app.addHook('preValidation', (request, _reply, done) => {
    const span = requestSpans.get(request);
    if (span === undefined) return done();
    tracing.runWithSpan(span, () => done());
  });
  app.addHook('onError', (request, _reply, error, done) => {
    requestErrors.set(request, error);
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    countPlacedOrder(observability, request, reply, payload);
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = routeOf(request);
    metrics.observeRequest({ method: request.method, route, status: reply.statusCode, durationSeconds: reply.elapsedTime / 1000 });
    const span = requestSpans.get(request);
    if (span !== undefined) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      // A 4xx is the client's failure, not the server's: the span stays unset (OpenTelemetry's HTTP conventions).
      const error = requestErrors.get(request);
      if (reply.statusCode >= 500 && error !== undefined) failSpan(span, error);
      else if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${reply.statusCode}` });
      span.end();
      requestSpans.delete(request);
    }
    done();
  });

  // The provider client publishes each failed attempt; only those made while this app handles a
  // request are counted here (other apps in the process have their own tracing context).
  const onAttempt = (message: unknown) => {
    if (!tracing.isActive()) return;
    const attempt = message as PaymentsAttemptMessage;
    const span = tracing.activeSpan();
    span?.addEvent('payments.attempt_failed', {
      'payments.operation': attempt.operation,
      'payments.attempt': attempt.attempt,
      'payments.failure': attempt.reason,
      ...(attempt.status === undefined ? {} : { 'http.response.status_code': attempt.status }),
    });
    if (attempt.willRetry) metrics.paymentRetried(attempt.operation, attempt.reason);
  };
  subscribe(PAYMENTS_ATTEMPT_CHANNEL, onAttempt);
  app.addHook('onClose', (_instance, done) => {
    unsubscribe(PAYMENTS_ATTEMPT_CHANNEL, onAttempt);
    done();
  });
}

/**
 * Serve `GET /metrics`: the metrics of `observability` in the Prometheus text format 0.0.4. No
 * tenant header: the numbers are the service's, by route and enumerated labels only.
 *
 * @example
 * registerMetricsRoute(app, observability)
 */
export function registerMetricsRoute(app: FastifyInstance, observability: ServiceObservability): void {
  app.get(METRICS_PATH, async (_request, reply) => reply.type(PROMETHEUS_CONTENT_TYPE).send(observability.metrics.render()));
}
