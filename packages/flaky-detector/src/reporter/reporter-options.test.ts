import { describe, expect, it } from '@jest/globals';
import { checkReporterOptions } from './reporter-options.js';

describe('checkReporterOptions', () => {
  it('should accept no options and a full set', () => {
    expect(checkReporterOptions(undefined)).toEqual({});
    const full = {
      store: 'postgres://ci@db/history',
      quarantineFile: 'ci/quarantine.json',
      runId: 'ci-1',
      ciJob: 'unit',
      historyRuns: 20,
      retries: { knownFlaky: true, tests: ['a1b2c3d4e5f60718'], errorPattern: /ECONNRESET/, maxRetries: 3, budget: 10, seed: 1 },
      earlyDetection: { budgetMs: 1000, runs: [{ underMs: 100, runs: 5 }], changedSince: 'origin/main' },
      silent: true,
    };
    expect(checkReporterOptions(full)).toBe(full);
  });

  it('should report every problem at once, nested ones by their path, with did-you-mean', () => {
    expect(() =>
      checkReporterOptions({
        stor: 'x.sqlite',
        historyRuns: 0,
        retries: { maxRetries: -1, errorPattern: '(', tests: ['nope'] },
        earlyDetection: { runs: [{ underMs: 5 }] },
      }),
    ).toThrow(
      [
        '[flaky-detector] Failed to start the flaky-detector reporter: 6 problems.',
        '- stor: unknown option. Did you mean "store"? Known options: store, quarantineFile, runId, ciJob, historyRuns, retries, earlyDetection, silent.',
        '- historyRuns: expected a whole number >= 1, got 0.',
        '- retries.maxRetries: expected a whole number from 0 to 100, got -1.',
        '- retries.errorPattern: not a valid regular expression (Invalid regular expression: /(/: Unterminated group).',
        '- retries.tests: expected test ids (16 lowercase hexadecimal digits each), got an array of 1.',
        '- earlyDetection.runs: expected rows { underMs: number, runs: whole number >= 1 }, got an array of 1.',
      ].join('\n'),
    );
  });
});
