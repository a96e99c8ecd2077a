import { describe, expect, it } from '@jest/globals';
import { DailyQuota } from './daily-quota.ts';

const NOON = Date.UTC(2026, 11, 6, 12, 0, 0);

describe('DailyQuota', () => {
  it('should allow the limit in a UTC day, then refuse until midnight UTC', () => {
    const quota = new DailyQuota(() => NOON);

    const reserved = [1, 2, 3].map(() => quota.reserve('a', 2));

    expect(reserved.map((result) => result.allowed)).toEqual([true, true, false]);
    expect(reserved[2]).toEqual({ allowed: false, used: 2, resetsAt: new Date(Date.UTC(2026, 11, 7)), retryAfterSeconds: 12 * 3600 });
  });

  it('should give a released reservation back once, and start a new day at zero', () => {
    let now = NOON;
    const quota = new DailyQuota(() => now);

    const first = quota.reserve('a', 1);
    if (!first.allowed) throw new Error('the first reservation was refused');
    first.release();
    first.release();
    const again = quota.reserve('a', 1);
    const over = quota.reserve('a', 1);
    now += 12 * 3600 * 1000;
    const tomorrow = quota.reserve('a', 1);

    expect([again.allowed, over.allowed, tomorrow.allowed]).toEqual([true, false, true]);
    expect(quota.usage('a')).toEqual({ used: 1, resetsAt: new Date(Date.UTC(2026, 11, 8)) });
    expect(quota.usage('b').used).toBe(0);
  });

  it("should not give yesterday's reservation back to today", () => {
    let now = NOON;
    const quota = new DailyQuota(() => now);
    const yesterday = quota.reserve('a', 1);

    now += 24 * 3600 * 1000;
    quota.reserve('a', 1);
    if (yesterday.allowed) yesterday.release();

    expect(quota.usage('a').used).toBe(1);
  });
});
