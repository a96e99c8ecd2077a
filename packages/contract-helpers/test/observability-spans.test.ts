import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, SeverityNumber, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import pino from 'pino';
import { captureLogs, isContractError } from '../src/index.js';
import { findTelemetryPii, formatSpanTree, observabilityMatchers, readSpans, spanTree } from '../src/observability.js';

expect.extend(observabilityMatchers);

const spans = new InMemorySpanExporter();
const tracer = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] }).getTracer('orders-service');
const logRecords = new InMemoryLogRecordExporter();
const otelLogger = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: logRecords })] }).getLogger('orders-service');

class PaymentDeclined extends Error {
  override name = 'PaymentDeclined';
}

/**
 * A small orders service instrumented by hand as OpenTelemetry's HTTP and database instrumentations
 * would: a server span per request, a client span for the INSERT and one for the payment call,
 * which fails for card 4000 0000 0000 0002. `leak` records the customer's e-mail on the span and in
 * the log record, as a careless instrumentation would.
 */
function ordersService(leak: boolean): Server {
  return createServer((request, response) => {
    const server = tracer.startSpan(`${request.method} /orders`, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': request.method!, 'http.route': '/orders' },
    });
    const inRequest = trace.setSpan(context.active(), server);
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const order = JSON.parse(body) as { email: string; card: string };
      const insert = tracer.startSpan(
        'pg.query INSERT orders',
        { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql' } },
        inRequest,
      );
      insert.end();
      const payment = tracer.startSpan('charge card', { kind: SpanKind.CLIENT, attributes: { 'payment.provider': 'acme' } }, inRequest);
      const declined = order.card.endsWith('0002');
      if (declined) {
        payment.recordException(new PaymentDeclined('card declined by issuer'));
        payment.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined by issuer' });
      }
      payment.end();
      if (leak) server.setAttribute('customer.email', order.email);
      otelLogger.emit({
        severityNumber: SeverityNumber.INFO,
        severityText: 'INFO',
        body: leak ? `order placed for ${order.email}` : 'order placed',
        attributes: { 'order.status': declined ? 'payment_failed' : 'placed' },
      });
      const status = declined ? 402 : 201;
      server.setAttribute('http.response.status_code', status);
      if (declined) server.setStatus({ code: SpanStatusCode.ERROR });
      response.writeHead(status, { 'content-type': 'application/json' }).end('{}');
      server.end();
    });
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function placeOrder(url: string, card: string): Promise<number> {
  const response = await fetch(`${url}/orders`, { method: 'POST', body: JSON.stringify({ email: 'jane.doe@corp.example', card }) });
  await response.text();
  return response.status;
}

/** The message of the assertion `run` makes fail. */
function failureOf(run: () => void): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the assertion passed');
}

describe('span matchers on spans from the OpenTelemetry SDK', () => {
  let careful: Server;
  let leaky: Server;
  let carefulUrl: string;
  let leakyUrl: string;

  beforeAll(async () => {
    careful = ordersService(false);
    leaky = ordersService(true);
    carefulUrl = await listen(careful);
    leakyUrl = await listen(leaky);
  });
  afterEach(() => {
    spans.reset();
    logRecords.reset();
  });
  afterAll(async () => {
    await new Promise((resolve) => careful.close(resolve));
    await new Promise((resolve) => leaky.close(resolve));
  });

  it('should find the server span with its kind, status and attributes, and its children under it', async () => {
    expect(await placeOrder(carefulUrl, '4242 4242 4242 4242')).toBe(201);

    expect(spans).toHaveSpan('POST /orders', {
      kind: 'server',
      status: 'unset',
      attributes: { 'http.route': '/orders', 'http.response.status_code': 201, 'http.request.method': expect.any(String) },
    });
    expect(spans).toHaveSpan(/^pg\.query/, { kind: 'client', parent: 'POST /orders' });
    const [insert, payment, request] = spans.getFinishedSpans();
    expect(insert).toBeChildOf(request!, spans);
    expect(payment).toBeChildOf(request!);
    expect(request).not.toBeChildOf(payment!);
    expect(spans).toHaveSpan('charge card', { exception: false, status: 'unset' });
  });

  it('should check the error status and the recorded exception of a failed payment', async () => {
    expect(await placeOrder(carefulUrl, '4000 0000 0000 0002')).toBe(402);

    expect(spans).toHaveSpan('charge card', {
      status: { code: 'error', message: /declined/ },
      exception: { type: 'PaymentDeclined', message: 'card declined by issuer' },
      events: ['exception'],
      parent: spans.getFinishedSpans().find((span) => span.name === 'POST /orders')!,
    });
    expect(spans).toHaveSpan('POST /orders', { status: 'error', attributes: { 'http.response.status_code': 402 } });
    expect(spans).not.toHaveSpan('pg.query INSERT orders', { status: 'error' });
  });

  it('should say what each span of the name lacks and print the span tree', async () => {
    await placeOrder(carefulUrl, '4000 0000 0000 0002');

    const message = failureOf(() =>
      expect(spans).toHaveSpan('charge card', {
        status: 'ok',
        attributes: { 'payment.provider': 'stripe' },
        exception: { type: 'Timeout' },
      }),
    );

    expect(message).toContain(
      'Expected a span "charge card" with status ok, attributes payment.provider, a recorded exception, but none of the 1 span named so matches:',
    );
    expect(message).toContain(
      '  charge card  [client, error: card declined by issuer]: status is error, not ok; attribute payment.provider is "acme", not "stripe"; its exceptions are "PaymentDeclined": "card declined by issuer", not "Timeout"',
    );
    expect(message).toContain(
      [
        '  POST /orders  [server, error]',
        '  ├─ pg.query INSERT orders  [client, unset]',
        '  └─ charge card  [client, error: card declined by issuer]  ←',
      ].join('\n'),
    );
  });

  it('should name the real parent when a span hangs elsewhere', async () => {
    await placeOrder(carefulUrl, '4242 4242 4242 4242');
    const [insert, payment] = spans.getFinishedSpans();

    const message = failureOf(() => expect(payment).toBeChildOf(insert!, spans));

    expect(message).toContain('Expected "charge card" to be a child of "pg.query INSERT orders"');
    expect(message).toContain('but its parent is "POST /orders".');
    expect(message).toContain('├─ pg.query INSERT orders  [client, unset]  ←');
  });

  it('should build the tree, marking spans whose parent was not exported', async () => {
    await placeOrder(carefulUrl, '4242 4242 4242 4242');
    const finished = spans.getFinishedSpans();
    const withoutRequest = finished.filter((span) => span.name !== 'POST /orders');

    expect(spanTree(spans).map((node) => [node.span.name, node.children.map((child) => child.span.name)])).toEqual([
      ['POST /orders', ['pg.query INSERT orders', 'charge card']],
    ]);
    expect(formatSpanTree(withoutRequest)).toMatch(
      /^\(parent [0-9a-f]{8}… not among the spans\) pg\.query INSERT orders {2}\[client, unset\]\n/,
    );
  });

  it('should find the e-mail a careless service puts on its span and in its log record, masked', async () => {
    await placeOrder(leakyUrl, '4242 4242 4242 4242');

    const message = failureOf(() => expect(spans).not.toLeakPii());
    const inLogs = findTelemetryPii(logRecords);

    expect(message).toContain(`span "POST /orders"  $.attributes['customer.email']  email  j***@c***.example`);

    expect(message).not.toContain('jane.doe');
    expect(inLogs.map((finding) => [finding.where, finding.path, finding.category, finding.masked])).toEqual([
      ['log record 1 (INFO)', '$.body', 'email', 'j***@c***.example'],
    ]);
  });

  it('should pass a careful service, whose spans and log records carry no personal data', async () => {
    await placeOrder(carefulUrl, '4000 0000 0000 0002');

    expect(spans).not.toLeakPii();
    expect(logRecords).not.toLeakPii();
    expect(logRecords.getFinishedLogRecords()).not.toLeakPii();
  });
});

describe('toLeakPii on log lines', () => {
  it('should reuse captureLogs: pino lines and console text are checked line by line, values masked', () => {
    const logs = captureLogs();
    const logger = pino({ base: undefined, timestamp: false }, logs.stream);
    logger.info({ orderId: 'ord_42' }, 'order placed');
    logger.warn({ customer: { email: 'jane.doe@corp.example' } }, 'payment retried');
    console.log('calling +44 20 7946 0958 back');
    logs.restore();

    const message = failureOf(() => expect(logs).not.toLeakPii());

    expect(message).toContain('log line 2  $.customer.email  email  j***@c***.example');
    expect(message).toContain('log line 3  $  phone');
    expect(message).not.toContain('jane.doe');
    expect(message).not.toContain('7946 0958');
    expect(['{"level":30,"orderId":"ord_42","msg":"order placed"}']).not.toLeakPii();
  });
});

describe('readSpans', () => {
  it('should read exported span records with SDK 1.x parentSpanId and named kinds and statuses', () => {
    const records = [
      {
        name: 'GET /orders/:id',
        kind: 'SPAN_KIND_SERVER',
        traceId: 'a'.repeat(32),
        spanId: '1'.repeat(16),
        status: { code: 'STATUS_CODE_OK' },
      },
      { name: 'cache get', kind: 2, traceId: 'a'.repeat(32), spanId: '2'.repeat(16), parentSpanId: '1'.repeat(16) },
    ];

    expect(readSpans(records).map(({ name, kind, status, parentSpanId }) => ({ name, kind, status, parentSpanId }))).toEqual([
      { name: 'GET /orders/:id', kind: 'server', status: 'ok', parentSpanId: undefined },
      { name: 'cache get', kind: 'client', status: 'unset', parentSpanId: '1'.repeat(16) },
    ]);
    expect(records[1]).toBeChildOf(records[0]!);
  });

  it('should refuse what is not spans with CONTRACT_UNSUPPORTED_TELEMETRY', () => {
    let caught: unknown;
    try {
      expect({ spans: [] }).toHaveSpan('x');
    } catch (error) {
      caught = error;
    }

    expect(isContractError(caught) && caught.code).toBe('CONTRACT_UNSUPPORTED_TELEMETRY');
    expect((caught as Error).message).toContain('is neither an array of spans nor an exporter with getFinishedSpans()');
  });
});
