import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from '@jest/globals';
import { isFlakyError } from '../src/errors.js';
import { testIdOf } from '../src/model.js';
import { exportToOtlp } from '../src/metrics/otlp.js';
import { runMetrics } from '../src/metrics/run-metrics.js';
import { sampleAttempts, sampleRun } from './fixtures/metrics-run.js';
import { attributesOf, startOtlpReceiver, valueOf, type OtlpMetric, type OtlpReceiver } from './fixtures/otlp-receiver.js';

const run = promisify(execFile);
let receiver: OtlpReceiver | undefined;

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

function metricsByName(receiverRequests: OtlpReceiver['requests']): Map<string, OtlpMetric> {
  const metrics = receiverRequests.flatMap((request) =>
    request.body.resourceMetrics.flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics)),
  );
  return new Map(metrics.map((metric) => [metric.name, metric]));
}

describe('exportToOtlp', () => {
  it('should send the run through the official SDK as OTLP JSON: dotted names, UCUM units, the run as the resource', async () => {
    receiver = await startOtlpReceiver();
    const scores = [{ testId: testIdOf('src/cart.test.ts', 'cart should total "gross" prices'), score: 0.25, class: 'flaky' as const }];

    const result = await exportToOtlp(runMetrics(sampleRun(), sampleAttempts(), { scores }), {
      url: receiver.url,
      headers: { authorization: 'Bearer t0ken' },
      resourceAttributes: { 'deployment.environment.name': 'ci' },
    });

    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/metrics', contentType: 'application/json' });
    expect(request?.headers['authorization']).toBe('Bearer t0ken');
    expect(attributesOf(request!.body.resourceMetrics[0]!.resource.attributes)).toMatchObject({
      'service.name': 'flaky-detector',
      'flaky_detector.run.id': 'run-42',
      'vcs.ref.head.revision': 'c0ffee1',
      'cicd.pipeline.name': 'unit',
      'flaky_detector.shard': '2/4',
      'process.runtime.name': 'nodejs',
      'process.runtime.version': '24.1.0',
      'os.type': 'linux',
      'deployment.environment.name': 'ci',
    });
    expect(request?.body.resourceMetrics[0]?.scopeMetrics[0]?.scope.name).toBe('@proving-ground/flaky-detector');
    const metrics = metricsByName(receiver.requests);
    expect([...metrics.keys()].sort()).toEqual([
      'flaky_detector.classified_tests',
      'flaky_detector.run.attempts',
      'flaky_detector.run.coverage',
      'flaky_detector.run.duration',
      'flaky_detector.run.flaky_tests',
      'flaky_detector.run.suite_errors',
      'flaky_detector.run.test_duration',
      'flaky_detector.run.tests',
      'flaky_detector.test.attempts',
      'flaky_detector.test.duration',
      'flaky_detector.test.flakiness',
      'flaky_detector.tests',
    ]);
    expect(result).toEqual({ url: receiver.url, metrics: 12, dataPoints: expect.any(Number) as unknown as number });
    const duration = metrics.get('flaky_detector.run.duration')!;
    expect(duration.unit).toBe('s');
    expect(valueOf(duration.gauge!.dataPoints[0]!)).toBe(90);
    expect(attributesOf(duration.gauge!.dataPoints[0]!.attributes)).toEqual({ 'test.suite.run.status': 'failure' });
    expect(metrics.get('flaky_detector.run.tests')?.unit).toBe('{test}');
    expect(metrics.get('flaky_detector.run.coverage')?.unit).toBe('1');
    const failedTests = metrics
      .get('flaky_detector.run.tests')!
      .gauge!.dataPoints.find((point) => attributesOf(point.attributes)['flaky_detector.test.status'] === 'failed');
    expect(valueOf(failedTests!)).toBe(1);
  });

  it('should attribute per-file metrics with code.file.path and record the duration histogram in seconds', async () => {
    receiver = await startOtlpReceiver();
    const scores = [{ testId: testIdOf('src/cart.test.ts', 'cart should total "gross" prices'), score: 0.25, class: 'flaky' as const }];

    await exportToOtlp(runMetrics(sampleRun(), sampleAttempts(), { scores }), { url: receiver.url });

    const metrics = metricsByName(receiver.requests);
    const flakiness = metrics
      .get('flaky_detector.test.flakiness')!
      .gauge!.dataPoints.map((point) => [attributesOf(point.attributes), valueOf(point)]);
    expect(flakiness).toEqual(
      expect.arrayContaining([
        [{ 'code.file.path': 'src/cart.test.ts' }, 0.25],
        [{ 'code.file.path': 'src/orders.test.ts' }, 0],
      ]),
    );
    const histogram = metrics.get('flaky_detector.run.test_duration')!;
    expect(histogram.unit).toBe('s');
    const point = histogram.histogram!.dataPoints[0]!;
    expect(Number(point.count)).toBe(4);
    expect(point.sum).toBeCloseTo(2.77);
    expect(point.explicitBounds?.slice(0, 3)).toEqual([0.005, 0.01, 0.025]);
  });

  it('should name test cases with test.case.name only when per-test metrics are asked for', async () => {
    receiver = await startOtlpReceiver();

    await exportToOtlp(runMetrics(sampleRun(), sampleAttempts(), { granularity: 'test' }), { url: receiver.url });

    const durations = metricsByName(receiver.requests)
      .get('flaky_detector.test.duration')!
      .gauge!.dataPoints.map((point) => attributesOf(point.attributes));
    expect(durations).toContainEqual({
      'code.file.path': 'src/cart.test.ts',
      'flaky_detector.test.id': testIdOf('src/cart.test.ts', 'cart should total "gross" prices'),
      'test.case.name': 'cart should total "gross" prices',
    });
  });

  it('should fail with a coded error naming the receiver when it refuses the export', async () => {
    receiver = await startOtlpReceiver(400);

    const failure = exportToOtlp(runMetrics(sampleRun(), sampleAttempts()), { url: receiver.url, timeoutMs: 2000 });

    await expect(failure).rejects.toMatchObject({ code: 'FLAKY_OTLP_EXPORT_FAILED' });
    await expect(failure).rejects.toThrow(`[flaky-detector] Failed to export the run metrics over OTLP to ${receiver.url}:`);
  });

  it('should fail with a coded error when nothing listens at the URL, password masked', async () => {
    receiver = await startOtlpReceiver();
    const url = receiver.url.replace('http://', 'http://ci:s3cret@');
    await receiver.close();
    receiver = undefined;

    let error: unknown;
    try {
      await exportToOtlp(runMetrics(sampleRun(), sampleAttempts()), { url, timeoutMs: 1500 });
    } catch (caught) {
      error = caught;
    }

    expect(isFlakyError(error) && error.code).toBe('FLAKY_OTLP_EXPORT_FAILED');
    expect((error as Error).message).toContain('http://ci:***@127.0.0.1:');
    expect((error as Error).message).not.toContain('s3cret');
    expect((error as Error).message).toMatch(/ECONNREFUSED|refused|no answer/i);
  });

  it('should list every bad option at once', async () => {
    const failure = exportToOtlp(runMetrics(sampleRun(), []), { url: 'collector:4318', timeoutMs: -1 });

    await expect(failure).rejects.toMatchObject({ code: 'FLAKY_INVALID_METRICS_OPTIONS' });
    await expect(failure).rejects.toThrow(
      /2 problems\.\n- url: expected the http\(s\) URL .*\n- timeoutMs: expected a whole number >= 1, got -1\./,
    );
  });

  it('should name the OpenTelemetry packages to install when the built package cannot find them', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'flaky-otel-missing-'));
    try {
      cpSync(join(import.meta.dirname, '..', 'dist'), join(folder, 'dist'), { recursive: true });
      const script = `
        const { exportToOtlp, runMetrics } = await import(${JSON.stringify(join(folder, 'dist', 'index.mjs'))});
        const run = { runId: 'r', nodeVersion: 'v24.0.0', os: 'linux', startedAt: new Date().toISOString() };
        try { await exportToOtlp(runMetrics(run, []), { url: 'http://127.0.0.1:9/v1/metrics' }); }
        catch (error) { console.log(JSON.stringify({ code: error.code, message: error.message })); }`;

      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: folder });

      const error = JSON.parse(stdout) as { code: string; message: string };
      expect(error.code).toBe('FLAKY_MISSING_PEER');
      expect(error.message).toBe(
        '[flaky-detector] Failed to export the run metrics over OTLP: the optional peers `@opentelemetry/api`, `@opentelemetry/sdk-metrics`, `@opentelemetry/exporter-metrics-otlp-http`, `@opentelemetry/resources` are not installed. Install them next to flaky-detector: `npm i -D @opentelemetry/api @opentelemetry/sdk-metrics @opentelemetry/exporter-metrics-otlp-http @opentelemetry/resources`',
      );
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
