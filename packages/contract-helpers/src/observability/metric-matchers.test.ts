import { describe, expect, it } from '@jest/globals';
import { isContractError } from '../errors.js';
import { metricDelta, metricValue, findSamples } from './metric-query.js';
import { observabilityMatchers } from './observability-matchers.js';
import { parsePrometheusText } from './prometheus-text.js';

expect.extend(observabilityMatchers);

/** What a prom-client app exposes after `requests` POST /orders → 201 and one GET /orders → 200. */
function scrape(requests: number, slowRequests = 0): string {
  const count = requests + slowRequests;
  return [
    '# HELP http_requests_total Requests handled.',
    '# TYPE http_requests_total counter',
    ...(requests + slowRequests === 0 ? [] : [`http_requests_total{method="POST",route="/orders",status="201"} ${count}`]),
    'http_requests_total{method="GET",route="/orders",status="200"} 1',
    '# HELP http_request_duration_seconds Request duration.',
    '# TYPE http_request_duration_seconds histogram',
    `http_request_duration_seconds_bucket{le="0.1",route="/orders"} ${requests}`,
    `http_request_duration_seconds_bucket{le="0.5",route="/orders"} ${requests}`,
    `http_request_duration_seconds_bucket{le="+Inf",route="/orders"} ${count}`,
    `http_request_duration_seconds_sum{route="/orders"} ${requests * 0.05 + slowRequests * 2}`,
    `http_request_duration_seconds_count{route="/orders"} ${count}`,
    '# HELP orders_in_flight Orders being processed.',
    '# TYPE orders_in_flight gauge',
    'orders_in_flight 2',
    '',
  ].join('\n');
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

describe('metricValue and metricDelta', () => {
  it('should add up the series a partial label set covers and count a histogram by its family name', () => {
    const metrics = parsePrometheusText(scrape(3));

    expect(metricValue(metrics, 'http_requests_total', { route: '/orders' })).toBe(4);
    expect(metricValue(metrics, 'http_requests_total', { route: '/orders', status: 201 })).toBe(3);
    expect(metricValue(metrics, 'http_request_duration_seconds', { route: '/orders' })).toBe(3);
    expect(metricValue(metrics, 'http_request_duration_seconds_bucket', { le: 0.5 })).toBe(3);
    expect(metricValue(metrics, 'http_requests_total', { route: /^\/ord/ })).toBe(4);
    expect(findSamples(metrics, 'http_requests_total', { status: '500' })).toEqual([]);
  });

  it('should give the growth between two scrapes, a series new in the later one growing from 0', () => {
    expect(metricDelta(scrape(0), scrape(2), 'http_requests_total', { status: '201' })).toBe(2);
    expect(metricDelta(scrape(1), scrape(2), 'http_request_duration_seconds_sum', { route: '/orders' })).toBeCloseTo(0.05);
  });

  it('should throw CONTRACT_UNKNOWN_METRIC with the nearest name for a metric the scrape does not have', () => {
    let caught: unknown;
    try {
      metricValue(scrape(1), 'http_request_total');
    } catch (error) {
      caught = error;
    }

    expect(isContractError(caught) && caught.code).toBe('CONTRACT_UNKNOWN_METRIC');
    expect((caught as Error).message).toContain(
      'the scrape has no metric named "http_request_total" (did you mean "http_requests_total"?)',
    );
  });
});

describe('toHaveMetric', () => {
  it('should pass on a series with the labels and value, and on the growth since an earlier scrape', () => {
    const before = parsePrometheusText(scrape(0));
    const after = scrape(1);

    expect(after).toHaveMetric('http_requests_total', { labels: { route: '/orders', status: '201' }, value: 1, type: 'counter' });
    expect(after).toHaveMetric('http_requests_total', { labels: { route: '/orders' }, since: before, delta: 1 });
    expect(after).toHaveMetric('orders_in_flight', { atLeast: 1, atMost: 2 });
    expect(after).toHaveMetric('http_requests_total', { labels: { status: '201' }, since: before });
    expect(after).not.toHaveMetric('http_requests_total', { labels: { status: '200' }, since: before });
    expect(after).not.toHaveMetric('http_requests_total', { labels: { status: '500' } });
  });

  it('should list the series of the metric when none has the labels', () => {
    const message = failureOf(() => expect(scrape(1)).toHaveMetric('http_requests_total', { labels: { route: '/orders', status: '500' } }));

    expect(message).toContain(
      'Expected http_requests_total{route="/orders",status="500"}, but no series of http_requests_total has these labels; its series:',
    );
    expect(message).toContain('  http_requests_total{method="POST",route="/orders",status="201"} 1  (line 3)');
  });

  it('should say what the value and the growth are when they differ', () => {
    const message = failureOf(() =>
      expect(scrape(3)).toHaveMetric('http_requests_total', { labels: { route: '/orders' }, value: 1, since: scrape(1), delta: 1 }),
    );

    expect(message).toContain(
      'its value is 4 (the sum of 2 series), not 1; it grew by 2 (from 2 to 4) since the earlier scrape, where 1 was expected',
    );
  });

  it('should name the nearest metric and the type when they differ', () => {
    expect(failureOf(() => expect(scrape(1)).toHaveMetric('orders_inflight'))).toContain(
      'the scrape has no metric named "orders_inflight" (did you mean "orders_in_flight"?)',
    );
    expect(failureOf(() => expect(scrape(1)).toHaveMetric('orders_in_flight', { type: 'counter' }))).toContain(
      'orders_in_flight has type gauge, not counter.',
    );
  });

  it('should mask personal data in the label values it prints', () => {
    const message = failureOf(() => expect('logins_total{user="jane.doe@corp.example"} 1\n').toHaveMetric('logins_total', { value: 2 }));

    expect(message).toContain('logins_total{user="j***@c***.example"} 1');
    expect(message).not.toContain('jane.doe');
  });

  it('should refuse a delta without an earlier scrape', () => {
    expect(() => expect(scrape(1)).toHaveMetric('http_requests_total', { delta: 1 })).toThrow(
      '`delta` compares with an earlier scrape, but `since` is missing',
    );
  });
});

describe('toHaveHistogramObservation', () => {
  it('should pass when the count grew and every new observation fell at or below the bucket', () => {
    expect(scrape(2)).toHaveHistogramObservation('http_request_duration_seconds', {
      labels: { route: '/orders' },
      since: scrape(1),
      count: 1,
      le: 0.5,
    });
    expect(scrape(1)).toHaveHistogramObservation('http_request_duration_seconds', { sum: { atMost: 0.1 } });
  });

  it('should say how many observations fell above the bucket', () => {
    const message = failureOf(() =>
      expect(scrape(1, 1)).toHaveHistogramObservation('http_request_duration_seconds', { since: scrape(1), le: 0.5 }),
    );

    expect(message).toContain('1 of the 1 new observations since the earlier scrape fell above le="0.5"');
  });

  it('should list the bucket boundaries when le names none, and want the family name', () => {
    expect(failureOf(() => expect(scrape(1)).toHaveHistogramObservation('http_request_duration_seconds', { le: 0.25 }))).toContain(
      'http_request_duration_seconds has no bucket le="0.25"; its bucket boundaries are 0.1, 0.5, +Inf',
    );
    expect(failureOf(() => expect(scrape(1)).toHaveHistogramObservation('http_request_duration_seconds_bucket'))).toContain(
      'name the histogram by its family name, "http_request_duration_seconds".',
    );
  });

  it('should fail when nothing was observed since the earlier scrape', () => {
    expect(failureOf(() => expect(scrape(1)).toHaveHistogramObservation('http_request_duration_seconds', { since: scrape(1) }))).toContain(
      'it has 0 new observations since the earlier scrape, where at least 1 was expected',
    );
  });
});

describe('toFollowMetricConventions', () => {
  it('should pass on a scrape that follows the conventions', () => {
    expect(scrape(1)).toFollowMetricConventions({ requiredLabels: { http_requests_total: ['route', 'status'] } });
  });

  it('should list names, units, labels and personal data that break them, values masked', () => {
    const text = [
      '# HELP requests Requests.',
      '# TYPE requests counter',
      'requests{route="/orders/8c1f2d3e-4b5a-4c6d-8e7f-446655440000"} 1',
      '# HELP latency_ms Latency.',
      '# TYPE latency_ms gauge',
      'latency_ms{customer_email="jane.doe@corp.example"} 12',
      'jobs_total 3',
    ].join('\n');

    const message = failureOf(() => expect(text).toFollowMetricConventions({ requiredLabels: { requests: ['status'] } }));

    expect(message).toContain('counter-total: the counter requests must end in _total');
    expect(message).toContain(
      'required-label: requests{route="/orders/8c1f2d3e-4b5a-4c6d-8e7f-446655440000"} has no "status" label  (line 3)',
    );
    expect(message).toContain(
      'high-cardinality: requests{route="/orders/8c1f2d3e-4b5a-4c6d-8e7f-446655440000"}: the route label holds a raw path with an id in it',
    );
    expect(message).toContain('base-unit: latency_ms is in ms: use base units, seconds');
    expect(message).toContain('pii: latency_ms: the customer_email label holds personal data (email): j***@c***.example  (line 6)');
    expect(message).toContain('counter-total: jobs_total ends in _total but its type is untyped');
    expect(message).toContain('help: jobs_total has no HELP text');
    expect(message).not.toContain('jane.doe');
  });
});
