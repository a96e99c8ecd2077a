import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { runCli } from '../src/cli.js';
import { prometheusText } from '../src/metrics/prometheus-text.js';
import { runMetrics } from '../src/metrics/run-metrics.js';
import { openHistoryStore } from '../src/store/open-store.js';
import { sampleAttempts, sampleRun } from './fixtures/metrics-run.js';
import { attributesOf, startOtlpReceiver, type OtlpReceiver } from './fixtures/otlp-receiver.js';

let folder: string;
let receiver: OtlpReceiver | undefined;

beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), 'flaky-metrics-cli-'));
  const store = await openHistoryStore({ path: join(folder, 'history.sqlite') });
  await store.recordRun(sampleRun({ runId: 'run-41', startedAt: '2026-12-01T09:00:00.000Z', finishedAt: '2026-12-01T09:01:00.000Z' }));
  await store.recordRun(sampleRun());
  await store.recordAttempts(sampleAttempts());
  await store.close();
});

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
  rmSync(folder, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['metrics', ...args, '--store', join(folder, 'history.sqlite')], {
    cwd: folder,
    env: {},
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    isTTY: false,
  });
  return { code, stdout, stderr };
}

describe('flaky-detector metrics', () => {
  it('should print the latest run in the Prometheus text format, or the run --run names', async () => {
    const latest = await cli('print');
    const earlier = await cli('print', '--run', 'run-41');

    expect(latest.code).toBe(0);
    expect(latest.stdout).toContain('flaky_detector_run_info{run_id="run-42"');
    expect(latest.stdout).toContain('flaky_detector_tests{file="src/cart.test.ts",status="flaky"} 1\n');
    expect(latest.stdout).toContain('# TYPE flaky_detector_test_flakiness_ratio gauge\n');
    expect(earlier.stdout).toContain('flaky_detector_run_info{run_id="run-41"');
    expect(earlier.stdout).toContain('flaky_detector_run_duration_seconds 60\n');
  });

  it('should warn on stderr when the per-test series are capped', async () => {
    const { code, stdout, stderr } = await cli('print', '--granularity', 'test', '--max-tests', '2');

    expect(code).toBe(0);
    expect(stdout).toContain('test_id="other",test="other"');
    expect(stderr).toMatch(/^\[flaky-detector\] Per-test metrics are capped at 2 of the run's 5 tests/);
  });

  it('should export the run over OTLP with the headers given', async () => {
    receiver = await startOtlpReceiver();

    const { code, stdout, stderr } = await cli('push', '--otlp', receiver.url, '--otlp-header', 'authorization=Bearer abc=1');

    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Exported \\d+ data points \\(12 metrics\\) of run run-42 over OTLP to ${receiver.url}\\n$`));
    expect(receiver.requests[0]?.headers['authorization']).toBe('Bearer abc=1');
    expect(attributesOf(receiver.requests[0]!.body.resourceMetrics[0]!.resource.attributes)['flaky_detector.run.id']).toBe('run-42');
  });

  it('should list every bad argument at once, with the usage', async () => {
    const { code, stderr } = await cli('push', '--granularity', 'tests', '--group', 'nolabel', '--max-tests', 'many');

    expect(code).toBe(1);
    expect(stderr).toContain('[flaky-detector] Failed to read the arguments of `flaky-detector metrics`: 4 problems.');
    expect(stderr).toContain('- --granularity: expected one of "file" and "test", got "tests" (did you mean "test"?).');
    expect(stderr).toContain('- --max-tests: expected a whole number >= 1, got "many".');
    expect(stderr).toContain('- --group: expected <name>=<value>, got "nolabel".');
    expect(stderr).toContain('- push: needs --pushgateway <url>, --otlp <url>, or both.');
    expect(stderr).toContain('flaky-detector metrics push [--pushgateway <url>]');
  });

  it('should say when the history has no run of the id given', async () => {
    const { code, stderr } = await cli('print', '--run', 'run-7');

    expect(code).toBe(1);
    expect(stderr).toBe(
      `[flaky-detector] Failed to read the metrics of the run "run-7" from ${join(folder, 'history.sqlite')}: the history has no run of that id. Copy the run id from \`flaky-detector report --format json\`, or leave --run out for the latest run.\n`,
    );
  });

  it('should print what the library writes for the same run and scores', async () => {
    const { stdout } = await cli('print', '--granularity', 'test');

    const withoutScores = prometheusText(runMetrics(sampleRun(), sampleAttempts(), { granularity: 'test' }));
    const runSection = (text: string): string => text.slice(0, text.indexOf('# HELP flaky_detector_tests '));

    expect(runSection(stdout)).toBe(runSection(withoutScores));
  });
});
