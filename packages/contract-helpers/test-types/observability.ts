// Type-level tests of the /observability entry: `tsc -p tsconfig.json --noEmit` fails if they break.
import { expect } from '@jest/globals';
import {
  metricDelta,
  parsePrometheusText,
  scrapeMetrics,
  type MetricsSnapshot,
  type SpanLike,
  type TelemetryPiiFinding,
  findTelemetryPii,
} from '@proving-ground/contract-helpers/observability';

declare const spans: SpanLike[];
declare const exporter: { getFinishedSpans(): SpanLike[] };

const metrics: MetricsSnapshot = parsePrometheusText('up 1\n');
const scraped: Promise<MetricsSnapshot> = scrapeMetrics('http://127.0.0.1:9464/metrics', { openMetrics: true });
const grew: number = metricDelta(metrics, 'up 2\n', 'up', { job: /api/, status: 201 });

expect(metrics).toHaveMetric('http_requests_total', { labels: { route: '/orders' }, since: metrics, delta: { atLeast: 1 } });
expect('up 1\n').toHaveHistogramObservation('http_request_duration_seconds', { count: 1, le: 0.5, sum: { atMost: 1 } });
expect(metrics).toFollowMetricConventions({ ignore: [/^process_/], skipRules: ['help'], requiredLabels: { up: ['job'] } });
expect(exporter).toHaveSpan(/orders/, {
  kind: 'server',
  status: { code: 'error', message: /declined/ },
  exception: { type: 'PaymentDeclined' },
});
expect(spans[0]).toBeChildOf(spans[1]!, exporter);
expect(exporter).not.toLeakPii({ allow: { categories: ['ipv4'] } });
// @ts-expect-error: not a metric type
expect(metrics).toHaveMetric('up', { type: 'timer' });
// @ts-expect-error: not a span kind
expect(spans).toHaveSpan('x', { kind: 'backend' });
// @ts-expect-error: not a rule
expect(metrics).toFollowMetricConventions({ skipRules: ['spelling'] });

const findings: TelemetryPiiFinding[] = findTelemetryPii(spans);

export { scraped, grew, findings };
