import { describe, expect, it } from '@jest/globals';
import { checks, countProblems, listOptionProblems } from './options.js';

describe('listOptionProblems', () => {
  it('should report every problem at once: unknown names with a suggestion, and failed checks', () => {
    const problems = listOptionProblems(
      { tiemout: 5, retries: -1, mode: 'gloden', name: undefined },
      { timeout: checks.integer(1), retries: checks.integer(0), mode: checks.oneOf(['mock', 'golden']), name: checks.string() },
    );

    expect(problems).toEqual([
      '- tiemout: unknown option. Did you mean "timeout"? Known options: timeout, retries, mode, name.',
      '- retries: expected a whole number >= 0, got -1.',
      '- mode: expected one of "mock" and "golden", got "gloden" (did you mean "golden"?).',
    ]);
    expect(countProblems(problems)).toBe('3 problems');
  });

  it('should name nested options by their path and find nothing wrong in good options', () => {
    expect(listOptionProblems({ times: 'x' }, { times: checks.integer() }, 'retry.')).toEqual([
      '- retry.times: expected a whole number >= 0, got "x".',
    ]);
    expect(listOptionProblems({ times: 2 }, { times: checks.integer() })).toEqual([]);
    expect(listOptionProblems({ times: 17 }, { times: checks.integer(0, 16) })).toEqual([
      '- times: expected a whole number from 0 to 16, got 17.',
    ]);
  });

  it('should not print long strings that may be secrets', () => {
    const [problem] = listOptionProblems({ key: 'k'.repeat(64) }, { key: checks.integer() });

    expect(problem).toBe('- key: expected a whole number >= 0, got a string of 64 characters.');
  });
});
