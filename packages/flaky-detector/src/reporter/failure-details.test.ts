import { describe, expect, it } from '@jest/globals';
import { failureDetails, FAILURE_MESSAGE_LIMITS } from './failure-details.js';

describe('failureDetails', () => {
  it('should keep the lines before the stack and take the line of the first frame in the test file', () => {
    const text = [
      'Error: boom',
      '    at helper (/repo/src/helpers.ts:3:9)',
      '    at Object.<anonymous> (/repo/src/a.test.ts:7:15)',
      '    at Object.<anonymous> (/repo/src/a.test.ts:2:1)',
    ].join('\n');

    expect(failureDetails(text, 'src/a.test.ts')).toEqual({ message: 'Error: boom', line: 7 });
  });

  it('should read Windows paths, file URLs and frames without a function name', () => {
    expect(failureDetails('Error: x\n    at C:\\repo\\src\\b.test.ts:21:3', 'src/b.test.ts').line).toBe(21);
    expect(failureDetails('Error: x\n    at file:///repo/src/c.test.mjs:5:1', 'src/c.test.mjs').line).toBe(5);
  });

  it('should not take a line from a file that only ends with the same name', () => {
    expect(failureDetails('Error: x\n    at f (/repo/src/other-a.test.ts:9:1)', 'a.test.ts').line).toBeUndefined();
  });

  it('should cap the message at its first lines and characters', () => {
    const many = Array.from({ length: 40 }, (_, index) => `line ${index}`).join('\n');
    const long = `Error: ${'x'.repeat(5000)}`;

    expect(failureDetails(many, 'a.test.ts').message.split('\n')).toHaveLength(FAILURE_MESSAGE_LIMITS.lines);
    expect(failureDetails(many, 'a.test.ts').message.endsWith('…')).toBe(true);
    expect(failureDetails(long, 'a.test.ts').message).toHaveLength(FAILURE_MESSAGE_LIMITS.characters);
  });

  it('should mask a secret in the message and leave no colour codes', () => {
    const { message } = failureDetails('\u001b[31mError: login failed for password=hunter2\u001b[39m', 'a.test.ts');

    expect(message).toBe('Error: login failed for password=***');
  });
});
