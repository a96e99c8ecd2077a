import { describe, expect, it } from '@jest/globals';
import { lintMetrics, metricValue, parsePrometheusText } from '@proving-ground/contract-helpers/observability';
import { MetricsRegistry } from './metrics-registry.ts';

describe('MetricsRegistry', () => {
  it('should render counters and histograms that parse as the Prometheus text format and follow its conventions', () => {
    const registry = new MetricsRegistry();
    const requests = registry.counter('http_requests_total', 'Requests answered.', ['route', 'status']);
    const durations = registry.histogram('http_request_duration_seconds', 'Time to answer.', ['route'], [0.1, 1]);

    requests.inc({ route: '/orders', status: '201' });
    requests.inc({ route: '/orders', status: '201' }, 2);
    durations.observe({ route: '/orders' }, 0.05);
    durations.observe({ route: '/orders' }, 0.5);
    durations.observe({ route: '/orders' }, 3);

    const metrics = parsePrometheusText(registry.render());
    expect(metricValue(metrics, 'http_requests_total', { route: '/orders', status: '201' })).toBe(3);
    expect(metricValue(metrics, 'http_request_duration_seconds_bucket', { le: '0.1' })).toBe(1);
    expect(metricValue(metrics, 'http_request_duration_seconds_bucket', { le: '1' })).toBe(2);
    expect(metricValue(metrics, 'http_request_duration_seconds_bucket', { le: '+Inf' })).toBe(3);
    expect(metricValue(metrics, 'http_request_duration_seconds_sum')).toBeCloseTo(3.55);
    expect(lintMetrics(metrics)).toEqual([]);
  });

  it('should escape label values so that any text stays one well-formed series', () => {
    const registry = new MetricsRegistry();
    registry.counter('odd_values_total', 'Label values with quotes.', ['value']).inc({ value: 'a "quoted"\\ line\nbreak' });

    const metrics = parsePrometheusText(registry.render());

    expect(metrics.families[0]?.samples[0]?.labels['value']).toBe('a "quoted"\\ line\nbreak');
  });

  it('should refuse a counter without _total, a taken name, unknown labels and a negative increment', () => {
    const registry = new MetricsRegistry();
    const counter = registry.counter('jobs_total', 'Jobs.', ['kind']);

    expect(() => registry.counter('jobs', 'Jobs.')).toThrow(/ends in _total/);
    expect(() => registry.counter('jobs_total', 'Jobs.')).toThrow(/taken/);
    expect(() => counter.inc({ queue: 'a' })).toThrow(/unknown labels queue/);
    expect(() => counter.inc({ kind: 'a' }, -1)).toThrow(/only goes up/);
    expect(() => registry.histogram('wait_seconds', 'Waits.', [], [1, 0.5])).toThrow(/ascending/);
  });
});
