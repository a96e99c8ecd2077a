import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type { OrderStatus, OrderStatusEvent, RealtimeEvent, UpdatesDroppedEvent } from '../../src/realtime/events.ts';
import type { RealtimeHub } from '../../src/realtime/realtime-hub.ts';

const NON_TERMINAL: readonly OrderStatus[] = ['placed', 'confirmed', 'shipped', 'out_for_delivery'];

/**
 * The UUID of the `n`th order of a tracking feed that the test publishes straight on the hub.
 *
 * @example
 * trackedOrderId(0) // '7e57f33d-0000-4000-8000-000000000000'
 */
export function trackedOrderId(n: number): string {
  return `7e57f33d-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/**
 * A tenant's live tracking feed for `orders` orders, published on the hub exactly as the order
 * status route publishes each committed change (`hub.publish`), without a database round trip per
 * update, so a test can outrun any socket. It remembers the last update of every order.
 *
 * @example
 * const feed = new TrackingFeed(hub, tenant.id, user.id, 1_000)
 * feed.burst(60_000)
 * feed.finish()
 */
export class TrackingFeed {
  /** Per order, the last update published. */
  readonly last = new Map<string, OrderStatusEvent>();
  published = 0;
  #turn = 0;
  readonly #versions: number[];

  readonly hub: RealtimeHub;
  readonly tenantId: string;
  readonly userId: string;
  readonly orders: number;

  constructor(hub: RealtimeHub, tenantId: string, userId: string, orders: number) {
    this.hub = hub;
    this.tenantId = tenantId;
    this.userId = userId;
    this.orders = orders;
    this.#versions = Array.from({ length: orders }, () => 0);
  }

  /** Publish the next update of order `n`: non-terminal, or `status` when given. */
  update(n: number, status?: OrderStatus): void {
    const version = ++this.#versions[n]!;
    const event: OrderStatusEvent = {
      type: 'order.status',
      orderId: trackedOrderId(n),
      userId: this.userId,
      status: status ?? NON_TERMINAL[version % NON_TERMINAL.length]!,
      version,
      updatedAt: new Date(1_700_000_000_000 + version).toISOString(),
    };
    this.hub.publish(this.tenantId, event);
    this.last.set(event.orderId, event);
    this.published += 1;
  }

  /**
   * Publish `count` updates in one synchronous loop: every other one to one of the first `hot`
   * orders (busy orders, whose updates a queue can coalesce), the others round-robin over the rest.
   */
  burst(count: number, hot = Math.min(100, Math.floor(this.orders / 10))): void {
    for (let index = 0; index < count; index++) {
      this.#turn += 1;
      this.update(this.#turn % 2 === 0 || hot === this.orders ? this.#turn % hot : hot + (this.#turn % (this.orders - hot)));
    }
  }

  /** Bytes of the last (final) update of every order whose last update is terminal: what no queue may drop. */
  terminalBytes(): number {
    let bytes = 0;
    for (const event of this.last.values())
      if (event.status === 'delivered' || event.status === 'cancelled') bytes += Buffer.byteLength(JSON.stringify(event));
    return bytes;
  }

  /**
   * Publish round-robin in bursts of `batch` until `done()` says so, letting the event loop turn
   * between bursts (for `pauseMs` when given).
   */
  async stream(batch: number, done: () => boolean, pauseMs?: number): Promise<void> {
    while (!done()) {
      this.burst(batch);
      await (pauseMs === undefined ? nextTurn() : sleep(pauseMs));
    }
  }

  /** End every order: `delivered`, or `cancelled` for odd ones. */
  finish(): void {
    for (let n = 0; n < this.orders; n++) this.update(n, n % 2 === 0 ? 'delivered' : 'cancelled');
  }
}

/**
 * The orders named by the `updates.dropped` notices among `events`.
 *
 * @example
 * expect(droppedOrderIds(client.events).count).toBe(hub.stats().updatesDropped)
 */
export function droppedOrderIds(events: readonly RealtimeEvent[]): { ids: Set<string>; count: number; more: boolean } {
  const notices = events.filter((event): event is UpdatesDroppedEvent => event.type === 'updates.dropped');
  return {
    ids: new Set(notices.flatMap((notice) => notice.orderIds)),
    count: notices.reduce((sum, notice) => sum + notice.count, 0),
    more: notices.some((notice) => notice.more),
  };
}
