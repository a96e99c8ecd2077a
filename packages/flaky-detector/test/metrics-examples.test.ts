import { execFile } from 'node:child_process';
import http from 'node:http';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { pushLatestRun } from '../examples/metrics-from-code.js';
import { openHistoryStore } from '../src/store/open-store.js';
import { sampleAttempts, sampleRun } from './fixtures/metrics-run.js';
import { startOtlpReceiver, type OtlpReceiver } from './fixtures/otlp-receiver.js';

const run = promisify(execFile);
const packageDir = join(import.meta.dirname, '..');

/** A stand-in Pushgateway on 127.0.0.1 that keeps `METHOD path` of each request. */
async function startGateway(): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      seen.push(`${request.method} ${request.url}`);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let project: string;
let gateway: Awaited<ReturnType<typeof startGateway>>;
let receiver: OtlpReceiver;

beforeEach(async () => {
  // A project with the package installed as npm would (linked), so `npx flaky-detector` runs its bin.
  project = join(packageDir, '.tmp', `metrics-example-${process.pid}-${Date.now()}`);
  mkdirSync(join(project, 'node_modules', '@proving-ground'), { recursive: true });
  mkdirSync(join(project, 'node_modules', '.bin'));
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'metrics-example', private: true, devDependencies: { '@proving-ground/flaky-detector': '*' } }),
  );
  symlinkSync(packageDir, join(project, 'node_modules', '@proving-ground', 'flaky-detector'));
  symlinkSync(join('..', '@proving-ground', 'flaky-detector', 'dist', 'cli.mjs'), join(project, 'node_modules', '.bin', 'flaky-detector'));
  const store = await openHistoryStore({ cwd: project });
  await store.recordRun(sampleRun({ runId: 'run-41', startedAt: '2026-12-01T09:00:00.000Z' }));
  await store.recordRun(sampleRun());
  await store.recordAttempts(sampleAttempts());
  await store.close();
  gateway = await startGateway();
  receiver = await startOtlpReceiver();
});

afterEach(async () => {
  await gateway.close();
  await receiver.close();
  rmSync(project, { recursive: true, force: true });
});

describe('the metrics examples in the docs', () => {
  it('should push from a CI step to the Pushgateway and over OTLP (examples/push-metrics.sh)', async () => {
    const { stdout } = await run('bash', [join(packageDir, 'examples', 'push-metrics.sh')], {
      cwd: project,
      env: {
        ...process.env,
        PUSHGATEWAY_URL: gateway.url,
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: receiver.url,
        GITHUB_REF_NAME: 'feature/metrics',
      },
    });

    expect(gateway.seen).toEqual([
      `PUT /metrics/job/unit-tests/ci_job/unit/shard@base64/Mi80/branch@base64/${Buffer.from('feature/metrics').toString('base64url')}`,
    ]);
    expect(receiver.requests).toHaveLength(1);
    expect(stdout).toContain('Pushed ');
    expect(stdout).toContain('over OTLP to ');
  });

  it('should push the latest run from code (examples/metrics-from-code.ts)', async () => {
    const message = await pushLatestRun(join(project, '.flaky-detector', 'history.sqlite'), gateway.url);

    expect(gateway.seen).toEqual(['PUT /metrics/job/unit-tests/ci_job/unit/shard@base64/Mi80/branch/main']);
    expect(message).toMatch(/^pushed \d+ samples to http:\/\/127\.0\.0\.1:\d+\/metrics\/job\/unit-tests\//);
  });
});
