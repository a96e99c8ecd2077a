import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { lintMetrics, metricDelta, observabilityMatchers, scrapeMetrics, type MetricsSnapshot } from '../src/observability.js';
import { serverSource, startOwnServer, type OwnServer } from './fixtures/own-prometheus.js';

expect.extend(observabilityMatchers);

// A real Prometheus and Pushgateway: `.ci/run` starts them; on a developer's machine without them the
// suites skip with the reason in their titles, and in CI serverSource() fails instead.
const source = serverSource('prometheus');
const describeReal = 'skipReason' in source ? describe.skip : describe;
const gatewaySource = serverSource('pushgateway');
const describeGateway = 'skipReason' in gatewaySource ? describe.skip : describe;

describeReal(`metrics of a real Prometheus server ${'skipReason' in source ? source.skipReason : ''}`, () => {
  let prometheus: OwnServer;

  beforeAll(async () => {
    prometheus = await startOwnServer(source as { url: string } | { binary: string });
  });
  afterAll(async () => {
    await prometheus?.stop();
  });

  it('should parse all of its own /metrics: counters, gauges, summaries and histograms', async () => {
    const metrics = await scrapeMetrics(`${prometheus.url}/metrics`);
    const types = new Set(metrics.families.map((family) => family.type));

    expect(metrics.format).toBe('prometheus');
    expect(metrics.families.length).toBeGreaterThan(50);
    expect([...types]).toEqual(expect.arrayContaining(['counter', 'gauge', 'summary', 'histogram']));
    expect(metrics).toHaveMetric('prometheus_build_info', { type: 'gauge', labels: { version: /^\d+\.\d+\.\d+/ }, value: 1 });
    expect(metrics).toHaveMetric('go_gc_duration_seconds_count', { atLeast: 0 });
    expect(metrics).toHaveMetric('go_gc_duration_seconds', { type: 'summary' });
    expect(metrics.families.every((family) => family.help !== undefined)).toBe(true);
  });

  it('should find nothing to report in what Prometheus exposes about itself', async () => {
    const metrics = await scrapeMetrics(`${prometheus.url}/metrics`);

    expect(lintMetrics(metrics)).toEqual([]);
    expect(metrics).toFollowMetricConventions();
  });

  it('should see the requests made between two scrapes as a counter delta and new histogram observations', async () => {
    const handler = '/api/v1/status/buildinfo';
    const before: MetricsSnapshot = await scrapeMetrics(`${prometheus.url}/metrics`);
    for (let request = 0; request < 3; request++) {
      const response = await fetch(`${prometheus.url}${handler}`);
      expect(response.status).toBe(200);
      await response.text();
    }

    const after = await scrapeMetrics(`${prometheus.url}/metrics`);

    expect(metricDelta(before, after, 'prometheus_http_requests_total', { handler, code: '200' })).toBe(3);
    expect(after).toHaveMetric('prometheus_http_requests_total', { labels: { handler, code: 200 }, since: before, delta: 3 });
    expect(after).toHaveHistogramObservation('prometheus_http_request_duration_seconds', {
      labels: { handler },
      since: before,
      count: 3,
      le: Number.POSITIVE_INFINITY,
    });
    expect(after).toHaveHistogramObservation('prometheus_http_request_duration_seconds', {
      labels: { handler },
      since: before,
      count: 3,
      sum: { atLeast: 0 },
    });
    expect(after).not.toHaveHistogramObservation('prometheus_http_request_duration_seconds', {
      labels: { handler: '/api/v1/query' },
      since: before,
    });
  });
});

describeGateway(`label values escaped by a real Pushgateway ${'skipReason' in gatewaySource ? gatewaySource.skipReason : ''}`, () => {
  let gateway: OwnServer;
  /** A job of its own per run, so runs against a shared Pushgateway never read each other's pushes. */
  const job = `contract-helpers-${process.pid}-${Date.now()}`;
  const note = 'C:\\dir "quoted"\nnext line é';
  const groupUrl = (): string => `${gateway.url}/metrics/job/${job}/note@base64/${Buffer.from(note).toString('base64url')}`;

  beforeAll(async () => {
    gateway = await startOwnServer(gatewaySource as { url: string } | { binary: string });
  });
  afterAll(async () => {
    if (gateway !== undefined) await fetch(groupUrl(), { method: 'DELETE' });
    await gateway?.stop();
  });

  it('should read back a label value with a backslash, quotes, a line feed and Unicode as it was pushed', async () => {
    // The value travels base64-encoded in the URL, so only the Pushgateway's own encoder escapes it.
    const pushed = await fetch(groupUrl(), { method: 'PUT', body: '# TYPE deploys_total counter\ndeploys_total 2\n' });
    expect(pushed.status).toBeLessThan(300);

    const metrics = await scrapeMetrics(`${gateway.url}/metrics`);

    expect(metrics).toHaveMetric('deploys_total', { type: 'counter', labels: { job, note }, value: 2 });
    expect(metrics).toHaveMetric('push_time_seconds', { labels: { job, note } });
  });
});
