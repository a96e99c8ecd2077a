import { describe, expect, it } from '@jest/globals';
import type { AttemptRecord, AttemptStatus, History, RunRecord } from '../model.js';
import { analyzeHistory } from '../scoring/analyze-history.js';
import { knownFlakyTests, knownTestsByFile } from './known-tests.js';

/** A history of `runs` runs of `tests` tests, where `outcome(run, test)` gives each test's attempts' statuses. */
function history(runs: number, tests: number, outcome: (run: number, test: number) => AttemptStatus[]): History {
  const runRecords: RunRecord[] = [];
  const attempts: AttemptRecord[] = [];
  for (let run = 0; run < runs; run++) {
    const runId = `run-${run}`;
    runRecords.push({
      runId,
      commit: `c${Math.floor(run / 2)}`,
      nodeVersion: 'v24',
      os: 'linux',
      startedAt: new Date(Date.UTC(2026, 0, 1, 0, run)).toISOString(),
    });
    for (let test = 0; test < tests; test++) {
      outcome(run, test).forEach((status, index) =>
        attempts.push({
          runId,
          testId: test.toString(16).padStart(16, '0'),
          file: `f${test % 3}.test.js`,
          fullName: `test ${test}`,
          attempt: index + 1,
          status,
          durationMs: 2,
        }),
      );
    }
  }
  return { runs: runRecords, attempts };
}

const fullAnalysis = (input: History): string[] =>
  analyzeHistory(input)
    .tests.filter((test) => test.class === 'flaky')
    .map((test) => test.testId)
    .sort();

describe('knownFlakyTests', () => {
  it('should find what the full analysis classes flaky, and not the broken tests', () => {
    const input = history(12, 40, (run, test) => {
      if (test === 3) return run % 3 === 0 ? ['failed', 'passed'] : ['passed']; // passes on retry: flaky
      if (test === 7) return run >= 6 ? ['failed', 'failed'] : ['passed']; // a regression: broken
      if (test === 9) return run % 4 === 1 ? ['failed'] : ['passed']; // fails now and then across runs
      return ['passed'];
    });

    expect(knownFlakyTests(input).sort()).toEqual(fullAnalysis(input));
    expect(knownFlakyTests(input)).toContain((3).toString(16).padStart(16, '0'));
    expect(knownFlakyTests(input)).not.toContain((7).toString(16).padStart(16, '0'));
  });

  it('should agree with the full analysis when a run was an outage', () => {
    const input = history(12, 20, (run, test) => (run === 5 || (test === 2 && run % 3 === 0) ? ['failed', 'passed'] : ['passed']));

    expect(knownFlakyTests(input).sort()).toEqual(fullAnalysis(input));
  });

  it('should find none in a history without failures', () => {
    expect(knownFlakyTests(history(5, 10, () => ['passed']))).toEqual([]);
  });
});

describe('knownTestsByFile', () => {
  it('should list each file with the ids of its tests', () => {
    const known = knownTestsByFile(history(2, 6, () => ['passed']));

    expect([...known.keys()].sort()).toEqual(['f0.test.js', 'f1.test.js', 'f2.test.js']);
    expect(known.get('f0.test.js')?.sort()).toEqual([(0).toString(16).padStart(16, '0'), (3).toString(16).padStart(16, '0')]);
  });
});
