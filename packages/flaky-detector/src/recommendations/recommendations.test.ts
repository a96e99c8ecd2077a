import { describe, expect, it } from '@jest/globals';
import { idOf, scriptedHistory, times } from '../../test/scripted-history.js';
import { analyzeHistory } from '../scoring/analyze-history.js';

describe('recommendations', () => {
  it('should name each test, its action and the figure behind it', () => {
    const history = scriptedHistory({
      tests: {
        slow: times('P', 60),
        flaky: `${times('P R', 30)}`,
        rare: `${times('P', 19)} R ${times('P', 19)} R ${times('P', 19)} R`,
        broken: `${times('P', 57)} FF FF FF`,
        quick: times('P', 60),
      },
      durations: {
        slow: Array<number>(60).fill(3000),
        flaky: Array<number>(60).fill(20),
        rare: Array<number>(60).fill(20),
        broken: Array<number>(60).fill(20),
        quick: Array<number>(60).fill(10),
      },
    });

    const { recommendations } = analyzeHistory(history, { recommendations: { quarantineScore: 0.1 } });
    const summary = recommendations.map((item) => [item.action, item.testId, item.figure.label, Number(item.figure.value.toFixed(3))]);

    expect(summary).toEqual([
      ['fix-regression', idOf('broken'), 'runs failed on every attempt', 3],
      ['quarantine', idOf('flaky'), 'flakiness score', 0.5],
      ['fix', idOf('rare'), 'flakiness score', 0.057],
      ['speed-up', idOf('slow'), "share of the suite's time", 0.973],
      ['slower-cadence', idOf('slow'), 'runs without a failure', 60],
    ]);
    expect(recommendations[0]!.message).toBe(
      'Fix the regression in "broken" (src/scripted.test.ts): it failed every attempt of 3 runs since commit c58; never quarantine it.',
    );
    expect(recommendations[1]!.message).toMatch(
      /^Quarantine "flaky" \(src\/scripted\.test\.ts\) while it is fixed: it fails 50\.0 % of runs \(\d+\.\d % to \d+\.\d % at 95 %\)\.$/,
    );
    expect(recommendations[3]!.message).toBe(
      'Split or speed up "slow" (src/scripted.test.ts): it takes 97.3 % of the suite\'s time (median 3,000 ms).',
    );
    expect(recommendations[4]!.message).toBe(
      'Run "slow" (src/scripted.test.ts) less often (nightly): it has not failed in 60 runs and takes 3,000 ms a run.',
    );
  });

  it('should not ask to split or speed up tests that take a few milliseconds, whatever their share', () => {
    const history = scriptedHistory({
      tests: { a: times('P', 12), b: times('P', 12) },
      durations: { a: Array<number>(12).fill(2), b: Array<number>(12).fill(1) },
    });

    const speedUps = (slowMinMs?: number): string[] =>
      analyzeHistory(history, { recommendations: slowMinMs === undefined ? {} : { slowMinMs } })
        .recommendations.filter((item) => item.action === 'speed-up')
        .map((item) => item.fullName);

    expect(speedUps()).toEqual([]);
    expect(speedUps(0)).toEqual(['a', 'b']);
  });

  it('should point at groups that fail together and at slowdowns', () => {
    const durations = [...Array<number>(12).fill(100), 200, 210];
    const history = scriptedHistory({
      tests: { db1: 'P R P R P P R P P P P P P P', db2: 'P R P R P P R P P P P P P P', timed: times('P', 14) },
      durations: { timed: durations },
    });

    const actions = analyzeHistory(history, { recommendations: { slowShare: 1 } }).recommendations.filter(
      (item) => item.action === 'investigate-group' || item.action === 'investigate-slowdown',
    );

    expect(actions.map((item) => [item.action, item.testIds.length, item.figure.value])).toEqual([
      ['investigate-slowdown', 1, 2],
      ['investigate-group', 2, 3],
    ]);
    expect(actions[0]!.message).toBe(
      'Find what slowed "timed" (src/scripted.test.ts): its last two runs took 200 ms and 210 ms, 2.00x its median of 100 ms.',
    );
  });

  it('should give at most recommendations.limit of each action', () => {
    const tests: Record<string, string> = {};
    for (let i = 0; i < 4; i++) tests[`flaky ${i}`] = times('P R', 5);

    const { recommendations } = analyzeHistory(scriptedHistory({ tests }), { recommendations: { limit: 2 } });

    expect(recommendations.filter((item) => item.action === 'quarantine')).toHaveLength(2);
  });
});
