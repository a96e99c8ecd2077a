import { performance } from 'node:perf_hooks';
import type { Random } from '../random.js';
import type { ToxicDescription } from './toxics.js';

/** A piece of one direction of a connection: data, or `null` when the sending side closed (FIN). */
export interface Chunk {
  data: Buffer | null;
  /** When it reached the proxy (or left the previous toxic), on the monotonic clock. */
  arrival: number;
}

/** Hands a chunk to the rest of the chain. */
export type Next = (chunk: Chunk) => Promise<void>;

/** What a toxic may do to its connection. */
export interface RunContext {
  readonly closed: boolean;
  /** Close both sides (FIN), dropping what the proxy still holds. */
  close(reason: string): void;
  /** Reset both sides (RST: ECONNRESET for the client and the server). */
  reset(reason: string): void;
  /** Add an entry to the proxy's timeline. */
  fired(toxic: string, detail: string): void;
}

const now = (): number => performance.now();

/**
 * One toxic on one connection. Its toxicity roll is drawn once from a stream keyed on the toxic's
 * name and the connection's number, so adding, updating or removing another toxic never changes it;
 * updating this toxic's toxicity compares the same roll with the new value.
 */
export class ToxicRun {
  toxic: ToxicDescription;
  removed = false;
  private readonly roll: number;
  private readonly rolls: Random;
  private readonly values: Random;
  private wake: (() => void) | undefined;
  /** timeout: the connection is timing out (data dropped). */
  private triggered = false;
  private triggeredAt = 0;
  private dropped = false;
  private timer: NodeJS.Timeout | undefined;
  /** limit_data: bytes let through so far. */
  private sent = 0;

  constructor(
    toxic: ToxicDescription,
    random: Random,
    private readonly context: RunContext,
  ) {
    this.toxic = toxic;
    this.rolls = random.fork('toxicity');
    this.values = random.fork('values');
    this.roll = this.rolls.next();
    if (toxic.type === 'timeout' && toxic.per === 'connection' && this.roll < toxic.toxicity) this.trigger();
  }

  /** New attributes or toxicity: waits end early and are measured again. */
  update(toxic: ToxicDescription): void {
    this.toxic = toxic;
    if (toxic.type === 'timeout') {
      const hit = toxic.per === 'connection' && this.roll < toxic.toxicity;
      if (hit && !this.triggered) this.trigger();
      else if (!hit && this.triggered && toxic.per === 'connection') this.untrigger();
      else if (this.triggered) this.schedule();
    }
    this.interrupt();
  }

  /** The toxic was removed: what it holds is let through at once. */
  remove(): void {
    this.removed = true;
    if (this.triggered) this.untrigger();
    this.interrupt();
  }

  /** End a wait early (the toxic changed, or the connection closed). */
  interrupt(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** The connection closed. */
  dispose(): void {
    clearTimeout(this.timer);
    this.interrupt();
  }

  private hits(chunk: Chunk): boolean {
    if (this.toxic.per === 'connection' || chunk.data === null) return this.roll < this.toxic.toxicity;
    return this.rolls.next() < this.toxic.toxicity;
  }

  private trigger(): void {
    this.triggered = true;
    this.triggeredAt = now();
    this.context.fired(this.toxic.name, 'timing out: data is dropped');
    this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    const timeout = this.toxic.attributes.timeout ?? 0;
    if (timeout <= 0) return;
    this.timer = setTimeout(
      () => this.context.close(`${this.toxic.name}: timed out after ${timeout} ms`),
      Math.max(0, this.triggeredAt + timeout - now()),
    );
  }

  private untrigger(): void {
    clearTimeout(this.timer);
    this.triggered = false;
    // Data was dropped: the stream is broken, so the connection cannot go on (as in Toxiproxy).
    if (this.dropped) this.context.close(`${this.toxic.name}: removed after dropping data`);
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.removed || this.context.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private async waitUntil(due: () => number): Promise<void> {
    for (;;) {
      const left = due() - now();
      if (left <= 0 || this.removed || this.context.closed) return;
      await this.sleep(left);
    }
  }

  /** Apply the toxic to one chunk, handing what comes out to `next`. */
  async handle(chunk: Chunk, next: Next): Promise<void> {
    const attributes = (): Record<string, number> => this.toxic.attributes;
    switch (this.toxic.type) {
      case 'latency': {
        if (chunk.data === null || !this.hits(chunk)) return next(chunk);
        const spread = this.values.next() * 2 - 1;
        await this.waitUntil(() => chunk.arrival + Math.max(0, attributes().latency! + Math.round(spread * attributes().jitter!)));
        return next({ data: chunk.data, arrival: now() });
      }
      case 'bandwidth': {
        if (chunk.data === null || !this.hits(chunk)) return next(chunk);
        let rest = chunk.data;
        while (rest.length > 0) {
          const rate = attributes().rate!;
          if (this.removed || rate <= 0) return next({ data: rest, arrival: now() });
          const slice = rest.subarray(0, rate * 100);
          rest = rest.subarray(slice.length);
          await this.sleep(slice.length / rate);
          await next({ data: slice, arrival: now() });
        }
        return;
      }
      case 'slow_close': {
        if (chunk.data !== null || !this.hits(chunk)) return next(chunk);
        const start = now();
        this.context.fired(this.toxic.name, 'holding the close');
        await this.waitUntil(() => start + attributes().delay!);
        return next(chunk);
      }
      case 'timeout': {
        if (!this.triggered && this.toxic.per === 'chunk' && chunk.data !== null && this.hits(chunk)) this.trigger();
        if (!this.triggered) return next(chunk);
        if (chunk.data === null) return this.context.close(`${this.toxic.name}: the sender closed while timing out`);
        this.dropped = true;
        return;
      }
      case 'reset_peer': {
        if (chunk.data === null || !this.hits(chunk)) return next(chunk);
        const start = now();
        await this.waitUntil(() => start + attributes().timeout!);
        if (this.removed) return next(chunk);
        return this.context.reset(`${this.toxic.name}: reset the connection`);
      }
      case 'slicer': {
        if (chunk.data === null || !this.hits(chunk)) return next(chunk);
        let rest = chunk.data;
        while (rest.length > 0) {
          if (this.removed) return next({ data: rest, arrival: now() });
          const { average_size: average, size_variation: variation, delay } = attributes();
          const size = Math.max(1, average! + (variation! > 0 ? this.values.int(-variation!, variation!) : 0));
          const slice = rest.subarray(0, size);
          rest = rest.subarray(slice.length);
          await next({ data: slice, arrival: now() });
          if (rest.length > 0) await (delay! >= 1000 ? this.sleep(delay! / 1000) : new Promise((resolve) => setImmediate(resolve)));
        }
        return;
      }
      case 'limit_data': {
        if (chunk.data === null || !this.hits(chunk)) return next(chunk);
        const limit = attributes().bytes!;
        const piece = chunk.data.subarray(0, Math.max(0, limit - this.sent));
        if (piece.length > 0) {
          this.sent += piece.length;
          await next({ data: piece, arrival: chunk.arrival });
        }
        if (this.sent >= limit) this.context.close(`${this.toxic.name}: closed after ${this.sent} bytes`);
        return;
      }
    }
  }
}
