import { describe, expect, it } from '@jest/globals';
import { isContractError } from '../errors.js';
import { parsePrometheusText } from './prometheus-text.js';

/** The error `parsePrometheusText(text)` throws, or a failure when it throws none. */
function parseError(text: string, format?: 'prometheus' | 'openmetrics'): { code: string; message: string } {
  try {
    parsePrometheusText(text, { format });
  } catch (error) {
    if (isContractError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('parsePrometheusText accepted malformed text');
}

// Written by hand after https://prometheus.io/docs/instrumenting/exposition_formats/ (format 0.0.4).
const EXPOSITION = [
  '# HELP http_requests_total The total number of HTTP requests.',
  '# TYPE http_requests_total counter',
  'http_requests_total{method="post",code="200"} 1027 1395066363000',
  'http_requests_total{method="post",code="400"}    3 1395066363000',
  '',
  '# Escaping in label values:',
  'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9',
  '',
  '# Minimalistic line:',
  'metric_without_timestamp_and_labels 12.47',
  '',
  '# A weird metric from before the epoch:',
  'something_weird{problem="division by zero"} +Inf -3982045',
  '',
  '# HELP http_request_duration_seconds A histogram of the request duration.',
  '# TYPE http_request_duration_seconds histogram',
  'http_request_duration_seconds_bucket{le="0.05"} 24054',
  'http_request_duration_seconds_bucket{le="0.1"} 33444',
  'http_request_duration_seconds_bucket{le="0.2"} 100392',
  'http_request_duration_seconds_bucket{le="0.5"} 129389',
  'http_request_duration_seconds_bucket{le="1"} 133988',
  'http_request_duration_seconds_bucket{le="+Inf"} 144320',
  'http_request_duration_seconds_sum 53423',
  'http_request_duration_seconds_count 144320',
  '',
  '# HELP rpc_duration_seconds A summary of the RPC duration in seconds.',
  '# TYPE rpc_duration_seconds summary',
  'rpc_duration_seconds{quantile="0.01"} 3102',
  'rpc_duration_seconds{quantile="0.5"} 4773',
  'rpc_duration_seconds{quantile="0.99"} 76656',
  'rpc_duration_seconds_sum 1.7560473e+07',
  'rpc_duration_seconds_count 2693',
  'queue_backlog_ratio NaN',
  '',
].join('\n');

describe('parsePrometheusText', () => {
  it('should read counters, histograms and summaries with their HELP, TYPE, labels and timestamps', () => {
    const metrics = parsePrometheusText(EXPOSITION);

    expect(metrics.format).toBe('prometheus');
    expect(metrics.families.map((family) => [family.name, family.type, family.samples.length])).toEqual([
      ['http_requests_total', 'counter', 2],
      ['msdos_file_access_time_seconds', 'untyped', 1],
      ['metric_without_timestamp_and_labels', 'untyped', 1],
      ['something_weird', 'untyped', 1],
      ['http_request_duration_seconds', 'histogram', 8],
      ['rpc_duration_seconds', 'summary', 5],
      ['queue_backlog_ratio', 'untyped', 1],
    ]);
    expect(metrics.families[0]).toEqual({
      name: 'http_requests_total',
      type: 'counter',
      help: 'The total number of HTTP requests.',
      samples: [
        { name: 'http_requests_total', labels: { method: 'post', code: '200' }, value: 1027, timestamp: 1395066363000, line: 3 },
        { name: 'http_requests_total', labels: { method: 'post', code: '400' }, value: 3, timestamp: 1395066363000, line: 4 },
      ],
    });
    expect(metrics.families[4]!.samples.at(-3)).toEqual({
      name: 'http_request_duration_seconds_bucket',
      labels: { le: '+Inf' },
      value: 144320,
      line: 22,
    });
    expect(metrics.families[5]!.samples[3]).toMatchObject({ name: 'rpc_duration_seconds_sum', value: 17560473 });
  });

  it('should unescape backslashes, double quotes and line feeds in label values', () => {
    const [, file] = parsePrometheusText(EXPOSITION).families;

    expect(file!.samples[0]!.labels).toEqual({ path: 'C:\\DIR\\FILE.TXT', error: 'Cannot find file:\n"FILE.TXT"' });
    expect(file!.samples[0]!.value).toBe(1458255915);
  });

  it('should read +Inf, -Inf and NaN values and timestamps before the epoch', () => {
    const metrics = parsePrometheusText(`${EXPOSITION}negative_gauge -Inf\n`);
    const value = (name: string): number | undefined => metrics.families.find((family) => family.name === name)?.samples[0]?.value;

    expect(value('something_weird')).toBe(Number.POSITIVE_INFINITY);
    expect(metrics.families.find((family) => family.name === 'something_weird')!.samples[0]!.timestamp).toBe(-3982045);
    expect(value('queue_backlog_ratio')).toBeNaN();
    expect(value('negative_gauge')).toBe(Number.NEGATIVE_INFINITY);
  });

  it('should unescape HELP text and accept a trailing comma, blanks around labels and CRLF line ends', () => {
    const metrics = parsePrometheusText(
      '# HELP a_total Line one\\nback\\\\slash\r\n# TYPE a_total counter\r\na_total { route = "/x" , } 2\r\n',
    );

    expect(metrics.families).toEqual([
      {
        name: 'a_total',
        type: 'counter',
        help: 'Line one\nback\\slash',
        samples: [{ name: 'a_total', labels: { route: '/x' }, value: 2, line: 3 }],
      },
    ]);
  });

  it('should read OpenMetrics text: counters named without _total, UNIT, exemplars and timestamps in seconds', () => {
    const text = [
      '# TYPE orders counter',
      '# UNIT orders orders',
      '# HELP orders Orders placed.',
      'orders_total{channel="web"} 3 1700000000.5 # {trace_id="4bf92f3577b34da6a3ce929d0e0e4736"} 1 1700000000.25',
      'orders_created{channel="web"} 1699999000',
      '# TYPE build info',
      'build_info{version="1.2.3"} 1',
      '# TYPE cache_state stateset',
      'cache_state{cache_state="warm"} 1',
      '# EOF',
    ].join('\n');

    const metrics = parsePrometheusText(text);

    expect(metrics.format).toBe('openmetrics');
    expect(metrics.families.map((family) => [family.name, family.type, family.unit, family.samples.map((sample) => sample.name)])).toEqual([
      ['orders', 'counter', 'orders', ['orders_total', 'orders_created']],
      ['build', 'info', undefined, ['build_info']],
      ['cache_state', 'stateset', undefined, ['cache_state']],
    ]);
    expect(metrics.families[0]!.samples[0]).toEqual({
      name: 'orders_total',
      labels: { channel: 'web' },
      value: 3,
      timestamp: 1700000000500,
      exemplar: { labels: { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' }, value: 1, timestamp: 1700000000250 },
      line: 4,
    });
  });

  it('should read UTF-8 metric names quoted inside the braces', () => {
    const metrics = parsePrometheusText('# TYPE "http.server.requests" counter\n{"http.server.requests", "http.route"="/orders"} 4\n');

    expect(metrics.families).toEqual([
      {
        name: 'http.server.requests',
        type: 'counter',
        samples: [{ name: 'http.server.requests', labels: { 'http.route': '/orders' }, value: 4, line: 2 }],
      },
    ]);
  });

  it('should report every malformed line with its line and column, under CONTRACT_INVALID_METRICS', () => {
    const text = [
      'ok_metric 1',
      'bad metric 1',
      'broken{route="/x} 1',
      'unquoted{route=x} 1',
      'no_value{a="b"}',
      'word_value{a="b"} many',
      'escape{a="\\t"} 1',
    ].join('\n');

    const { code, message } = parseError(text);

    expect(code).toBe('CONTRACT_INVALID_METRICS');
    expect(message).toContain('[contract-helpers] Failed to parse the Prometheus text: 6 lines are malformed.');
    expect(message).toContain('line 2, column 5: the value "metric" is not a number (write numbers, NaN, +Inf or -Inf)');
    expect(message).toContain('line 3, column 14: the value of label "route" is not closed: a double quote is missing');
    expect(message).toContain('line 4, column 16: the value of label "route" must be in double quotes');
    expect(message).toContain('line 5, column 16: the value is missing');
    expect(message).toContain('line 6, column 19: the value "many" is not a number');
    expect(message).toContain('line 7, column 11: the value of label "a" has an invalid escape sequence "\\t"');
    expect(message).toContain('\n    unquoted{route=x} 1\n');
  });

  it('should refuse a second TYPE line, a TYPE line after the samples, a repeated series and a bucket without le', () => {
    const cases: Array<[string, string]> = [
      ['# TYPE a counter\n# TYPE a gauge\na 1\n', 'line 2, column 1: a second TYPE line for a (the first is on line 1)'],
      ['a 1\n# TYPE a gauge\n', 'line 2, column 1: the TYPE line for a comes after its samples (line 1); it must come first'],
      ['a{x="1",y="2"} 1\na{y="2",x="1"} 2\n', 'line 2, column 1: the series a with these labels already has a sample on line 1'],
      ['# TYPE h histogram\nh_bucket 1\n', 'the histogram bucket h_bucket has no "le" label'],
      ['# TYPE a countre\n', '"countre" is not a metric type'],
      ['a{x="1",x="2"} 1\n', 'label "x" appears twice'],
      ['a 1 12.5\n', 'the timestamp "12.5" is not an integer number of milliseconds'],
    ];

    for (const [text, expected] of cases) expect(parseError(text).message).toContain(expected);
  });

  it('should mask personal data in the lines it quotes', () => {
    const { message } = parseError('logins_total{user="jane.doe@corp.example" 1\n');

    expect(message).toContain('logins_total{user="j***@c***.example" 1');
    expect(message).not.toContain('jane.doe');
  });

  it('should require "# EOF" at the end of OpenMetrics text and nothing after it', () => {
    expect(parseError('a_total 1\n', 'openmetrics').message).toContain('OpenMetrics text must end with "# EOF"');
    expect(parseError('a 1\n# EOF\nb 2\n', 'openmetrics').message).toContain('line 3, column 1: text after "# EOF" (line 2)');
  });

  it('should refuse what is not text with a hint', () => {
    expect(() => parsePrometheusText(undefined as unknown as string)).toThrow(
      'Failed to parse the metrics: parsePrometheusText needs the text of a /metrics response, not undefined. Pass `await response.text()`, or use scrapeMetrics(url).',
    );
  });
});
