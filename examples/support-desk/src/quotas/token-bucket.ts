/** What {@link TokenBuckets.take} decided. */
export type TakeResult = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

/** The size and refill rate of one bucket. */
export interface BucketShape {
  /** Most tokens the bucket holds (the burst). */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
}

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date, in clock milliseconds. */
  at: number;
}

/**
 * One token bucket per key (a tenant id): a request takes a token; tokens come back at a steady
 * rate up to the bucket's capacity. A key seen for the first time starts full. The clock is
 * injected, so a test moves time instead of waiting.
 *
 * @example
 * const buckets = new TokenBuckets(() => Date.now())
 * buckets.take(tenantId, { capacity: 5, refillPerSecond: 1 }) // { allowed: true, remaining: 4 }
 */
export class TokenBuckets {
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(now: () => number = () => Date.now()) {
    this.#now = now;
  }

  /**
   * Take one token from `key`'s bucket, or say in how many whole seconds one will be there.
   *
   * @example
   * const result = buckets.take('tenant-a', { capacity: 1, refillPerSecond: 0.5 })
   * if (!result.allowed) reply.header('retry-after', result.retryAfterSeconds)
   */
  take(key: string, shape: BucketShape): TakeResult {
    const now = this.#now();
    const bucket = this.#buckets.get(key) ?? { tokens: shape.capacity, at: now };
    // A clock moved backwards (a restored skew) refills nothing and is taken as the new reference.
    const elapsedSeconds = Math.max(0, now - bucket.at) / 1000;
    bucket.tokens = Math.min(shape.capacity, bucket.tokens + elapsedSeconds * shape.refillPerSecond);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens) };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / shape.refillPerSecond)) };
  }
}
