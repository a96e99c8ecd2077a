import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import Fastify from 'fastify';
import { captureLogs } from '@proving-ground/contract-helpers';
import { observabilityMatchers, scrapeMetrics } from '@proving-ground/contract-helpers/observability';

expect.extend(observabilityMatchers); // or list @proving-ground/contract-helpers/jest in setupFilesAfterEnv

const spans = new InMemorySpanExporter();
const tracer = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] }).getTracer('orders');
const logs = captureLogs({ console: false });

// The service under test: a counter, a histogram, a server span with a database child, pino logs.
const app = Fastify({ logger: { stream: logs.stream } });
const requests = new Map<string, number>();
let observed = 0;
app.post('/orders', async (request, reply) => {
  const span = tracer.startSpan('POST /orders', { kind: SpanKind.SERVER, attributes: { 'http.route': '/orders' } });
  tracer.startSpan('INSERT orders', { kind: SpanKind.CLIENT }, trace.setSpan(context.active(), span)).end();
  const status = (request.body as { sku?: string }).sku === undefined ? 422 : 201;
  if (status !== 201) span.setStatus({ code: SpanStatusCode.ERROR, message: 'sku is missing' });
  span.setAttribute('http.response.status_code', status);
  span.end();
  requests.set(String(status), (requests.get(String(status)) ?? 0) + 1);
  observed++;
  request.log.info({ status }, 'order handled');
  return reply.code(status).send({});
});
app.get('/metrics', async (_request, reply) => {
  const lines = ['# HELP http_requests_total Requests handled.', '# TYPE http_requests_total counter'];
  for (const [status, count] of requests) lines.push(`http_requests_total{route="/orders",status="${status}"} ${count}`);
  lines.push('# HELP http_request_duration_seconds Time to answer.', '# TYPE http_request_duration_seconds histogram');
  lines.push(`http_request_duration_seconds_bucket{route="/orders",le="0.1"} ${observed}`);
  lines.push(`http_request_duration_seconds_bucket{route="/orders",le="+Inf"} ${observed}`);
  lines.push(`http_request_duration_seconds_sum{route="/orders"} ${observed * 0.01}`);
  lines.push(`http_request_duration_seconds_count{route="/orders"} ${observed}`);
  return reply.type('text/plain; version=0.0.4').send(`${lines.join('\n')}\n`);
});

describe('POST /orders telemetry', () => {
  beforeEach(() => spans.reset());
  afterAll(() => app.close());

  it('should count the order, time it, trace it and log nothing personal', async () => {
    const before = await scrapeMetrics(app);

    await app.inject({ method: 'POST', url: '/orders', payload: { sku: 'A-1', email: 'jane.doe@corp.example' } });

    const after = await scrapeMetrics(app);
    expect(after).toHaveMetric('http_requests_total', { labels: { route: '/orders', status: '201' }, since: before, delta: 1 });
    expect(after).toHaveHistogramObservation('http_request_duration_seconds', {
      labels: { route: '/orders' },
      since: before,
      count: 1,
      le: 0.1,
    });
    expect(after).toFollowMetricConventions({ requiredLabels: { http_requests_total: ['route', 'status'] } });
    expect(spans).toHaveSpan('POST /orders', { kind: 'server', attributes: { 'http.response.status_code': 201 } });
    expect(spans).toHaveSpan('INSERT orders', { kind: 'client', parent: 'POST /orders' });
    expect(spans).not.toLeakPii();
    expect(logs).not.toLeakPii();
  });

  it('should mark the span of a rejected order as an error', async () => {
    await app.inject({ method: 'POST', url: '/orders', payload: {} });

    expect(spans).toHaveSpan('POST /orders', { status: { code: 'error', message: 'sku is missing' } });
  });
});
