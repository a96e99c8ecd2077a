import { describe, expect, it } from '@jest/globals';
import { idOf, scriptedHistory, times } from '../../test/scripted-history.js';
import { analyzeHistory } from '../scoring/analyze-history.js';

describe('test effectiveness', () => {
  it('should list a test that failed on a commit and passed after a change as having caught a real failure', () => {
    const history = scriptedHistory({ tests: { catcher: 'P P F F P P F P', calm: times('P', 8) } });

    const { caughtRealFailures } = analyzeHistory(history).effectiveness;

    expect(caughtRealFailures).toEqual([
      {
        testId: idOf('catcher'),
        file: 'src/scripted.test.ts',
        fullName: 'catcher',
        caught: 2,
        failedRunId: 'r7',
        failedCommit: 'c7',
        fixedRunId: 'r8',
        fixedCommit: 'c8',
      },
    ]);
  });

  it('should not count a failure whose commit also passed: that was flakiness', () => {
    const history = scriptedHistory({ tests: { a: 'P F P P' }, commits: ['c1', 'c2', 'c2', 'c3'] });

    expect(analyzeHistory(history).effectiveness.caughtRealFailures).toEqual([]);
  });

  it('should list long tests that never failed in effectiveness.minRuns runs, costliest first', () => {
    const history = scriptedHistory({
      tests: { long: times('P', 50), longer: times('P', 50), short: times('P', 50), longButFailed: `${times('P', 49)} R` },
      durations: {
        long: Array<number>(50).fill(1500),
        longer: Array<number>(50).fill(4000),
        short: Array<number>(50).fill(10),
        longButFailed: Array<number>(50).fill(5000),
      },
    });

    const { neverFailed } = analyzeHistory(history).effectiveness;

    expect(neverFailed.map((test) => [test.fullName, test.runs, test.medianMs, test.totalMs])).toEqual([
      ['longer', 50, 4000, 200_000],
      ['long', 50, 1500, 75_000],
    ]);
    expect(analyzeHistory(history, { effectiveness: { minRuns: 51 } }).effectiveness.neverFailed).toEqual([]);
  });
});
