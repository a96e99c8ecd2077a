import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { idOf, scriptedHistory, times } from '../../test/scripted-history.js';
import { analyzeHistory } from './analyze-history.js';
import type { AnalysisOptions, TestAnalysis } from './analysis-types.js';

function analyzed<const Name extends string>(
  tests: Record<Name, string>,
  commits?: Array<string | undefined>,
  options?: AnalysisOptions,
): Record<Name, TestAnalysis> {
  const analysis = analyzeHistory(scriptedHistory({ tests, ...(commits === undefined ? {} : { commits }) }), options);
  const entries = Object.keys(tests).map((name) => [name, analysis.tests.find((test) => test.testId === idOf(name))!]);
  return Object.fromEntries(entries) as Record<Name, TestAnalysis>;
}

describe('classes: flaky for certain', () => {
  it('should call a test that failed and passed on retry in one run flaky, naming the run', () => {
    const { a } = analyzed({ a: 'P P R P' });

    expect(a).toMatchObject({ class: 'flaky', reason: 'same-code', classSince: 'r3' });
    expect(a.sameCode).toEqual([{ commit: 'c3', lockfileHash: 'lock', passedRuns: ['r3'], failedRuns: ['r3'] }]);
  });

  it('should call a test flaky when one commit passed in one run and failed in another, even while new', () => {
    const { a } = analyzed({ a: 'P F' }, ['same', 'same']);

    expect(a).toMatchObject({ class: 'flaky', reason: 'same-code', classSince: 'r2' });
    expect(a.sameCode).toEqual([{ commit: 'same', lockfileHash: 'lock', passedRuns: ['r1'], failedRuns: ['r2'] }]);
  });

  it('should keep within-run evidence of runs without a commit', () => {
    const { a } = analyzed({ a: 'P R' }, [undefined, undefined]);

    expect(a.sameCode).toEqual([{ commit: undefined, lockfileHash: undefined, passedRuns: ['r2'], failedRuns: ['r2'] }]);
  });
});

describe('classes: minimum runs and hysteresis', () => {
  it('should keep a test new until it has scoring.minRuns runs', () => {
    expect(analyzed({ a: 'P P P P' }).a).toMatchObject({ class: 'new', reason: 'too-few-runs' });
    expect(analyzed({ a: 'P P P P P' }).a).toMatchObject({ class: 'stable', reason: 'passes', classSince: 'r5' });
  });

  it('should not move a stable test on one failure that the next run does not repeat', () => {
    const { a } = analyzed({ a: `${times('P', 10)} F ${times('P', 10)}` });

    expect(a.class).toBe('stable');
    expect(a.transitions.map((step) => step.to)).toEqual(['stable']);
  });

  it('should call a test flaky by failure rate after failures, each followed by a pass, on different commits', () => {
    const { a } = analyzed({ a: 'P P F P P P F P P P F P' });

    expect(a).toMatchObject({ class: 'flaky', reason: 'failure-rate', classSince: 'r8' });
    expect(a.failureProbability).toMatchObject({ runs: 12, failures: 3 });
  });

  it('should need scoring.minFailures transient failures before the failure rate can say flaky', () => {
    const { a } = analyzed({ a: 'P P F P P P F P P P F P' }, undefined, { scoring: { minFailures: 4 } });

    expect(a.class).toBe('stable');
  });

  it('should leave flaky for fixed only after a clean streak that would be unlikely at its failure rate', () => {
    // Rate at the last failure: (0.5 + 1) / (1 + 2) = 0.5; 0.5^5 < 0.05, but fixedMinRuns (10) is larger.
    const nine = analyzed({ a: `P R ${times('P', 9)}` }).a;
    const ten = analyzed({ a: `P R ${times('P', 10)}` }).a;

    expect(nine.class).toBe('flaky');
    expect(ten).toMatchObject({ class: 'fixed', reason: 'clean-streak', previousClass: 'flaky', classSince: 'r12' });
  });

  it('should need a longer clean streak to leave flaky when the test failed rarely', () => {
    // 2 failures in 40 runs: rate ~0.061; 0.939^n < 0.05 needs n = 48.
    const flakyHistory = `${times('P', 19)} R ${times('P', 19)} R`;

    expect(analyzed({ a: `${flakyHistory} ${times('P', 47)}` }).a.class).toBe('flaky');
    expect(analyzed({ a: `${flakyHistory} ${times('P', 48)}` }).a.class).toBe('fixed');
  });

  it('should make a fixed test stable after scoring.fixedHoldRuns more clean runs', () => {
    const { a } = analyzed({ a: `P R ${times('P', 30)}` });

    expect(a.transitions.map((step) => `${step.from}>${step.to}@${step.runId}`)).toEqual([
      'new>flaky@r2',
      'flaky>fixed@r12',
      'fixed>stable@r32',
    ]);
  });

  it('should take a fixed test that was flaky back to flaky on its next transient failure', () => {
    const { a } = analyzed({ a: `P R ${times('P', 12)} F P` });

    expect(a).toMatchObject({ class: 'flaky', reason: 'failure-rate', previousClass: 'fixed' });
  });
});

describe('classes: broken and regressions', () => {
  it('should class a test that passed, then failed every attempt after a change, as a broken regression, never flaky', () => {
    const { a } = analyzed({ a: `${times('P', 5)} FFF FFF FFF` });

    expect(a).toMatchObject({ class: 'broken', reason: 'regression', classSince: 'r7', score: 0 });
    expect(a.regression).toEqual({
      lastPassedRunId: 'r5',
      lastPassedCommit: 'c5',
      firstFailedRunId: 'r6',
      firstFailedCommit: 'c6',
      failedRuns: 3,
    });
    expect(a.transitions.some((step) => step.to === 'flaky')).toBe(false);
  });

  it('should leave the failures of a broken streak out of the failure probability', () => {
    const { a } = analyzed({ a: `${times('P', 5)} F F F` });

    expect(a.failureProbability).toMatchObject({ runs: 5, failures: 0 });
  });

  it('should class a test that never passed as broken, not as a regression', () => {
    const { a } = analyzed({ a: 'F F' });

    expect(a).toMatchObject({ class: 'broken', reason: 'never-passed', regression: undefined });
  });

  it('should take a broken test to fixed after scoring.recoverRuns passing runs, not after one', () => {
    expect(analyzed({ a: `${times('P', 5)} F F P` }).a.class).toBe('broken');
    expect(analyzed({ a: `${times('P', 5)} F F P F` }).a.class).toBe('broken');
    expect(analyzed({ a: `${times('P', 5)} F F P P` }).a).toMatchObject({ class: 'fixed', reason: 'passes-again', regression: undefined });
  });

  it('should call a broken test flaky when a run of a failing commit passes', () => {
    const { a } = analyzed({ a: 'P P P P P F F P' }, ['c1', 'c2', 'c3', 'c4', 'c5', 'bad', 'bad', 'bad']);

    expect(a).toMatchObject({ class: 'flaky', reason: 'same-code', previousClass: 'broken' });
  });

  it('should need a failing streak unlikely at its own failure rate before a flaky test is called broken', () => {
    // Flaky at about 0.5: two failures in a row are common; five are not (0.5^5 < 0.05).
    const flakyHistory = 'P R P R P R P R';

    expect(analyzed({ a: `${flakyHistory} F F F F` }).a.class).toBe('flaky');
    expect(analyzed({ a: `${flakyHistory} F F F F F` }).a).toMatchObject({ class: 'broken', reason: 'regression', previousClass: 'flaky' });
  });

  it('should never class as flaky a test that passes until a change and fails on every attempt after it (any lengths)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 2, max: 30 }),
        fc.integer({ min: 1, max: 3 }),
        (passes, failures, attempts) => {
          const { a } = analyzed({ a: `${times('P', passes)} ${times('F'.repeat(attempts), failures)}` });

          expect(a.class).toBe('broken');
          expect(a.transitions.every((step) => step.to !== 'flaky')).toBe(true);
        },
      ),
    );
  });

  it('should never class a test whose first attempts all passed as flaky or broken', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('P', 'S', '-'), { minLength: 1, maxLength: 60 }), (tokens) => {
        const { a } = analyzed({ a: `P ${tokens.join(' ')}` });

        expect(['new', 'stable']).toContain(a.class);
      }),
    );
  });
});

describe('scores', () => {
  it('should give the Jeffreys posterior of first-attempt failures over the window', () => {
    const { a } = analyzed({ a: 'P P F P P P F P P P' });

    expect(a.failureProbability).toMatchObject({ runs: 10, failures: 2, alpha: 2.5, beta: 8.5, level: 0.95 });
    expect(a.failureProbability.mean).toBeCloseTo(2.5 / 11, 12);
    expect(a.failureProbability.lower).toBeLessThan(2 / 10);
    expect(a.failureProbability.upper).toBeGreaterThan(2 / 10);
  });

  it('should count only the last scoring.window runs', () => {
    const { a } = analyzed({ a: `R R ${times('P', 8)}` }, undefined, { scoring: { window: 8 } });

    expect(a.failureProbability).toMatchObject({ runs: 8, failures: 0 });
  });

  it('should smooth the flip rate over pass/fail transitions', () => {
    const { a } = analyzed({ a: 'P F P' });

    expect(a.flipRate).toBeCloseTo(0.1 + 0.9 * 0.1, 12);
  });

  it('should score only flaky tests, by their posterior mean', () => {
    const result = analyzed({ flaky: 'P R P R P', broken: 'P P P F F', stable: 'P P P P P' });

    expect(result.flaky.score).toBeCloseTo(result.flaky.failureProbability.mean, 12);
    expect(result.broken.score).toBe(0);
    expect(result.stable.score).toBe(0);
  });
});

describe('outage runs', () => {
  it('should leave runs where most tests failed out of every score', () => {
    const tests: Record<string, string> = { a: `${times('P', 6)} F ${times('P', 3)}` };
    for (let i = 0; i < 11; i++) tests[`other ${i}`] = `${times('P', 6)} F ${times('P', 3)}`;

    const analysis = analyzeHistory(scriptedHistory({ tests }));
    const a = analysis.tests.find((test) => test.testId === idOf('a'))!;

    expect(analysis.outageRunIds).toEqual(['r7']);
    expect(a).toMatchObject({ class: 'stable', outageRuns: 1, failedRuns: 0, runs: 10 });
    expect(a.failureProbability.runs).toBe(9);
  });

  it('should not count a run as an outage under outage.minTests tests', () => {
    const analysis = analyzeHistory(scriptedHistory({ tests: { a: 'P F', b: 'P F' } }));

    expect(analysis.outageRunIds).toEqual([]);
  });
});
