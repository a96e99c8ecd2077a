import { describe, expect, it } from '@jest/globals';
import { isFlakyError } from './errors.js';
import { errorFingerprint, parseTestId, testIdOf } from './model.js';

describe('testIdOf', () => {
  it('should be stable, 16 hex digits, and the same whatever the path separators', () => {
    const id = testIdOf('src/orders.test.ts', 'orders should total the lines');

    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(testIdOf('src\\orders.test.ts', 'orders should total the lines')).toBe(id);
    expect(testIdOf('src/orders.test.ts', 'orders should total the line')).not.toBe(id);
    expect(parseTestId(id.toUpperCase())).toBe(id);
  });

  it('should refuse a malformed id with a coded error', () => {
    let error: unknown;
    try {
      parseTestId('orders');
    } catch (caught) {
      error = caught;
    }

    expect(isFlakyError(error) && error.code).toBe('FLAKY_INVALID_TEST_ID');
    expect((error as Error).message).toBe(
      '[flaky-detector] Failed to read the test id "orders": a test id is 16 hexadecimal digits. Copy the id from a report or from `testIdOf(file, fullName)`.',
    );
  });
});

describe('errorFingerprint', () => {
  it('should read the same failure the same in every run, and tell different failures apart', () => {
    const first = errorFingerprint('Expected 3, received 4\n    at /tmp/x-81/a.ts:10:5');
    const again = errorFingerprint('Expected 7, received 9\n    at /tmp/x-12/a.ts:11:2');
    const other = errorFingerprint('connect ECONNREFUSED 127.0.0.1:5432');

    expect(first).toBe(again);
    expect(other).not.toBe(first);
  });
});
