import { MAX_DROPPED_IDS_REPORTED, TERMINAL_ORDER_STATUSES, type RealtimeEvent, type UpdatesDroppedEvent } from './events.ts';
import type { RealtimeCounters } from './realtime-stats.ts';

/** The close code of a consumer disconnected for staying over the hard limit (4000-4999: the application's). */
export const SLOW_CONSUMER_CLOSE_CODE = 4008;

/** The limits of one connection's send queue, in bytes of serialized messages. */
export interface BackpressureLimits {
  /** Messages go to the socket only while `bufferedAmount` is below this; the rest wait in the queue. */
  highWaterMarkBytes: number;
  /** Over this (`bufferedAmount` + queued), the oldest non-terminal order updates are dropped. */
  softLimitBytes: number;
  /** A connection over this for `slowConsumerTimeoutMs` is closed with {@link SLOW_CONSUMER_CLOSE_CODE}. */
  hardLimitBytes: number;
  /** How long a connection may stay over `hardLimitBytes`. */
  slowConsumerTimeoutMs: number;
}

/** The limits used when none are given. */
export const DEFAULT_BACKPRESSURE_LIMITS: Readonly<BackpressureLimits> = Object.freeze({
  highWaterMarkBytes: 16 * 1024,
  softLimitBytes: 64 * 1024,
  hardLimitBytes: 256 * 1024,
  slowConsumerTimeoutMs: 2_000,
});

/** What a send queue writes to: a `ws` WebSocket, or anything shaped like one. */
export interface MessageSink {
  /** Bytes handed to the socket and not yet written to the kernel. */
  readonly bufferedAmount: number;
  /** Write one text message; `done` runs once it left the process (with an error if it failed). */
  send(data: string, done: (error?: Error | null) => void): void;
  close(code: number, reason: string): void;
}

interface Entry {
  data: string;
  bytes: number;
  /** order.status: the version, so a late older update never replaces a newer one. */
  version: number;
}

const NOTICE_KEY = 'notice:updates.dropped';
/** Bytes an order id adds to the notice (a quoted UUID and a comma). */
const NOTICE_ID_BYTES = 39;
const NOTICE_BASE_BYTES = 80;

/**
 * One connection's send queue and its backpressure policy:
 *
 * 1. messages go to the socket while its `bufferedAmount` is under `highWaterMarkBytes`, and queue
 *    here otherwise, so the socket never holds more than one message past that mark;
 * 2. an order update replaces the queued, unsent update of the same order (latest status wins: a
 *    lower `version` never replaces a higher one) and keeps its place in the queue;
 * 3. while `bufferedAmount` + queued bytes is over `softLimitBytes`, the oldest queued non-terminal
 *    order update is dropped; terminal updates (`delivered`, `cancelled`), conversation messages
 *    and errors never are. The orders whose updates were dropped are sent in one
 *    `updates.dropped` notice, which waits in the queue like any message;
 * 4. a connection over `hardLimitBytes` for `slowConsumerTimeoutMs` is closed with
 *    {@link SLOW_CONSUMER_CLOSE_CODE} and its queue discarded.
 *
 * @example
 * const queue = new SendQueue(socket, DEFAULT_BACKPRESSURE_LIMITS, counters)
 * queue.push({ type: 'order.status', orderId, userId, status: 'shipped', version: 2, updatedAt })
 */
export class SendQueue {
  readonly #sink: MessageSink;
  readonly #limits: BackpressureLimits;
  readonly #counters: RealtimeCounters;
  /** Insertion order is send order; a coalesced update keeps its key, so its place. */
  readonly #entries = new Map<string, Entry>();
  /** Keys of the non-terminal order updates in the queue, oldest first. */
  readonly #droppable = new Set<string>();
  readonly #droppedIds = new Set<string>();
  #droppedCount = 0;
  #droppedMore = false;
  #queuedBytes = 0;
  #sequence = 0;
  #overSince: NodeJS.Timeout | undefined;
  #closed = false;
  // Streams call back with null (not undefined) on success.
  readonly #afterSend = (error?: Error | null): void => {
    if (error === undefined || error === null) this.flush();
  };

  constructor(sink: MessageSink, limits: BackpressureLimits, counters: RealtimeCounters) {
    this.#sink = sink;
    this.#limits = limits;
    this.#counters = counters;
  }

  /** Bytes this connection holds: the socket's `bufferedAmount` plus the queued messages. */
  get pendingBytes(): number {
    return this.#sink.bufferedAmount + this.#queuedBytes;
  }

  /** Messages waiting in the queue. */
  get queuedMessages(): number {
    return this.#entries.size;
  }

  /**
   * Queue `event` (serialized as `data` when the caller serialized it once for every connection)
   * and send what the socket has room for.
   */
  push(event: RealtimeEvent, data: string = JSON.stringify(event)): void {
    if (this.#closed) return;
    const bytes = Buffer.byteLength(data);
    if (event.type === 'order.status') {
      const key = `order:${event.orderId}`;
      const queued = this.#entries.get(key);
      if (queued !== undefined) {
        this.#counters.add('updatesCoalesced');
        if (event.version < queued.version) return;
        this.#queuedBytes += bytes - queued.bytes;
        this.#entries.set(key, { data, bytes, version: event.version });
        if (TERMINAL_ORDER_STATUSES.has(event.status)) this.#droppable.delete(key);
      } else {
        this.#entries.set(key, { data, bytes, version: event.version });
        this.#queuedBytes += bytes;
        if (!TERMINAL_ORDER_STATUSES.has(event.status)) this.#droppable.add(key);
      }
    } else {
      this.#entries.set(`message:${this.#sequence++}`, { data, bytes, version: 0 });
      this.#queuedBytes += bytes;
    }
    this.#trim();
    this.flush();
  }

  /** Send queued messages while the socket is under its high-water mark. */
  flush(): void {
    while (!this.#closed && this.#entries.size > 0 && this.#sink.bufferedAmount < this.#limits.highWaterMarkBytes) {
      const [key, entry] = this.#entries.entries().next().value as [string, Entry];
      this.#entries.delete(key);
      this.#droppable.delete(key);
      this.#queuedBytes -= entry.bytes;
      this.#sink.send(key === NOTICE_KEY ? this.#takeNotice() : entry.data, this.#afterSend);
      this.#counters.add('messagesSent');
    }
    this.#counters.peak('peakBufferedAmount', this.#sink.bufferedAmount);
    this.#counters.peak('peakPendingBytes', this.pendingBytes);
    this.#watchHardLimit();
  }

  /** Stop: the connection closed. Queued messages are discarded. */
  dispose(): void {
    this.#closed = true;
    clearTimeout(this.#overSince);
    this.#overSince = undefined;
    this.#entries.clear();
    this.#droppable.clear();
    this.#droppedIds.clear();
    this.#queuedBytes = 0;
  }

  #trim(): void {
    while (this.pendingBytes > this.#limits.softLimitBytes && this.#droppable.size > 0) {
      const key = this.#droppable.values().next().value as string;
      const entry = this.#entries.get(key)!;
      this.#droppable.delete(key);
      this.#entries.delete(key);
      this.#queuedBytes -= entry.bytes;
      this.#recordDrop(key.slice('order:'.length));
    }
  }

  #recordDrop(orderId: string): void {
    this.#counters.add('updatesDropped');
    this.#droppedCount += 1;
    if (!this.#entries.has(NOTICE_KEY)) {
      this.#entries.set(NOTICE_KEY, { data: '', bytes: NOTICE_BASE_BYTES, version: 0 });
      this.#queuedBytes += NOTICE_BASE_BYTES;
    }
    if (this.#droppedIds.has(orderId)) return;
    if (this.#droppedIds.size >= MAX_DROPPED_IDS_REPORTED) {
      this.#droppedMore = true;
      return;
    }
    this.#droppedIds.add(orderId);
    this.#entries.get(NOTICE_KEY)!.bytes += NOTICE_ID_BYTES;
    this.#queuedBytes += NOTICE_ID_BYTES;
  }

  #takeNotice(): string {
    const notice: UpdatesDroppedEvent = {
      type: 'updates.dropped',
      orderIds: [...this.#droppedIds],
      count: this.#droppedCount,
      more: this.#droppedMore,
    };
    this.#droppedIds.clear();
    this.#droppedCount = 0;
    this.#droppedMore = false;
    return JSON.stringify(notice);
  }

  #watchHardLimit(): void {
    if (this.#closed) return;
    if (this.pendingBytes <= this.#limits.hardLimitBytes) {
      clearTimeout(this.#overSince);
      this.#overSince = undefined;
      return;
    }
    this.#overSince ??= setTimeout(() => {
      this.#overSince = undefined;
      if (this.#closed || this.pendingBytes <= this.#limits.hardLimitBytes) return;
      const reason = `slow consumer: over ${this.#limits.hardLimitBytes} bytes for ${this.#limits.slowConsumerTimeoutMs} ms`;
      this.dispose();
      this.#counters.add('slowConsumersDisconnected');
      this.#sink.close(SLOW_CONSUMER_CLOSE_CODE, reason);
    }, this.#limits.slowConsumerTimeoutMs);
  }
}
