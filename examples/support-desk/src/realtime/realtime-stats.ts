/** Counters of the realtime endpoint: connections, and what the backpressure policy did. */
export interface RealtimeStats {
  /** Sockets open now. */
  connectionsOpen: number;
  /** Sockets accepted so far. */
  connectionsOpened: number;
  /** Upgrades refused (no or unknown tenant, unknown user, wrong path). */
  upgradesRejected: number;
  /** Messages handed to sockets. */
  messagesSent: number;
  /** Order updates replaced in a send queue by a later update of the same order (latest status wins). */
  updatesCoalesced: number;
  /** Non-terminal order updates dropped from a send queue over its soft limit. */
  updatesDropped: number;
  /** Connections closed with 4008 after staying over the hard limit for the grace period. */
  slowConsumersDisconnected: number;
  /** The highest `bufferedAmount` + queued bytes one connection reached. */
  peakPendingBytes: number;
  /** The highest `ws.bufferedAmount` one connection reached. */
  peakBufferedAmount: number;
}

type Counter = Exclude<keyof RealtimeStats, 'peakPendingBytes' | 'peakBufferedAmount' | 'connectionsOpen'>;
type Peak = 'peakPendingBytes' | 'peakBufferedAmount';

function emptyStats(): RealtimeStats {
  return {
    connectionsOpen: 0,
    connectionsOpened: 0,
    upgradesRejected: 0,
    messagesSent: 0,
    updatesCoalesced: 0,
    updatesDropped: 0,
    slowConsumersDisconnected: 0,
    peakPendingBytes: 0,
    peakBufferedAmount: 0,
  };
}

/**
 * Realtime counters that also count into a parent (a hub's counters into the process totals).
 *
 * @example
 * const counters = new RealtimeCounters()
 * counters.add('updatesDropped', 3)
 * counters.snapshot().updatesDropped // 3
 */
export class RealtimeCounters {
  readonly #stats = emptyStats();
  readonly #parent: RealtimeCounters | undefined;

  constructor(parent?: RealtimeCounters) {
    this.#parent = parent;
  }

  /** Add `amount` (default 1) to a counter. */
  add(counter: Counter, amount = 1): void {
    this.#stats[counter] += amount;
    this.#parent?.add(counter, amount);
  }

  /** A socket opened (`+1`) or closed (`-1`). */
  open(change: 1 | -1): void {
    this.#stats.connectionsOpen += change;
    if (change === 1) this.#stats.connectionsOpened += 1;
    this.#parent?.open(change);
  }

  /** Keep the highest value seen. */
  peak(peak: Peak, value: number): void {
    if (value > this.#stats[peak]) this.#stats[peak] = value;
    this.#parent?.peak(peak, value);
  }

  /** A copy of the counters now. */
  snapshot(): RealtimeStats {
    return { ...this.#stats };
  }
}

/** Every realtime hub of the process counts here too. */
export const processRealtimeCounters = new RealtimeCounters();

/**
 * The realtime counters of the whole process (every hub): for metrics. A hub's own are `hub.stats()`.
 *
 * @example
 * const { updatesDropped, slowConsumersDisconnected } = realtimeStats()
 */
export function realtimeStats(): RealtimeStats {
  return processRealtimeCounters.snapshot();
}
