import { describe, expect, it } from '@jest/globals';
import { isImpactError } from '../errors.js';
import { formatShadowReport, summarizeShadowLog, type ShadowRun } from './shadow-report.js';

const run = (overrides: Partial<ShadowRun>): ShadowRun => ({
  at: '2026-12-01T10:00:00.000Z',
  base: 'a'.repeat(40),
  head: 'b'.repeat(40),
  runAll: false,
  selected: 10,
  total: 100,
  failed: [],
  missed: [],
  ...overrides,
});

const LOG: ShadowRun[] = [
  run({
    at: '2026-12-02T09:00:00.000Z',
    selected: 20,
    failed: ['test/a.test.ts', 'test/b.test.ts'],
    missed: ['test/b.test.ts'],
    commit: 'c'.repeat(40),
  }),
  run({ at: '2026-12-01T10:00:00.000Z', selected: 10 }),
  run({ at: '2026-12-01T11:00:00.000Z', runAll: true, selected: 100, failed: ['test/c.test.ts'] }),
  run({ at: '2026-12-02T12:00:00.000Z', selected: 30, failed: ['test/b.test.ts'], missed: ['test/b.test.ts'] }),
];

describe('summarizeShadowLog', () => {
  it('should give the selection ratio, the run-all share and the misses with the missed tests', () => {
    const summary = summarizeShadowLog(LOG);

    expect(summary).toMatchObject({
      runs: 4,
      from: '2026-12-01T10:00:00.000Z',
      to: '2026-12-02T12:00:00.000Z',
      runAllRuns: 1,
      runAllShare: 0.25,
      missedRuns: 2,
      runsWithFailures: 2,
      missedTests: [{ path: 'test/b.test.ts', times: 2 }],
    });
    expect(summary.selectionRatio).toBeCloseTo((0.1 + 1 + 0.2 + 0.3) / 4);
    expect(summary.narrowedSelectionRatio).toBeCloseTo(0.2);
    // 2 of the 3 narrowed runs missed a failure; 2 of their 3 failures were missed (the run-all run cannot miss).
    expect(summary.missRate).toBeCloseTo(2 / 3);
    expect(summary.missedFailureShare).toBeCloseTo(2 / 3);
    expect(summary.misses.map((miss) => miss.at)).toEqual(['2026-12-02T09:00:00.000Z', '2026-12-02T12:00:00.000Z']);
  });

  it('should give the ratio day by day, oldest first', () => {
    const { days } = summarizeShadowLog(LOG);

    expect(days.map((day) => [day.day, day.runs, day.runAllShare, day.misses])).toEqual([
      ['2026-12-01', 2, 0.5, 0],
      ['2026-12-02', 2, 0, 2],
    ]);
    expect(days[1]!.selectionRatio).toBeCloseTo(0.25);
  });

  it('should fail with IMPACT_REPORT_NO_DATA for an empty log', () => {
    let error: unknown;
    try {
      summarizeShadowLog([]);
    } catch (caught) {
      error = caught;
    }
    expect(isImpactError(error) && error.code).toBe('IMPACT_REPORT_NO_DATA');
  });
});

describe('formatShadowReport', () => {
  const summary = summarizeShadowLog(LOG);

  it('should write text with the ratios, the miss rate and each missed failure', () => {
    const text = formatShadowReport(summary, 'text');

    expect(text).toContain('4 runs from 2026-12-01T10:00:00.000Z to 2026-12-02T12:00:00.000Z');
    expect(text).toContain('Ran everything: 1 of 4 runs (25%)');
    expect(text).toContain('miss rate 66.7%');
    expect(text).toContain('2026-12-02T09:00:00.000Z aaaaaaaaaaaa..bbbbbbbbbbbb (cccccccccccc): test/b.test.ts');
  });

  it('should write JSON that reads back as the summary', () => {
    expect(JSON.parse(formatShadowReport(summary, 'json'))).toEqual(JSON.parse(JSON.stringify(summary)));
  });

  it('should write Markdown tables', () => {
    const markdown = formatShadowReport(summary, 'markdown');

    expect(markdown).toContain('| 4 | 40% | 25% | 66.7% | 66.7% |');
    expect(markdown).toContain('| 2026-12-02 | 2 | 25% | 0% | 2 |');
  });
});
