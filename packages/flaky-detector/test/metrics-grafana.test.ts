import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { realService } from '@proving-ground/test-kit';
import { prometheusSeriesNames } from '../src/metrics/metric-catalog.js';
import { pushToPushgateway } from '../src/metrics/pushgateway.js';
import { runMetrics } from '../src/metrics/run-metrics.js';
import { testIdOf } from '../src/model.js';
import { sampleAttempts, sampleRun } from './fixtures/metrics-run.js';
import { queryPrometheus, scrapedSeries } from './fixtures/prometheus-api.js';

interface Target {
  refId: string;
  expr: string;
  datasource: { type: string; uid: string };
}

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource: { type: string; uid: string };
  targets: Target[];
}

interface Variable {
  type: string;
  name: string;
  query: string | { query: string };
}

interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Variable[] };
}

const dashboardPath = join(import.meta.dirname, '..', 'grafana', 'flaky-detector-dashboard.json');
const dashboard = JSON.parse(readFileSync(dashboardPath, 'utf8')) as Dashboard;
const expressions = dashboard.panels.flatMap((panel) => panel.targets.map((target) => ({ panel: panel.title, expr: target.expr })));

/** PromQL's own words: aggregations, functions and keywords the dashboard may use. */
const PROMQL_WORDS = new Set(
  'sum min max avg count topk bottomk quantile stddev stdvar group by without on ignoring group_left group_right and or unless bool offset histogram_quantile rate increase irate delta deriv clamp_min clamp_max abs ceil floor round sort sort_desc time timestamp vector scalar label_replace label_join last_over_time max_over_time min_over_time avg_over_time absent label_values'.split(
    ' ',
  ),
);

/**
 * The metric names an expression uses: its identifiers, with strings, label matchers, by/without/on
 * lists and the label argument of Grafana's `label_values(metric, label)` left out.
 */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/^label_values\((.*),\s*\w+\)$/, '$1')
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '')
    .replace(/\[[^\]]*\]/g, '');
  return (bare.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? []).filter((word) => !PROMQL_WORDS.has(word) && !/^\d/.test(word));
}

/** An expression as Grafana sends it when the variables select `job` (every CI job). */
function interpolate(expr: string, job: string): string {
  return expr.replaceAll('$job', job).replaceAll('$ci_job', '.*');
}

describe('the Grafana dashboard', () => {
  it('should be a dashboard model with a Prometheus datasource variable that every panel and query uses', () => {
    expect(dashboard).toMatchObject({ uid: 'flaky-detector', title: expect.any(String) as unknown as string });
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.templating.list[0]).toMatchObject({ type: 'datasource', name: 'datasource', query: 'prometheus' });
    expect(new Set(dashboard.panels.map((panel) => panel.id)).size).toBe(dashboard.panels.length);
    for (const panel of dashboard.panels) {
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.targets.length).toBeGreaterThan(0);
      expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
      for (const target of panel.targets) expect(target.datasource.uid).toBe('${datasource}');
    }
  });

  it('should query only metrics flaky-detector exports, each expression at least one', () => {
    const exported = new Set(prometheusSeriesNames());
    const variableQueries = dashboard.templating.list
      .filter((variable) => variable.type === 'query')
      .map((variable) => (variable.query as { query: string }).query);

    const used = [...expressions.map(({ expr }) => expr), ...variableQueries].map((expr) => ({ expr, names: metricNames(expr) }));

    expect(used.filter(({ names }) => names.length === 0)).toEqual([]);
    expect(used.flatMap(({ expr, names }) => names.filter((name) => !exported.has(name)).map((name) => `${name} in ${expr}`))).toEqual([]);
  });
});

const prometheus = realService('prometheus');
const pushgateway = realService('pushgateway');
const missing = prometheus.skipReason ?? pushgateway.skipReason;
const pushed: string[] = [];

afterAll(async () => {
  for (const url of pushed) await fetch(url, { method: 'DELETE' });
});

const describeReal = missing === undefined ? describe : describe.skip;

describeReal(`the Grafana dashboard on a real Prometheus ${missing ?? ''}`, () => {
  it('should have queries that Prometheus parses and that find a pushed run', async () => {
    const job = `flaky-detector-dashboard-${process.pid}-${Date.now()}`;
    const scores = [{ testId: testIdOf('src/cart.test.ts', 'cart should total "gross" prices'), score: 0.25, class: 'flaky' as const }];
    const result = await pushToPushgateway(runMetrics(sampleRun(), sampleAttempts(), { scores }), { url: pushgateway.url!, job });
    pushed.push(result.url);
    await scrapedSeries(prometheus.url!, `flaky_detector_run_info{job="${job}"}`);

    const answers = await Promise.all(
      expressions.map(async ({ panel, expr }) => ({ panel, answer: await queryPrometheus(prometheus.url!, interpolate(expr, job)) })),
    );

    expect(answers.filter(({ answer }) => answer.status !== 'success').map(({ panel, answer }) => `${panel}: ${answer.error}`)).toEqual([]);
    expect(answers.filter(({ answer }) => (answer.data?.result.length ?? 0) === 0).map(({ panel }) => panel)).toEqual([]);
  });
});
