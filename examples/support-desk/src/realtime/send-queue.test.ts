import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { OrderStatus, OrderStatusEvent, RealtimeEvent } from './events.ts';
import { RealtimeCounters } from './realtime-stats.ts';
import { SendQueue, SLOW_CONSUMER_CLOSE_CODE, type BackpressureLimits, type MessageSink } from './send-queue.ts';

/** A socket whose buffer the test fills and drains by hand. */
class ManualSocket implements MessageSink {
  bufferedAmount = 0;
  readonly sent: RealtimeEvent[] = [];
  closed: { code: number; reason: string } | undefined;
  readonly #pending: { bytes: number; done: (error?: Error | null) => void }[] = [];
  /** While true the peer reads nothing: what is sent stays buffered. */
  stuck = true;

  send(data: string, done: (error?: Error | null) => void): void {
    this.sent.push(JSON.parse(data) as RealtimeEvent);
    if (!this.stuck) return void queueMicrotask(() => done(null));
    this.bufferedAmount += Buffer.byteLength(data);
    this.#pending.push({ bytes: Buffer.byteLength(data), done });
  }

  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }

  /** The peer reads everything buffered, and what the queue sends meanwhile. */
  drain(): void {
    while (this.#pending.length > 0) {
      const write = this.#pending.shift()!;
      this.bufferedAmount -= write.bytes;
      write.done(null);
    }
  }
}

const ORDER = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const USER = '11111111-1111-4111-8111-111111111111';

function update(order: number, status: OrderStatus, version: number): OrderStatusEvent {
  return { type: 'order.status', orderId: ORDER(order), userId: USER, status, version, updatedAt: '2026-01-01T00:00:00.000Z' };
}

const BYTES = Buffer.byteLength(JSON.stringify(update(1, 'out_for_delivery', 10)));

describe('SendQueue', () => {
  let socket: ManualSocket;
  let counters: RealtimeCounters;
  const limits = (overrides: Partial<BackpressureLimits> = {}): BackpressureLimits => ({
    highWaterMarkBytes: BYTES + 1,
    softLimitBytes: 6 * BYTES,
    hardLimitBytes: 10 * BYTES,
    slowConsumerTimeoutMs: 1_000,
    ...overrides,
  });

  beforeEach(() => {
    socket = new ManualSocket();
    counters = new RealtimeCounters();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('should send at once while the socket is under its high-water mark, and queue the rest', () => {
    const queue = new SendQueue(socket, limits(), counters);

    for (let order = 1; order <= 4; order++) queue.push(update(order, 'confirmed', 1));

    expect(socket.sent.map((event) => (event as OrderStatusEvent).orderId)).toEqual([ORDER(1), ORDER(2)]);
    expect(queue.queuedMessages).toBe(2);
    socket.drain();
    expect(socket.sent).toHaveLength(4);
    expect(counters.snapshot()).toMatchObject({ messagesSent: 4, updatesDropped: 0, updatesCoalesced: 0 });
  });

  it('should coalesce the queued updates of one order: the latest status wins and keeps its place', () => {
    const queue = new SendQueue(socket, limits(), counters);
    queue.push(update(1, 'placed', 0));
    queue.push(update(2, 'placed', 0));

    queue.push(update(3, 'confirmed', 1));
    queue.push(update(4, 'confirmed', 1));
    queue.push(update(3, 'shipped', 2));
    queue.push(update(3, 'out_for_delivery', 3));
    queue.push(update(3, 'confirmed', 1)); // late and older: ignored
    socket.drain();

    expect(socket.sent.map((event) => [(event as OrderStatusEvent).orderId, (event as OrderStatusEvent).status])).toEqual([
      [ORDER(1), 'placed'],
      [ORDER(2), 'placed'],
      [ORDER(3), 'out_for_delivery'],
      [ORDER(4), 'confirmed'],
    ]);
    expect(counters.snapshot().updatesCoalesced).toBe(3);
  });

  it('should drop the oldest non-terminal updates over the soft limit, keep terminal ones, and say which orders lost updates', () => {
    const queue = new SendQueue(socket, limits({ hardLimitBytes: 100 * BYTES }), counters);

    for (let order = 1; order <= 12; order++) queue.push(update(order, order % 3 === 0 ? 'delivered' : 'shipped', 2));
    const peak = queue.pendingBytes;
    socket.drain();

    const delivered = socket.sent.filter((event) => event.type === 'order.status' && event.status === 'delivered');
    const notice = socket.sent.find((event) => event.type === 'updates.dropped');
    expect(delivered.map((event) => (event as OrderStatusEvent).orderId)).toEqual([ORDER(3), ORDER(6), ORDER(9), ORDER(12)]);
    expect(notice).toEqual({
      type: 'updates.dropped',
      orderIds: expect.any(Array),
      count: counters.snapshot().updatesDropped,
      more: false,
    });
    expect(counters.snapshot().updatesDropped).toBeGreaterThan(0);
    const received = new Set(socket.sent.flatMap((event) => (event.type === 'order.status' ? [event.orderId] : [])));
    for (let order = 1; order <= 12; order++) {
      // Every order is either received or named in the notice: a client can always catch up.
      expect(received.has(ORDER(order)) || (notice as { orderIds: string[] }).orderIds.includes(ORDER(order))).toBe(true);
    }
    // Over the soft limit by terminal updates and the notice only.
    expect(peak).toBeLessThanOrEqual(6 * BYTES + 4 * BYTES + 200);
  });

  it('should close a consumer that stays over the hard limit with 4008 and discard its queue', () => {
    jest.useFakeTimers();
    const queue = new SendQueue(socket, limits(), counters);

    for (let order = 1; order <= 20; order++) queue.push(update(order, 'cancelled', 1));
    jest.advanceTimersByTime(999);
    const before = socket.closed;
    jest.advanceTimersByTime(1);

    expect(before).toBeUndefined();
    expect(socket.closed).toEqual({ code: SLOW_CONSUMER_CLOSE_CODE, reason: expect.stringContaining('slow consumer') });
    expect(queue.queuedMessages).toBe(0);
    expect(counters.snapshot().slowConsumersDisconnected).toBe(1);
  });

  it('should keep a consumer that gets back under the hard limit within the timeout', () => {
    jest.useFakeTimers();
    const queue = new SendQueue(socket, limits(), counters);
    for (let order = 1; order <= 20; order++) queue.push(update(order, 'cancelled', 1));

    jest.advanceTimersByTime(500);
    socket.drain();
    jest.advanceTimersByTime(5_000);

    expect(socket.closed).toBeUndefined();
    expect(socket.sent).toHaveLength(20);
    expect(counters.snapshot().slowConsumersDisconnected).toBe(0);
  });
});
