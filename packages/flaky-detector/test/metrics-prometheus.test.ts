import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from '@jest/globals';
import { realService } from '@proving-ground/test-kit';
import { runCli } from '../src/cli.js';
import { pushToPushgateway } from '../src/metrics/pushgateway.js';
import { prometheusText } from '../src/metrics/prometheus-text.js';
import { runMetrics } from '../src/metrics/run-metrics.js';
import { testIdOf } from '../src/model.js';
import { openHistoryStore } from '../src/store/open-store.js';
import { attempt, sampleAttempts, sampleRun } from './fixtures/metrics-run.js';
import { scrapedSeries } from './fixtures/prometheus-api.js';

const prometheus = realService('prometheus');
const pushgateway = realService('pushgateway');
const missing = prometheus.skipReason ?? pushgateway.skipReason;
const describeReal = missing === undefined ? describe : describe.skip;
const run = promisify(execFile);

/** A job name of its own per test, so runs of this suite never read each other's pushes. */
const jobPrefix = `flaky-detector-test-${process.pid}-${Date.now()}`;
const pushedGroups: string[] = [];

afterAll(async () => {
  // Leave the Pushgateway as it was: delete every group this suite pushed.
  for (const url of pushedGroups) await fetch(url, { method: 'DELETE' });
});

describeReal(`metrics in a real Prometheus ${missing ?? ''}`, () => {
  it('should read back through the query API what a push to the Pushgateway held, grouped by job, CI job and shard', async () => {
    const job = `${jobPrefix}-push`;
    const scores = [{ testId: testIdOf('src/cart.test.ts', 'cart should total "gross" prices'), score: 0.25, class: 'flaky' as const }];

    const pushed = await pushToPushgateway(runMetrics(sampleRun(), sampleAttempts(), { scores }), { url: pushgateway.url!, job });
    pushedGroups.push(pushed.url);

    const [duration] = await scrapedSeries(prometheus.url!, `flaky_detector_run_duration_seconds{job="${job}"}`);
    expect(duration).toEqual({ metric: { __name__: 'flaky_detector_run_duration_seconds', job, ci_job: 'unit', shard: '2/4' }, value: 90 });
    const failed = await scrapedSeries(prometheus.url!, `flaky_detector_run_tests{job="${job}", status="failed"}`);
    expect(failed.map((sample) => sample.value)).toEqual([1]);
    const coverage = await scrapedSeries(prometheus.url!, `flaky_detector_run_coverage_ratio{job="${job}", kind="branches"}`);
    expect(coverage.map((sample) => sample.value)).toEqual([0.625]);
    const flaky = await scrapedSeries(prometheus.url!, `sum by (file) (flaky_detector_tests{job="${job}", status="flaky"})`);
    expect(flaky).toEqual([{ metric: { file: 'src/cart.test.ts' }, value: 1 }]);
    const flakiness = await scrapedSeries(prometheus.url!, `max(flaky_detector_test_flakiness_ratio{job="${job}"})`);
    expect(flakiness.map((sample) => sample.value)).toEqual([0.25]);
    const info = await scrapedSeries(prometheus.url!, `flaky_detector_run_info{job="${job}"}`);
    expect(info[0]?.metric).toMatchObject({ run_id: 'run-42', commit: 'c0ffee1', node_version: 'v24.1.0', os: 'linux' });
    const median = await scrapedSeries(
      prometheus.url!,
      `histogram_quantile(0.5, flaky_detector_run_test_duration_seconds_bucket{job="${job}"})`,
    );
    expect(median[0]?.value).toBeGreaterThan(0.1);
    expect(median[0]?.value).toBeLessThanOrEqual(0.25);
  });

  it('should keep test names with quotes, backslashes, line feeds and Unicode intact as label values', async () => {
    const job = `${jobPrefix}-names`;
    const name = 'prices "gross" \\ net\nsecond line ✓';
    const metrics = runMetrics(sampleRun({ shard: undefined, ciJob: undefined }), [attempt('src/a b/c.test.ts', name, 'passed', 1500)], {
      granularity: 'test',
    });

    const pushed = await pushToPushgateway(metrics, { url: pushgateway.url!, job, grouping: { branch: 'feature/labels' } });
    pushedGroups.push(pushed.url);

    const series = await scrapedSeries(prometheus.url!, `flaky_detector_test_duration_seconds{job="${job}"}`);
    expect(series).toEqual([
      {
        metric: {
          __name__: 'flaky_detector_test_duration_seconds',
          job,
          branch: 'feature/labels',
          file: 'src/a b/c.test.ts',
          test_id: testIdOf('src/a b/c.test.ts', name),
          test: name,
        },
        value: 1.5,
      },
    ]);
  });

  it('should push the latest run of a SQLite history from the command line', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'flaky-metrics-cli-'));
    const job = `${jobPrefix}-cli`;
    try {
      const store = await openHistoryStore({ path: join(folder, 'history.sqlite') });
      await store.recordRun(sampleRun({ runId: 'run-41', startedAt: '2026-12-01T09:00:00.000Z', finishedAt: '2026-12-01T09:01:00.000Z' }));
      await store.recordRun(sampleRun());
      await store.recordAttempts(sampleAttempts());
      await store.close();
      const out: string[] = [];
      const err: string[] = [];

      const code = await runCli(
        ['metrics', 'push', '--pushgateway', pushgateway.url!, '--job', job, '--store', join(folder, 'history.sqlite')],
        {
          cwd: folder,
          env: {},
          stdout: (text) => out.push(text),
          stderr: (text) => err.push(text),
          isTTY: false,
        },
      );

      expect(err.join('')).toBe('');
      expect(code).toBe(0);
      const groupUrl = `${pushgateway.url!}/metrics/job/${job}/ci_job/unit/shard@base64/Mi80`;
      pushedGroups.push(groupUrl);
      expect(out.join('')).toMatch(
        new RegExp(`^Pushed \\d+ samples of run run-42 to ${groupUrl.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\n$`),
      );
      const attempts = await scrapedSeries(prometheus.url!, `flaky_detector_run_attempts{job="${job}"}`, 4);
      expect(Object.fromEntries(attempts.map((sample) => [sample.metric['status'], sample.value]))).toEqual({
        passed: 3,
        failed: 3,
        skipped: 1,
        todo: 0,
      });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("should write text that promtool's metrics linter accepts (names, units, suffixes)", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'flaky-promtool-'));
    try {
      const text = prometheusText(runMetrics(sampleRun(), sampleAttempts(), { scores: [], granularity: 'test' }));

      const { stdout, stderr } = await run('bash', [
        '-c',
        'promtool check metrics < "$0"',
        await writeText(join(folder, 'metrics.txt'), text),
      ]);

      expect(`${stdout}${stderr}`).toBe('');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

async function writeText(path: string, text: string): Promise<string> {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(path, text);
  return path;
}
