const DAY_MS = 86_400_000;

/** What {@link DailyQuota.reserve} decided. */
export type ReserveResult =
  { allowed: true; used: number; release: () => void } | { allowed: false; used: number; resetsAt: Date; retryAfterSeconds: number };

/** How much of a key's quota is used in the current UTC day. */
export interface QuotaUsage {
  used: number;
  resetsAt: Date;
}

/**
 * A count per key (a tenant id) and UTC day, with a limit: a unit is reserved before the work and
 * released when the work did not happen, so concurrent requests can never overshoot the limit. The
 * clock is injected; a new UTC day starts every count at zero.
 *
 * Counts live in this process: a service run as several instances needs them in a shared store
 * (the database, Redis) instead, behind the same three methods.
 *
 * @example
 * const orders = new DailyQuota(() => Date.now())
 * const reserved = orders.reserve(tenantId, 100)
 * if (reserved.allowed && orderFailed) reserved.release()
 */
export class DailyQuota {
  readonly #now: () => number;
  readonly #counts = new Map<string, { day: number; used: number }>();

  constructor(now: () => number = () => Date.now()) {
    this.#now = now;
  }

  /**
   * Reserve one unit of `key`'s quota of `limit` per UTC day.
   *
   * @example
   * const reserved = quota.reserve('tenant-a', 2) // { allowed: true, used: 1, release }
   */
  reserve(key: string, limit: number): ReserveResult {
    const day = this.#day();
    const count = this.#current(key, day);
    if (count.used >= limit) {
      const resetsAt = new Date((day + 1) * DAY_MS);
      return {
        allowed: false,
        used: count.used,
        resetsAt,
        retryAfterSeconds: Math.max(1, Math.ceil((resetsAt.getTime() - this.#now()) / 1000)),
      };
    }
    count.used += 1;
    let released = false;
    return {
      allowed: true,
      used: count.used,
      release: () => {
        // A release after midnight gives nothing back to the new day.
        if (released || count.day !== this.#day()) return;
        released = true;
        count.used -= 1;
      },
    };
  }

  /**
   * How much of `key`'s quota the current UTC day has used, and when it starts again.
   *
   * @example
   * quota.usage('tenant-a') // { used: 3, resetsAt: 2026-12-07T00:00:00.000Z }
   */
  usage(key: string): QuotaUsage {
    const day = this.#day();
    const stored = this.#counts.get(key);
    return { used: stored?.day === day ? stored.used : 0, resetsAt: new Date((day + 1) * DAY_MS) };
  }

  #day(): number {
    return Math.floor(this.#now() / DAY_MS);
  }

  #current(key: string, day: number): { day: number; used: number } {
    const stored = this.#counts.get(key);
    if (stored !== undefined && stored.day === day) return stored;
    const fresh = { day, used: 0 };
    this.#counts.set(key, fresh);
    return fresh;
  }
}
