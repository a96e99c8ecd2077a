import { describe, expect, it } from '@jest/globals';
import { scriptedHistory } from '../../test/scripted-history.js';
import { analyzeHistory } from './analyze-history.js';
import { resolveAnalysisOptions } from './analysis-options.js';
import type { AnalysisOptions } from './analysis-types.js';

describe('analysis options', () => {
  it('should fill in the defaults around the options given', () => {
    const options = resolveAnalysisOptions({ durations: { threshold: 0.3 } });

    expect(options.durations).toEqual({ window: 30, minSamples: 10, threshold: 0.3, floorMs: 5, madFactor: 3 });
    expect(options.scoring.prior).toEqual({ alpha: 0.5, beta: 0.5 });
  });

  it('should report every problem at once, each by its path, with did-you-mean', () => {
    const bad = { scoring: { levle: 0.9, window: 0 }, durations: { minSamples: 5 }, outage: 'no' } as unknown as AnalysisOptions;

    expect(() => analyzeHistory(scriptedHistory({ tests: { a: 'P' } }), bad)).toThrow(
      [
        '[flaky-detector] Failed to analyze the test history: the options have 4 problems.',
        '- outage: expected an object.',
        '- scoring.levle: unknown option. Did you mean "level"?',
      ].join('\n'),
    );
    expect(() => resolveAnalysisOptions(bad)).toThrow('- scoring.window: expected a whole number >= 1, got 0.');
    expect(() => resolveAnalysisOptions(bad)).toThrow('- durations.minSamples: expected a whole number >= 10, got 5.');
  });

  it('should refuse a minimum of samples above the window', () => {
    expect(() => resolveAnalysisOptions({ durations: { window: 12, minSamples: 20 } })).toThrow(
      '- durations.minSamples: 20 is more than durations.window (12).',
    );
  });
});
