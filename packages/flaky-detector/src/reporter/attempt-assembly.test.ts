import { describe, expect, it } from '@jest/globals';
import { errorFingerprint, testIdOf } from '../model.js';
import { assembleAttempts, type JestTestCase } from './attempt-assembly.js';

const final = (fields: Partial<JestTestCase>): JestTestCase => ({
  fullName: 'cart totals',
  status: 'passed',
  failureMessages: [],
  ...fields,
});

describe('assembleAttempts', () => {
  it('should take one record per onTestCaseResult report when there is one per invocation', () => {
    const records = assembleAttempts({
      runId: 'r1',
      file: 'cart.test.js',
      finals: [final({ invocations: 2, duration: 4 })],
      cases: [final({ status: 'failed', duration: 9, failureMessages: ['Error: boom'] }), final({ duration: 4 })],
      channel: undefined,
    });

    expect(records).toEqual([
      {
        runId: 'r1',
        testId: testIdOf('cart.test.js', 'cart totals'),
        file: 'cart.test.js',
        fullName: 'cart totals',
        attempt: 1,
        status: 'failed',
        durationMs: 9,
        errorFingerprint: errorFingerprint('Error: boom'),
        failureMessage: 'Error: boom',
      },
      {
        runId: 'r1',
        testId: testIdOf('cart.test.js', 'cart totals'),
        file: 'cart.test.js',
        fullName: 'cart totals',
        attempt: 2,
        status: 'passed',
        durationMs: 4,
      },
    ]);
  });

  it('should fall back to invocations and retryReasons: earlier attempts failed, their duration unknown (0)', () => {
    const records = assembleAttempts({
      runId: 'r1',
      file: 'cart.test.js',
      finals: [final({ invocations: 3, duration: 5, retryReasons: ['Error: first', 'Error: second'] })],
      cases: [],
      channel: undefined,
    });

    expect(
      records.map(({ attempt, status, durationMs, errorFingerprint: fingerprint }) => ({ attempt, status, durationMs, fingerprint })),
    ).toEqual([
      { attempt: 1, status: 'failed', durationMs: 0, fingerprint: errorFingerprint('Error: first') },
      { attempt: 2, status: 'failed', durationMs: 0, fingerprint: errorFingerprint('Error: second') },
      { attempt: 3, status: 'passed', durationMs: 5, fingerprint: undefined },
    ]);
  });

  it("should prefer the setup file's attempts, and map skipped and todo tests", () => {
    const records = assembleAttempts({
      runId: 'r1',
      file: 'cart.test.js',
      finals: [final({}), final({ fullName: 'cart later', status: 'pending' }), final({ fullName: 'cart someday', status: 'todo' })],
      cases: [final({ duration: 1 })],
      channel: [
        {
          testId: testIdOf('cart.test.js', 'cart totals'),
          file: 'cart.test.js',
          fullName: 'cart totals',
          attempt: 1,
          status: 'failed',
          durationMs: 2.5,
          cause: 'first',
          error: 'Error: declined',
          quarantined: true,
        },
      ],
    });

    expect(records.map(({ fullName, attempt, status, durationMs }) => [fullName, attempt, status, durationMs])).toEqual([
      ['cart totals', 1, 'failed', 2.5],
      ['cart later', 1, 'skipped', 0],
      ['cart someday', 1, 'todo', 0],
    ]);
    expect(records[0]!.testId).toBe(testIdOf('cart.test.js', 'cart totals'));
  });

  it("should leave a skipped test's name-sharing neighbour its own attempts and id from the setup file", () => {
    // A skipped "cart totals" then a running one of the same name: the setup file saw only the second.
    const second = testIdOf('cart.test.js', 'cart totals', 2);
    const records = assembleAttempts({
      runId: 'r1',
      file: 'cart.test.js',
      finals: [final({ status: 'pending' }), final({ status: 'failed', failureMessages: ['Error: declined'] })],
      cases: [],
      channel: [
        {
          testId: second,
          file: 'cart.test.js',
          fullName: 'cart totals',
          attempt: 1,
          status: 'failed',
          durationMs: 3.5,
          cause: 'first',
          error: 'Error: declined',
        },
      ],
    });

    expect(records.map(({ testId, status, durationMs }) => [testId, status, durationMs])).toEqual([
      [testIdOf('cart.test.js', 'cart totals'), 'skipped', 0],
      [second, 'failed', 3.5],
    ]);
  });

  it('should give tests that share a full name in one file ids by their place, the first keeping the plain id', () => {
    const records = assembleAttempts({
      runId: 'r1',
      file: 'cart.test.js',
      finals: [final({}), final({ status: 'failed', failureMessages: ['Error: second'] }), final({ fullName: 'cart other' })],
      cases: [],
      channel: undefined,
    });

    expect(records.map(({ testId, status }) => [testId, status])).toEqual([
      [testIdOf('cart.test.js', 'cart totals'), 'passed'],
      [testIdOf('cart.test.js', 'cart totals', 2), 'failed'],
      [testIdOf('cart.test.js', 'cart other'), 'passed'],
    ]);
    expect(new Set(records.map((record) => record.testId)).size).toBe(3);
  });

  it("should keep a failure's masked message and the test file's line from its stack", () => {
    const stack = [
      'Error: \u001b[2mexpect(\u001b[22m\u001b[31mreceived\u001b[39m).toBe(expected)',
      '',
      'Expected: 200',
      'Received: 401 for https://ci:s3cr3t-pass@api.example.com/orders',
      '    at Object.<anonymous> (/home/ci/shop/node_modules/expect/build/index.js:110:7)',
      '    at Object.<anonymous> (/home/ci/shop/src/cart.test.js:14:22)',
    ].join('\n');
    const [record] = assembleAttempts({
      runId: 'r1',
      file: 'src/cart.test.js',
      finals: [final({ status: 'failed', failureMessages: [stack] })],
      cases: [],
      channel: undefined,
    });

    expect(record).toMatchObject({
      status: 'failed',
      failureMessage: 'Error: expect(received).toBe(expected)\n\nExpected: 200\nReceived: 401 for https://ci:***@api.example.com/orders',
      failureLine: 14,
    });
  });
});
