import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Fastify from 'fastify';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isContractError } from '../src/index.js';
import { observabilityMatchers, scrapeMetrics } from '../src/observability.js';

expect.extend(observabilityMatchers);

const OPENMETRICS = [
  '# TYPE orders counter',
  '# HELP orders Orders placed.',
  'orders_total{channel="web"} 2',
  '# TYPE checkout_duration_seconds histogram',
  '# UNIT checkout_duration_seconds seconds',
  'checkout_duration_seconds_bucket{le="0.5"} 1 # {trace_id="4bf92f3577b34da6a3ce929d0e0e4736"} 0.3',
  'checkout_duration_seconds_bucket{le="+Inf"} 2',
  'checkout_duration_seconds_sum 1.3',
  'checkout_duration_seconds_count 2',
  '# EOF',
  '',
].join('\n');

/** The error `promise` rejects with. */
async function rejection(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return { code: isContractError(error) ? error.code : undefined, message: (error as Error).message };
  }
  throw new Error('the promise resolved');
}

describe('scrapeMetrics', () => {
  let server: Server;
  let url: string;
  const seen: Array<string | undefined> = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      seen.push(request.headers.accept);
      if (request.url === '/metrics' && request.headers.accept?.startsWith('application/openmetrics-text') === true) {
        response.writeHead(200, { 'content-type': 'application/openmetrics-text; version=1.0.0; charset=utf-8' }).end(OPENMETRICS);
      } else if (request.url === '/metrics') {
        response
          .writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
          .end('# TYPE orders_total counter\norders_total{channel="web"} 2\n');
      } else if (request.url === '/protected') {
        response.writeHead(401).end('missing bearer token for ops@corp.example\n');
      } else {
        response.writeHead(200, { 'content-type': 'application/vnd.google.protobuf' }).end('');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('should ask for the text format 0.0.4 and parse it', async () => {
    const metrics = await scrapeMetrics(`${url}/metrics`);

    expect(seen.at(-1)).toBe('text/plain;version=0.0.4;q=1,*/*;q=0.1');
    expect(metrics.format).toBe('prometheus');
    expect(metrics).toHaveMetric('orders_total', { labels: { channel: 'web' }, value: 2 });
  });

  it('should ask for OpenMetrics when told to and read it as the Content-Type says, exemplars included', async () => {
    const metrics = await scrapeMetrics(new URL(`${url}/metrics`), { openMetrics: true });

    expect(metrics.format).toBe('openmetrics');
    expect(metrics).toHaveMetric('orders', { type: 'counter', value: 2 });
    expect(metrics).toHaveMetric('orders_total', { labels: { channel: 'web' }, value: 2 });
    expect(metrics).toHaveHistogramObservation('checkout_duration_seconds', { count: 2, sum: 1.3 });
    expect(metrics.families[1]!.samples[0]!.exemplar).toEqual({ labels: { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' }, value: 0.3 });
  });

  it('should fail with CONTRACT_SCRAPE_FAILED on a status other than 200, the body masked', async () => {
    const { code, message } = await rejection(scrapeMetrics(`${url}/protected`));

    expect(code).toBe('CONTRACT_SCRAPE_FAILED');
    expect(message).toBe(
      `[contract-helpers] Failed to scrape ${url}/protected: it answered 401: missing bearer token for o***@c***.example. Check the metrics path and any authentication header (options.headers).`,
    );
  });

  it('should fail with CONTRACT_SCRAPE_FAILED on a format it does not read and on a closed port', async () => {
    expect((await rejection(scrapeMetrics(`${url}/protobuf`))).message).toContain(
      'it answered with "application/vnd.google.protobuf", not a text exposition format',
    );
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    const refused = await rejection(scrapeMetrics(`http://127.0.0.1:${port}/metrics`));

    expect(refused.code).toBe('CONTRACT_SCRAPE_FAILED');
    expect(refused.message).toContain(
      `Failed to scrape http://127.0.0.1:${port}/metrics: the request failed (connect ECONNREFUSED 127.0.0.1:${port})`,
    );
  });

  it('should scrape a Fastify app through inject, on the path given', async () => {
    const app = Fastify();
    let requests = 0;
    app.addHook('onResponse', (request, _reply, done) => {
      if (request.url === '/orders') requests++;
      done();
    });
    app.post('/orders', async (_request, reply) => reply.code(201).send({ id: 1 }));
    app.get('/internal/metrics', async (_request, reply) =>
      reply
        .type('text/plain; version=0.0.4')
        .send(
          `# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\nhttp_requests_total{route="/orders",status="201"} ${requests}\n`,
        ),
    );
    const before = await scrapeMetrics(app, { path: '/internal/metrics' });

    await app.inject({ method: 'POST', url: '/orders', payload: {} });

    expect(await scrapeMetrics(app, { path: '/internal/metrics' })).toHaveMetric('http_requests_total', {
      labels: { route: '/orders', status: '201' },
      since: before,
      delta: 1,
    });
    expect((await rejection(scrapeMetrics(app))).message).toContain("Failed to scrape the app's /metrics: it answered 404");
    await app.close();
  });
});
