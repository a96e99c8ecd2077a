import { describe, expect, it } from '@jest/globals';
import { attempt, sampleAttempts, sampleRun } from '../../test/fixtures/metrics-run.js';
import { testIdOf } from '../model.js';
import { prometheusSeriesNames } from './metric-catalog.js';
import { escapeLabelValue, prometheusText } from './prometheus-text.js';
import { runMetrics } from './run-metrics.js';

/** The sample lines of an exposition text (no comments). */
function samples(text: string): string[] {
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

describe('prometheusText', () => {
  it('should write each family once with HELP and TYPE, and every run status even when zero', () => {
    const text = prometheusText(runMetrics(sampleRun(), sampleAttempts()));

    expect(text).toContain('# TYPE flaky_detector_run_duration_seconds gauge\nflaky_detector_run_duration_seconds 90\n');
    expect(text).toContain('flaky_detector_run_success 0\n');
    expect(text).toContain('flaky_detector_run_tests{status="todo"} 0\n');
    expect(text).toContain('flaky_detector_run_coverage_ratio{kind="lines"} 0.815\n');
    expect(text).toContain('flaky_detector_run_info{run_id="run-42",commit="c0ffee1",node_version="v24.1.0",os="linux"} 1\n');
    expect(text).toContain('flaky_detector_tests{file="src/cart.test.ts",status="flaky"} 1\n');
    expect(text).not.toContain('flaky_detector_tests{file="src/orders.test.ts",status="flaky"}');
    expect(text.match(/^# TYPE /gm)).toHaveLength(new Set(text.match(/^# TYPE \S+/gm)).size);
  });

  it('should write the test duration histogram with cumulative buckets, +Inf, sum and count', () => {
    const text = prometheusText(runMetrics(sampleRun(), sampleAttempts()));

    expect(text).toContain('# TYPE flaky_detector_run_test_duration_seconds histogram\n');
    expect(text).toContain('flaky_detector_run_test_duration_seconds_bucket{le="0.1"} 1\n');
    expect(text).toContain('flaky_detector_run_test_duration_seconds_bucket{le="0.25"} 2\n');
    expect(text).toContain('flaky_detector_run_test_duration_seconds_bucket{le="1"} 3\n');
    expect(text).toContain('flaky_detector_run_test_duration_seconds_bucket{le="+Inf"} 4\n');
    expect(text).toContain('flaky_detector_run_test_duration_seconds_count 4\n');
    expect(text).toMatch(/flaky_detector_run_test_duration_seconds_sum 2\.77\d*\n/);
  });

  it('should escape backslashes, double quotes and line feeds in label values, and keep other characters', () => {
    const name = 'prices "gross" \\ net\nsecond line ✓';
    const metrics = runMetrics(sampleRun(), [attempt('src/a.test.ts', name, 'passed', 5)], { granularity: 'test' });

    const text = prometheusText(metrics);

    expect(escapeLabelValue(name)).toBe('prices \\"gross\\" \\\\ net\\nsecond line ✓');
    expect(text).toContain(
      `flaky_detector_test_duration_seconds{file="src/a.test.ts",test_id="${testIdOf('src/a.test.ts', name)}",test="prices \\"gross\\" \\\\ net\\nsecond line ✓"} 0.005\n`,
    );
    expect(samples(text).every((line) => /^[a-z_]+(\{.*\})? \S+$/.test(line))).toBe(true);
  });

  it('should use only the catalogued names, and no timestamps', () => {
    const scores = [{ testId: testIdOf('src/cart.test.ts', 'cart should add a line'), score: 0.2, class: 'flaky' as const }];
    const text = prometheusText(runMetrics(sampleRun(), sampleAttempts(), { scores }));
    const names = new Set(samples(text).map((line) => /^[a-z_]+/.exec(line)![0]));

    expect([...names].filter((name) => !prometheusSeriesNames().includes(name))).toEqual([]);
    expect(names).toContain('flaky_detector_test_flakiness_ratio');
    expect(names).toContain('flaky_detector_classified_tests');
    expect(samples(text).every((line) => line.split(' ').length === 2 || line.includes('"'))).toBe(true);
  });

  it('should leave out the duration and success of a run still under way, and the score metrics without scores', () => {
    const text = prometheusText(runMetrics(sampleRun({ finishedAt: undefined, coverage: undefined }), sampleAttempts()));

    expect(text).not.toContain('flaky_detector_run_duration_seconds');
    expect(text).not.toContain('flaky_detector_run_success');
    expect(text).not.toContain('flaky_detector_run_coverage_ratio');
    expect(text).not.toContain('flaky_detector_test_flakiness_ratio');
    expect(text).toContain(`flaky_detector_run_start_timestamp_seconds ${Date.parse('2026-12-01T10:00:00.000Z') / 1000}\n`);
  });
});
