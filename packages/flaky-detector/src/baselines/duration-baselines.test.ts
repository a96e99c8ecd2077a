import { describe, expect, it } from '@jest/globals';
import { idOf, scriptedHistory, times } from '../../test/scripted-history.js';
import { analyzeHistory } from '../scoring/analyze-history.js';
import { DEFAULT_ANALYSIS_OPTIONS } from '../scoring/analysis-options.js';
import type { BaselinesFile } from '../scoring/analysis-types.js';
import { median, medianAndMad, slowLimit } from './duration-baselines.js';

const options = DEFAULT_ANALYSIS_OPTIONS.durations;

function history(durations: number[]): ReturnType<typeof scriptedHistory> {
  return scriptedHistory({ tests: { a: times('P', durations.length) }, durations: { a: durations } });
}

describe('median', () => {
  it('should equal the middle of the sorted values for odd and even counts, with ties', () => {
    let seed = 7;
    const next = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let size = 1; size <= 60; size++) {
      const values = Array.from({ length: size }, () => Math.floor(next() * 20));
      const sorted = [...values].sort((a, b) => a - b);
      const middle = size >> 1;
      const expected = size % 2 === 1 ? sorted[middle] : (sorted[middle - 1]! + sorted[middle]!) / 2;

      expect(median(Float64Array.from(values))).toBe(expected);
      expect(median([...values])).toBe(expected);
    }
  });
});

describe('medianAndMad', () => {
  it('should ignore one outlier', () => {
    expect(medianAndMad([10, 11, 12, 13, 100])).toEqual({ median: 12, mad: 1 });
    expect(medianAndMad([10, 20])).toEqual({ median: 15, mad: 5 });
  });
});

describe('duration baselines', () => {
  it('should need durations.minSamples passing runs for a baseline', () => {
    expect(analyzeHistory(history(Array<number>(9).fill(50))).baselines).toEqual([]);
    expect(analyzeHistory(history(Array<number>(10).fill(50))).baselines).toEqual([
      { testId: idOf('a'), file: 'src/scripted.test.ts', fullName: 'a', medianMs: 50, madMs: 0, samples: 10 },
    ]);
  });

  it('should use only the last durations.window durations', () => {
    const [baseline] = analyzeHistory(history([...Array<number>(20).fill(500), ...Array<number>(10).fill(100)]), {
      durations: { window: 10 },
    }).baselines;

    expect(baseline).toMatchObject({ medianMs: 100, samples: 10 });
  });

  it('should leave failed attempts out of the baseline', () => {
    const script = scriptedHistory({ tests: { a: `${times('P', 10)} F` }, durations: { a: [...Array<number>(10).fill(40), 5000] } });

    expect(analyzeHistory(script).baselines[0]).toMatchObject({ medianMs: 40, samples: 10 });
  });
});

describe('duration regressions', () => {
  const base = Array.from({ length: 12 }, (_, i) => 100 + (i % 3));

  it('should flag two runs in a row over median x 1.2, with the baseline of the runs before them', () => {
    const [regression] = analyzeHistory(history([...base, 130, 125])).regressions;

    expect(regression).toMatchObject({ runIds: ['r13', 'r14'], durationsMs: [130, 125], baselineSource: 'history' });
    expect(regression!.limitMs).toBeCloseTo(121.2, 9);
    expect(regression!.baseline).toMatchObject({ medianMs: 101, madMs: 1, samples: 12 });
    expect(regression!.ratio).toBeCloseTo(125 / 101, 12);
  });

  it('should not flag one slow run that the next run does not confirm', () => {
    expect(analyzeHistory(history([...base, 130, 101])).regressions).toEqual([]);
    expect(analyzeHistory(history([...base, 101, 130])).regressions).toEqual([]);
  });

  it('should not flag a slowdown below durations.floorMs, however large in percent', () => {
    const small = Array<number>(12).fill(2);

    expect(analyzeHistory(history([...small, 6, 6])).regressions).toEqual([]);
    expect(analyzeHistory(history([...small, 8, 8])).regressions).toHaveLength(1);
  });

  it('should not flag runs within madFactor MADs of a noisy median', () => {
    const noisy = [100, 140, 60, 100, 140, 60, 100, 140, 60, 100, 140, 60];

    expect(analyzeHistory(history([...noisy, 150, 150])).regressions).toEqual([]);
    expect(analyzeHistory(history([...noisy, 150, 150]), { durations: { madFactor: 0 } }).regressions).toHaveLength(1);
  });

  it('should compare with an imported baseline when one is given for the test', () => {
    const imported: BaselinesFile = {
      version: 1,
      exportedAt: '2026-01-01T00:00:00.000Z',
      window: 30,
      minSamples: 10,
      baselines: [{ testId: idOf('a'), file: 'src/scripted.test.ts', fullName: 'a', medianMs: 80, madMs: 1, samples: 30 }],
    };

    const [regression] = analyzeHistory(history([...base, 101, 102]), { baselines: imported }).regressions;

    expect(regression).toMatchObject({ baselineSource: 'imported', limitMs: 96 });
  });

  it('should take the largest of the relative, floor and MAD limits', () => {
    expect(slowLimit({ medianMs: 100, madMs: 2 }, options)).toBe(120);
    expect(slowLimit({ medianMs: 10, madMs: 0 }, options)).toBe(15);
    expect(slowLimit({ medianMs: 100, madMs: 10 }, options)).toBe(130);
  });
});
