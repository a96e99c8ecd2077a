import { describe, expect, it } from '@jest/globals';
import { scriptedHistory, times } from '../../test/scripted-history.js';
import { isFlakyError } from '../errors.js';
import { analyzeHistory } from '../scoring/analyze-history.js';
import { baselinesFileOf, parseBaselinesFile } from './baselines-file.js';

function problemOf(text: string): string {
  try {
    parseBaselinesFile(text, 'baselines.json');
  } catch (error) {
    if (isFlakyError(error) && error.code === 'FLAKY_INVALID_BASELINES') return error.message;
    throw error;
  }
  throw new Error('expected FLAKY_INVALID_BASELINES');
}

describe('baselines file', () => {
  it('should read back what it writes', () => {
    const analysis = analyzeHistory(scriptedHistory({ tests: { a: times('P', 12), b: times('P', 12) } }));
    const file = baselinesFileOf(analysis, new Date('2026-02-01T00:00:00Z'));

    expect(parseBaselinesFile(JSON.stringify(file), 'baselines.json')).toEqual(file);
    expect(file).toMatchObject({ version: 1, exportedAt: '2026-02-01T00:00:00.000Z', window: 30, minSamples: 10 });
    expect(file.baselines).toHaveLength(2);
  });

  it('should name the file and say that it is not JSON', () => {
    expect(problemOf('{"version": 1,')).toMatch(
      /^\[flaky-detector\] Failed to read the duration baselines in baselines\.json: it is not JSON/,
    );
  });

  it('should name every wrong field at once', () => {
    const message = problemOf(
      JSON.stringify({
        version: 1,
        exportedAt: 'yesterday',
        window: 30,
        minSamples: 10,
        baselines: [{ testId: 'xyz', file: 'a.test.ts', fullName: 'a', medianMs: -1, madMs: 0, samples: 10 }],
        extra: true,
      }),
    );

    expect(message).toContain('4 fields are wrong');
    expect(message).toContain('- exportedAt: expected an ISO 8601 time, got string "yesterday".');
    expect(message).toContain('- baselines[0].testId: expected 16 lowercase hex digits, got string "xyz".');
    expect(message).toContain('- baselines[0].medianMs: expected a number >= 0, got number -1.');
    expect(message).toContain('- extra: unknown field.');
    expect(message).toContain('flaky-detector baselines export');
  });

  it('should refuse a newer version with what to do', () => {
    expect(problemOf(JSON.stringify({ version: 2 }))).toContain(
      'it is version 2, written by a newer flaky-detector; this one reads version 1',
    );
  });

  it('should refuse the same test twice', () => {
    const entry = { testId: '0123456789abcdef', file: 'a', fullName: 'a', medianMs: 1, madMs: 0, samples: 10 };
    const text = JSON.stringify({ version: 1, exportedAt: '2026-01-01T00:00:00Z', window: 30, minSamples: 10, baselines: [entry, entry] });

    expect(problemOf(text)).toContain('- baselines[1].testId: 0123456789abcdef is also baselines[0].');
  });
});
