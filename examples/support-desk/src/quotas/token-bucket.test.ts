import { describe, expect, it } from '@jest/globals';
import { TokenBuckets } from './token-bucket.ts';

describe('TokenBuckets', () => {
  const shape = { capacity: 3, refillPerSecond: 0.5 };

  it('should let a burst of the capacity through, then refuse with the seconds until the next token', () => {
    let now = 1_000_000;
    const buckets = new TokenBuckets(() => now);

    const taken = [1, 2, 3, 4].map(() => buckets.take('a', shape));
    now += 1_000;
    const halfway = buckets.take('a', shape);
    now += 1_000;
    const refilled = buckets.take('a', shape);

    expect(taken).toEqual([
      { allowed: true, remaining: 2 },
      { allowed: true, remaining: 1 },
      { allowed: true, remaining: 0 },
      { allowed: false, retryAfterSeconds: 2 },
    ]);
    expect(halfway).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(refilled).toEqual({ allowed: true, remaining: 0 });
  });

  it('should keep one bucket per key', () => {
    const buckets = new TokenBuckets(() => 0);

    for (let i = 0; i < 3; i += 1) buckets.take('a', shape);

    expect(buckets.take('a', shape).allowed).toBe(false);
    expect(buckets.take('b', shape)).toEqual({ allowed: true, remaining: 2 });
  });

  it('should never fill past the capacity, however long the key was quiet, nor refill when the clock goes back', () => {
    let now = 0;
    const buckets = new TokenBuckets(() => now);
    buckets.take('a', shape);

    now = 3_600_000;
    const afterAnHour = [1, 2, 3, 4].map(() => buckets.take('a', shape).allowed);
    now = 0;
    const afterGoingBack = buckets.take('a', shape);

    expect(afterAnHour).toEqual([true, true, true, false]);
    expect(afterGoingBack.allowed).toBe(false);
  });
});
