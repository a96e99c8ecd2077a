import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { captureLogs, type LogCapture } from '@proving-ground/contract-helpers';
import {
  metricDelta,
  observabilityMatchers,
  readSpans,
  scrapeMetrics,
  type MetricsSnapshot,
  type SpanLike,
} from '@proving-ground/contract-helpers/observability';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { setupServer, type SetupServer } from 'msw/node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DownloadLinks } from '../../src/download-links.ts';
import { ServiceObservability } from '../../src/observability/service-observability.ts';
import { llmCostDollars } from '../../src/observability/service-metrics.ts';
import type { Order } from '../../src/orders.ts';
import { TENANT_HEADER, type Tenant } from '../../src/tenancy.ts';
import { MOCK_USAGE, streamingChatCompletion } from '../mock-llm.ts';
import { mockPaymentsProvider } from '../mock-payments.ts';
import { buildDesk, openDeskDatabase, type DeskDatabase, type RunningSupportDesk } from '../support-desk.ts';

expect.extend(observabilityMatchers);

/** Not loopback: in mock mode only the msw handlers answer them. */
const PAYMENTS_BASE_URL = 'https://payments.support-desk.test/v1';
const LLM_BASE_URL = 'https://llm.support-desk.test/v1';
const LLM_MODEL = 'gpt-4o-mini';

/** Personal data the journey sends through the API on purpose: none of it may reach a log line or a span. */
const PEOPLE = {
  ann: { email: 'ann.smith@acme-mugs.example', name: 'Ann Smith' },
  lead: { email: 'carla.reyes@prospect.example', name: 'Carla Reyes', phone: '+351912345678', source: 'web' },
  question: 'I am ann.smith@acme-mugs.example, call me on +351 912 345 678: how long does shipping take?',
};

describe('support-desk telemetry after an order journey', () => {
  let msw: SetupServer;
  let db: DeskDatabase;
  let desk: RunningSupportDesk;
  let logs: LogCapture;
  let exportDir: string;
  const spans = new InMemorySpanExporter();
  const observability = new ServiceObservability({
    tracerProvider: new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] }),
  });
  let tenant: Tenant;
  let as: (options: InjectOptions) => Promise<LightMyRequestResponse>;

  beforeAll(async () => {
    msw = setupServer();
    msw.listen({ onUnhandledFrame: 'bypass' }); // what msw does not answer goes on to the test-modes guard
    msw.use(
      ...mockPaymentsProvider(PAYMENTS_BASE_URL).handlers,
      streamingChatCompletion(LLM_BASE_URL, { pieces: ['Standard ', 'shipping ', 'takes 3 to 5 days.'], model: LLM_MODEL }),
    );
    db = await openDeskDatabase();
    logs = captureLogs({ console: false });
    exportDir = mkdtempSync(join(tmpdir(), 'support-desk-telemetry-'));
    desk = await buildDesk(db.database, {
      payments: { baseURL: PAYMENTS_BASE_URL, apiKey: 'pk_test_desk', retries: 1 },
      llm: { baseURL: LLM_BASE_URL, apiKey: 'sk_test_llm_key', model: LLM_MODEL, maxRetries: 0 },
      exports: { directory: exportDir, links: new DownloadLinks({ secret: Buffer.alloc(32, 7) }) },
      logger: { stream: logs.stream, level: 'info' },
      observability,
    });
    tenant = await desk.createTenant('Acme Mugs');
    as = async (options) => desk.app.inject({ ...options, headers: { ...options.headers, [TENANT_HEADER]: tenant.id } } as InjectOptions);
  });

  afterAll(async () => {
    logs?.restore();
    msw?.close();
    await desk?.close();
    await db?.close();
    if (exportDir !== undefined) rmSync(exportDir, { recursive: true, force: true });
  });

  async function placeOrder(): Promise<Order> {
    const user = await desk.createUser(tenant.id, {
      email: `buyer.${Math.random().toString(36).slice(2)}@acme-mugs.example`,
      name: 'A Buyer',
    });
    return desk.createOrder(tenant.id, {
      userId: user.id,
      currency: 'EUR',
      lines: [{ sku: 'MUG-BLUE', quantity: 2, unitPriceCents: 1250 }],
    });
  }

  const spanNamed = (name: string): SpanLike => {
    const found = spans.getFinishedSpans().find((span) => span.name === name);
    if (found === undefined)
      throw new Error(
        `No span named ${name}: ${spans
          .getFinishedSpans()
          .map((span) => span.name)
          .join(', ')}`,
      );
    return found;
  };

  describe('metrics', () => {
    let before: MetricsSnapshot;
    let after: MetricsSnapshot;
    let order: Order;

    beforeAll(async () => {
      before = await scrapeMetrics(desk.app);
      order = await placeOrder();
      await as({ method: 'GET', url: `/orders/${order.id}` });
      await as({ method: 'GET', url: '/orders/00000000-0000-4000-8000-000000000000' }); // 404
      await as({ method: 'POST', url: `/orders/${order.id}/payments`, payload: { token: 'tok_flaky' } }); // 503 once, retried: 201
      await as({
        method: 'POST',
        url: '/faq',
        headers: { accept: 'application/json' },
        payload: { question: 'How long does shipping take?' },
      });
      await desk.app.inject({ method: 'GET', url: '/no/such/route/42' });
      after = await scrapeMetrics(desk.app);
    });

    it('should count each request by method, route template and status', () => {
      expect(after).toHaveMetric('http_requests_total', {
        labels: { method: 'POST', route: '/orders', status: '201' },
        since: before,
        delta: 1,
      });
      expect(after).toHaveMetric('http_requests_total', { labels: { method: 'GET', route: '/orders/:id' }, since: before, delta: 2 });
      expect(after).toHaveMetric('http_requests_total', { labels: { route: '/orders/:id', status: '404' }, since: before, delta: 1 });
      expect(after).toHaveMetric('http_requests_total', {
        labels: { route: '/orders/:id/payments', status: '201' },
        since: before,
        delta: 1,
      });
      expect(after).toHaveMetric('http_requests_total', { labels: { route: 'unmatched', status: '404' }, since: before, delta: 1 });
    });

    it('should time each request in the duration histogram of its route', () => {
      expect(after).toHaveHistogramObservation('http_request_duration_seconds', {
        labels: { method: 'GET', route: '/orders/:id' },
        since: before,
        count: 2,
        le: 10,
      });
      expect(after).toHaveHistogramObservation('http_request_duration_seconds', { labels: { route: '/faq' }, since: before, count: 1 });
    });

    it('should count the domain events: an order placed, a payment retried, the LLM tokens and their cost', () => {
      expect(after).toHaveMetric('orders_placed_total', { labels: { currency: 'EUR' }, since: before, delta: 1 });
      expect(after).toHaveMetric('payments_retried_total', {
        labels: { operation: 'POST /charges', reason: 'unavailable' },
        since: before,
        delta: 1,
      });
      expect(after).toHaveMetric('llm_tokens_total', {
        labels: { model: LLM_MODEL, direction: 'input' },
        since: before,
        delta: MOCK_USAGE.prompt_tokens,
      });
      expect(after).toHaveMetric('llm_tokens_total', {
        labels: { model: LLM_MODEL, direction: 'output' },
        since: before,
        delta: MOCK_USAGE.completion_tokens,
      });
      const cost = metricDelta(before, after, 'llm_cost_dollars_total', { model: LLM_MODEL });
      expect(cost).toBeCloseTo(
        llmCostDollars(LLM_MODEL, { promptTokens: MOCK_USAGE.prompt_tokens, completionTokens: MOCK_USAGE.completion_tokens })!,
        12,
      );
      expect(after).toHaveMetric('faq_answers_total', { labels: { source: 'model' }, since: before, delta: 1 });
    });

    it('should not count an idempotent replay as a second order', async () => {
      const user = await desk.createUser(tenant.id, { email: 'replay.buyer@acme-mugs.example', name: 'Replay Buyer' });
      const body = { userId: user.id, currency: 'USD', lines: [{ sku: 'MUG-RED', quantity: 1, unitPriceCents: 900 }] };
      const start = await scrapeMetrics(desk.app);

      await as({ method: 'POST', url: '/orders', headers: { 'idempotency-key': 'telemetry-replay-1' }, payload: body });
      await as({ method: 'POST', url: '/orders', headers: { 'idempotency-key': 'telemetry-replay-1' }, payload: body });

      const end = await scrapeMetrics(desk.app);
      expect(end).toHaveMetric('http_requests_total', {
        labels: { method: 'POST', route: '/orders', status: '201' },
        since: start,
        delta: 2,
      });
      expect(end).toHaveMetric('orders_placed_total', { labels: { currency: 'USD' }, since: start, delta: 1 });
    });

    it('should follow the Prometheus naming and labelling conventions over the whole /metrics output', () => {
      expect(after).toFollowMetricConventions({
        requiredLabels: {
          http_requests_total: ['method', 'route', 'status'],
          http_request_duration_seconds: ['method', 'route'],
        },
      });
    });

    it('should label requests by route template, never by the raw path with its ids', () => {
      const text = JSON.stringify(after.families.map((family) => family.samples.map((sample) => sample.labels)));

      expect(text).not.toContain(order.id);
      expect(text).not.toContain('/no/such/route/42');
    });
  });

  describe('spans', () => {
    it('should make the request span the parent of its database spans', async () => {
      const order = await placeOrder();
      spans.reset();

      await as({ method: 'GET', url: `/orders/${order.id}` });

      const request = spanNamed('GET /orders/:id');
      expect(spans).toHaveSpan('GET /orders/:id', {
        kind: 'server',
        status: 'unset',
        attributes: { 'http.route': '/orders/:id', 'http.response.status_code': 200 },
      });
      expect(spans).toHaveSpan('SELECT orders', { kind: 'client', parent: request, attributes: { 'db.system.name': 'postgresql' } });
      expect(spans).toHaveSpan('SELECT order_lines', { kind: 'client', parent: request });
      expect(spanNamed('SELECT tenants')).toBeChildOf(request, spans);
    });

    it('should make the request span the parent of the payments and LLM upstream spans', async () => {
      const order = await placeOrder();
      spans.reset();

      await as({ method: 'POST', url: `/orders/${order.id}/payments`, payload: { token: 'tok_visa' } });
      await as({
        method: 'POST',
        url: '/faq',
        headers: { accept: 'application/json' },
        payload: { question: 'How long does shipping take?' },
      });

      expect(spanNamed('payments POST /charges')).toBeChildOf(spanNamed('POST /orders/:id/payments'), spans);
      expect(spans).toHaveSpan('payments POST /charges', {
        kind: 'client',
        status: 'unset',
        attributes: { 'payments.charge.status': 'succeeded' },
      });
      expect(spans).toHaveSpan('INSERT payments', { parent: 'POST /orders/:id/payments' });
      expect(spanNamed(`chat ${LLM_MODEL}`)).toBeChildOf(spanNamed('POST /faq'), spans);
      expect(spans).toHaveSpan(`chat ${LLM_MODEL}`, {
        kind: 'client',
        attributes: { 'gen_ai.usage.input_tokens': MOCK_USAGE.prompt_tokens, 'gen_ai.usage.output_tokens': MOCK_USAGE.completion_tokens },
      });
    });

    it('should mark the spans of a failing payments provider as errors, with the exception recorded', async () => {
      const order = await placeOrder();
      spans.reset();

      const response = await as({ method: 'POST', url: `/orders/${order.id}/payments`, payload: { token: 'tok_unavailable' } });

      expect(response.statusCode).toBe(502);
      expect(spans).toHaveSpan('payments POST /charges', {
        kind: 'client',
        status: 'error',
        exception: { type: 'PaymentsProviderError', message: /answered 503/ },
        events: ['payments.attempt_failed', 'exception'],
        parent: 'POST /orders/:id/payments',
      });
      expect(spans).toHaveSpan('POST /orders/:id/payments', {
        kind: 'server',
        status: 'error',
        exception: true,
        attributes: { 'http.response.status_code': 502 },
      });
      const failedAttempts = readSpans(spans)
        .find((span) => span.name === 'payments POST /charges')!
        .events.filter((event) => event.name === 'payments.attempt_failed');
      expect(failedAttempts).toHaveLength(2); // the first attempt and its one retry
    });

    it('should leave a client error (4xx) unset on the server span', async () => {
      spans.reset();

      await as({ method: 'GET', url: '/orders/00000000-0000-4000-8000-000000000000' });

      expect(spans).toHaveSpan('GET /orders/:id', { status: 'unset', exception: false, attributes: { 'http.response.status_code': 404 } });
    });
  });

  describe('personal data', () => {
    let leadResponse: { statusCode: number; body: string };

    beforeAll(async () => {
      spans.reset();
      await desk.createUser(tenant.id, PEOPLE.ann);
      await as({ method: 'POST', url: '/users', payload: { ...PEOPLE.ann, name: 'Ann Again' } }); // 409: the email is taken
      leadResponse = await as({ method: 'POST', url: '/leads', payload: PEOPLE.lead });
      await as({ method: 'POST', url: '/faq', headers: { accept: 'application/json' }, payload: { question: PEOPLE.question } });
      await placeOrder();
      const exported = (await as({ method: 'POST', url: '/orders/export' })).json<{ download: { url: string } }>();
      await desk.app.inject({ method: 'GET', url: exported.download.url }); // the link's token is in the logged URL
      const order = await placeOrder();
      await as({ method: 'POST', url: `/orders/${order.id}/payments`, payload: { token: 'tok_unavailable' } }); // 502, logged with its cause
    });

    it('should send the personal data through the API (the checks below are not vacuous)', () => {
      expect(leadResponse.statusCode).toBe(201);
      expect(leadResponse.body).toContain(PEOPLE.lead.phone);
      expect(logs.lines.some((line) => line.includes('/exports/'))).toBe(true);
    });

    it('should record no personal data or credential in any span', () => {
      expect(spans.getFinishedSpans().length).toBeGreaterThan(10);
      expect(spans).not.toLeakPii();
    });

    it('should log no personal data or credential in any line', () => {
      expect(logs.lines.length).toBeGreaterThan(10);
      expect(logs).not.toLeakPii();
      const everything = logs.lines.join('\n');
      for (const value of [PEOPLE.ann.email, PEOPLE.lead.email, PEOPLE.lead.phone, 'pk_test_desk', 'sk_test_llm_key']) {
        expect(everything).not.toContain(value);
      }
      expect(everything).not.toMatch(/token=(?!\[REDACTED\])/);
    });

    it('should tie the error log line of a failed request to its trace', () => {
      const failed = logs.entries.findLast((entry) => (entry as { msg?: string }).msg === 'request failed') as
        { trace_id?: string } | undefined;
      const server = readSpans(spans).find((span) => span.name === 'POST /orders/:id/payments' && span.status === 'error');

      expect(failed?.trace_id).toBe(server?.traceId);
    });
  });
});
