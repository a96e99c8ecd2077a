import { describe, expect, it } from '@jest/globals';
import { flakyTestsOf } from './fixtures/scoring/stricter-thresholds.js';
import { idOf, scriptedHistory, times } from './scripted-history.js';

describe('the stricter thresholds of the docs', () => {
  it('should still call a test flaky on same-code evidence, and a regression broken only after three failing runs', () => {
    const history = scriptedHistory({
      tests: { retried: `${times('P', 6)} R P`, regressed: `${times('P', 6)} F F` },
    });

    expect(flakyTestsOf(history).map((test) => test.testId)).toEqual([idOf('retried')]);
  });
});
