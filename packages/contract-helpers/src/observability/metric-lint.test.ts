import { describe, expect, it } from '@jest/globals';
import { lintMetrics, type MetricLintOptions } from './metric-lint.js';

/** The rule and message of every problem `lintMetrics` finds in `lines`. */
function problems(lines: readonly string[], options?: MetricLintOptions): string[] {
  return lintMetrics(`${lines.join('\n')}\n`, options).map((problem) => `${problem.rule}: ${problem.message}`);
}

const help = (name: string, type: string): string[] => [`# HELP ${name} Something.`, `# TYPE ${name} ${type}`];

describe('lintMetrics', () => {
  it('should accept conventional names, units and labels', () => {
    const lines = [
      ...help('http_requests_total', 'counter'),
      'http_requests_total{method="GET",route="/orders/:id",status="200"} 4',
      ...help('process_resident_memory_bytes', 'gauge'),
      'process_resident_memory_bytes 1.2e7',
      ...help('app_build_info', 'gauge'),
      'app_build_info{version="1.4.2",revision="d41d8cd98f00b204e9800998ecf8427e"} 1',
    ];

    expect(problems(lines)).toEqual([]);
  });

  it('should flag non-base units, type words, camelCase, colons and a missing HELP', () => {
    expect(
      problems([
        ...help('request_latency_milliseconds', 'gauge'),
        'request_latency_milliseconds 3',
        ...help('queueDepth', 'gauge'),
        'queueDepth{queueName="mail"} 3',
        ...help('jobs_counter_total', 'counter'),
        'jobs_counter_total 1',
        ...help('job:errors:rate5m', 'gauge'),
        'job:errors:rate5m 0',
        '# TYPE disk_free_kb gauge',
        'disk_free_kb 10',
      ]),
    ).toEqual([
      'base-unit: request_latency_milliseconds is in milliseconds: use base units, seconds',
      'name: queueDepth is camelCase: write snake_case (queue_depth)',
      'name: the label queueName of queueDepth is camelCase: write snake_case',
      'name: jobs_counter_total names a metric type ("counter"): the TYPE line says that',
      'name: job:errors:rate5m has a colon: colons are for recording rules, not for what an app exports',
      'base-unit: disk_free_kb is in kb: use base units, bytes',
      'help: disk_free_kb has no HELP text',
    ]);
  });

  it('should flag reserved suffixes and labels where they do not belong', () => {
    expect(problems([...help('retries_count', 'gauge'), 'retries_count{le="1",__tenant="a"} 2'])).toEqual([
      'reserved-suffix: retries_count ends in _count, which histograms and summaries use, but its type is gauge: rename it',
      'reserved-label: retries_count has an "le" label, which only histogram buckets carry',
      'reserved-label: retries_count has the label __tenant: names starting with "__" are reserved for Prometheus',
    ]);
  });

  it('should flag ids in label values and labels with too many values, but not in info metrics', () => {
    const lines = [
      ...help('cart_items', 'gauge'),
      'cart_items{cart="0f8fad5b-d9cb-469f-a165-70867728950e"} 1',
      ...help('sessions', 'gauge'),
      'sessions{session="4bf92f3577b34da6a3ce929d0e0e4736"} 1',
      ...help('orders_total', 'counter'),
      'orders_total{customer="4000123"} 1',
      ...help('app_info', 'gauge'),
      'app_info{commit="4bf92f3577b34da6a3ce929d0e0e4736"} 1',
      ...help('visits_total', 'counter'),
      ...Array.from({ length: 4 }, (_, index) => `visits_total{page="p${index}"} 1`),
    ];

    expect(problems(lines, { maxLabelValues: 3 })).toEqual([
      'high-cardinality: cart_items{cart="0f8fad5b-d9cb-469f-a165-70867728950e"}: the cart label holds a UUID: an id per request or entity; each new value is a new series',
      'high-cardinality: sessions{session="4bf92f3577b34da6a3ce929d0e0e4736"}: the session label holds a long hexadecimal id; each new value is a new series',
      'high-cardinality: orders_total{customer="4000123"}: the customer label holds a long number: an id or a timestamp; each new value is a new series',
      'high-cardinality: visits_total: the page label takes 4 values (more than 3); bound it, or raise maxLabelValues',
    ]);
  });

  it('should find personal data in label values by value and by label name, masked, and honour the allow-list', () => {
    const lines = [
      ...help('signups_total', 'counter'),
      'signups_total{contact="+44 20 7946 0958",ip="203.0.113.9",customer_name="Siobhan Byrne"} 1',
    ];

    expect(problems(lines)).toEqual([
      'pii: signups_total: the contact label holds personal data (phone): +********58',
      'pii: signups_total: the ip label holds personal data (ipv4): 203.*.*.*',
      'pii: signups_total: the customer_name label holds personal data (name): S********',
    ]);
    expect(problems(lines, { pii: { allow: { categories: ['ipv4', 'phone', 'name'] } } })).toEqual([]);
  });

  it('should check that histogram buckets are cumulative and end in a +Inf bucket equal to _count', () => {
    const lines = [
      ...help('upload_size_bytes', 'histogram'),
      'upload_size_bytes_bucket{route="/a",le="100"} 5',
      'upload_size_bytes_bucket{route="/a",le="1000"} 3',
      'upload_size_bytes_bucket{route="/a",le="+Inf"} 6',
      'upload_size_bytes_count{route="/a"} 7',
      'upload_size_bytes_bucket{route="/b",le="100"} 1',
      'upload_size_bytes_count{route="/b"} 1',
      ...help('rpc_seconds', 'summary'),
      'rpc_seconds{quantile="1.5"} 2',
    ];

    expect(problems(lines)).toEqual([
      'histogram: upload_size_bytes{route="/a"}: bucket le="1000" (3) is below le="100" (5); buckets are cumulative',
      'histogram: upload_size_bytes{route="/a"}: the le="+Inf" bucket (6) differs from _count (7)',
      'histogram: upload_size_bytes{route="/b"} has no le="+Inf" bucket',
      'histogram: rpc_seconds: quantile="1.5" is not between 0 and 1',
    ]);
  });

  it('should check required labels, and skip ignored metrics and rules', () => {
    const lines = [
      ...help('http_requests_total', 'counter'),
      'http_requests_total{route="/orders"} 1',
      '# TYPE process_cpu_ms gauge',
      'process_cpu_ms 1',
    ];

    expect(problems(lines, { requiredLabels: { http_requests_total: ['route', 'status'] } })).toEqual([
      'required-label: http_requests_total{route="/orders"} has no "status" label',
      'base-unit: process_cpu_ms is in ms: use base units, seconds',
      'help: process_cpu_ms has no HELP text',
    ]);
    expect(
      problems(lines, { ignore: [/^process_/], skipRules: ['required-label'], requiredLabels: { http_requests_total: ['status'] } }),
    ).toEqual([]);
  });

  it('should want an OpenMetrics name to end in its declared unit', () => {
    const text = [
      '# TYPE request_duration histogram',
      '# UNIT request_duration seconds',
      '# HELP request_duration Time.',
      'request_duration_bucket{le="+Inf"} 0',
      'request_duration_count 0',
      '# EOF',
    ];

    expect(problems(text)).toEqual(['base-unit: request_duration declares the unit seconds, so its name must end in _seconds']);
  });
});
