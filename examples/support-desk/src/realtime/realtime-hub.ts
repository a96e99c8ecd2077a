import type { TenantEvent } from './events.ts';
import { processRealtimeCounters, RealtimeCounters, type RealtimeStats } from './realtime-stats.ts';
import { DEFAULT_BACKPRESSURE_LIMITS, SendQueue, type BackpressureLimits, type MessageSink } from './send-queue.ts';

/** Options of {@link RealtimeHub}. */
export interface RealtimeHubOptions {
  /** The backpressure limits of every connection (defaults: {@link DEFAULT_BACKPRESSURE_LIMITS}). */
  limits?: Partial<BackpressureLimits> | undefined;
}

/** A connection's place in the hub: its send queue, and `leave()` once it closed. */
export interface RealtimeSubscription {
  readonly queue: SendQueue;
  leave(): void;
}

interface Subscriber {
  queue: SendQueue;
  /** Only this customer's events, when set. */
  userId: string | undefined;
}

/**
 * Fans events out to the realtime connections of their tenant, and of their customer for a
 * connection opened for one customer. One hub per service instance: events published on another
 * instance do not reach it.
 *
 * @example
 * const hub = new RealtimeHub({ limits: { softLimitBytes: 32 * 1024 } })
 * hub.publish(tenantId, { type: 'order.status', orderId, userId, status: 'shipped', version: 2, updatedAt })
 */
export class RealtimeHub {
  /** The backpressure limits of every connection. */
  readonly limits: Readonly<BackpressureLimits>;
  readonly #counters = new RealtimeCounters(processRealtimeCounters);
  readonly #tenants = new Map<string, Set<Subscriber>>();

  constructor(options: RealtimeHubOptions = {}) {
    this.limits = Object.freeze({ ...DEFAULT_BACKPRESSURE_LIMITS, ...options.limits });
  }

  /**
   * Add a connection of `tenantId` (of its customer `userId` only, when given).
   *
   * @example
   * const subscription = hub.join(tenantId, socket)
   * socket.on('close', () => subscription.leave())
   */
  join(tenantId: string, sink: MessageSink, options: { userId?: string | undefined } = {}): RealtimeSubscription {
    const subscriber: Subscriber = { queue: new SendQueue(sink, this.limits, this.#counters), userId: options.userId };
    let subscribers = this.#tenants.get(tenantId);
    if (subscribers === undefined) this.#tenants.set(tenantId, (subscribers = new Set()));
    subscribers.add(subscriber);
    this.#counters.open(1);
    let left = false;
    return {
      queue: subscriber.queue,
      leave: () => {
        if (left) return;
        left = true;
        subscriber.queue.dispose();
        subscribers.delete(subscriber);
        if (subscribers.size === 0 && this.#tenants.get(tenantId) === subscribers) this.#tenants.delete(tenantId);
        this.#counters.open(-1);
      },
    };
  }

  /**
   * Send `event` to every connection of `tenantId` that wants it (serialized once for all of them).
   *
   * @example
   * hub.publish(tenantId, { type: 'conversation.message', userId, message })
   */
  publish(tenantId: string, event: TenantEvent): void {
    const subscribers = this.#tenants.get(tenantId);
    if (subscribers === undefined) return;
    const data = JSON.stringify(event);
    for (const subscriber of subscribers) {
      if (subscriber.userId === undefined || subscriber.userId === event.userId) subscriber.queue.push(event, data);
    }
  }

  /** Count an upgrade refused before it reached the hub. */
  rejected(): void {
    this.#counters.add('upgradesRejected');
  }

  /**
   * This hub's counters (the whole process's: `realtimeStats()`).
   *
   * @example
   * expect(hub.stats().slowConsumersDisconnected).toBe(1)
   */
  stats(): RealtimeStats {
    return this.#counters.snapshot();
  }
}
