import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { firstLine } from '@proving-ground/kit';
import type { Random } from '../random.js';
import type { TcpAddress } from './address.js';
import { ToxicRun, type Chunk, type RunContext } from './toxic-run.js';
import type { ToxicDescription, ToxicStream } from './toxics.js';

/** Bytes a direction may hold for its toxics before it stops reading from the sender. */
const HIGH_WATER = 1 << 20;

/** What a connection needs from its proxy. */
export interface ConnectionHost {
  readonly random: Random;
  /** The toxics in force, in the order they were added. */
  toxics(): Iterable<ToxicDescription>;
  record(event: string, connection: number, detail?: string): void;
  /** Follow a socket of the connection until its handle is closed (the proxy's `close()` waits for it). */
  track(socket: Socket): void;
  closed(connection: ProxyConnection): void;
}

/**
 * One direction of a connection. With no toxic on it, each chunk is written straight through (the
 * fast path, with the sender paused while the receiver is full); with toxics, chunks queue and go
 * through the toxics one at a time, in order.
 */
class Direction {
  private readonly queue: Chunk[] = [];
  private queued = 0;
  private draining = false;
  private blocked = false;

  constructor(
    private readonly connection: ProxyConnection,
    readonly stream: ToxicStream,
    readonly source: Socket,
    readonly target: Socket,
  ) {
    source.on('data', (data: Buffer) => this.push(data));
    source.on('end', () => this.push(null));
    target.on('drain', () => {
      this.blocked = false;
      this.flow();
    });
  }

  flow(): void {
    if (this.connection.held || this.blocked || this.queued > HIGH_WATER) this.source.pause();
    else this.source.resume();
  }

  private push(data: Buffer | null): void {
    if (!this.draining && this.queue.length === 0 && this.connection.runs(this.stream).length === 0) {
      this.write(data);
      return;
    }
    this.queue.push({ data, arrival: performance.now() });
    if (data !== null) {
      this.queued += data.length;
      if (this.queued > HIGH_WATER) this.flow();
    }
    if (!this.draining) void this.drain();
  }

  private write(data: Buffer | null): boolean {
    if (this.target.destroyed) return true;
    if (data === null) {
      this.target.end();
      return true;
    }
    if (this.target.write(data)) return true;
    this.blocked = true;
    this.flow();
    return false;
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0 && !this.connection.isClosed) {
        const chunk = this.queue.shift()!;
        if (chunk.data !== null) {
          this.queued -= chunk.data.length;
          if (this.queued <= HIGH_WATER) this.flow();
        }
        await this.pass(0, chunk, this.connection.runs(this.stream));
      }
    } catch (error) {
      this.connection.destroy(error);
    } finally {
      this.draining = false;
    }
  }

  private pass(index: number, chunk: Chunk, runs: readonly ToxicRun[]): Promise<void> {
    const run = runs[index];
    if (run === undefined) return this.deliver(chunk);
    if (run.removed) return this.pass(index + 1, chunk, runs);
    return run.handle(chunk, (out) => this.pass(index + 1, out, runs));
  }

  private async deliver(chunk: Chunk): Promise<void> {
    if (this.connection.isClosed || this.write(chunk.data)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.target.off('drain', done);
        this.target.off('close', done);
        resolve();
      };
      this.target.on('drain', done);
      this.target.on('close', done);
    });
  }
}

/** A client connection through the proxy and its connection to the upstream server. */
export class ProxyConnection implements RunContext {
  upstream: Socket | undefined;
  held = false;
  isClosed = false;
  private readonly byName = new Map<string, ToxicRun>();
  private readonly byStream: Record<ToxicStream, ToxicRun[]> = { upstream: [], downstream: [] };
  private directions: Direction[] = [];

  constructor(
    readonly id: number,
    readonly client: Socket,
    private readonly host: ConnectionHost,
  ) {
    host.track(client);
    client.pause();
    client.setNoDelay(true);
    client.on('error', (error: NodeJS.ErrnoException) => this.peerFailed(this.upstream, error));
    client.on('close', () => this.sideClosed(this.upstream));
    for (const toxic of host.toxics()) this.addToxic(toxic);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Connect to the upstream server, then let data through. */
  dial(address: TcpAddress): void {
    if (this.isClosed) return;
    const upstream = connect({ host: address.host, port: address.port, allowHalfOpen: true, noDelay: true });
    this.upstream = upstream;
    this.host.track(upstream);
    let connected = false;
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (connected) return this.peerFailed(this.client, error);
      // The client was accepted already: a reset is the nearest a proxy gets to the refusal.
      this.host.record('upstream unreachable', this.id, `${error.code ?? error.message}: the client connection was reset`);
      this.finish();
      this.client.resetAndDestroy();
    });
    upstream.on('close', () => this.sideClosed(this.client));
    upstream.once('connect', () => {
      connected = true;
      this.directions = [new Direction(this, 'upstream', this.client, upstream), new Direction(this, 'downstream', upstream, this.client)];
      for (const direction of this.directions) direction.flow();
    });
  }

  /** Stop (or resume) reading from both sides: the connection hangs with its data in the kernel. */
  hold(held: boolean): void {
    this.held = held;
    for (const direction of this.directions) direction.flow();
  }

  runs(stream: ToxicStream): readonly ToxicRun[] {
    return this.byStream[stream];
  }

  addToxic(toxic: ToxicDescription): void {
    const run = new ToxicRun(toxic, this.host.random.fork(`toxic:${toxic.name}`).fork(`connection:${this.id}`), this);
    this.byName.set(toxic.name, run);
    this.byStream[toxic.stream] = [...this.byStream[toxic.stream], run];
  }

  updateToxic(toxic: ToxicDescription): void {
    this.byName.get(toxic.name)?.update(toxic);
  }

  removeToxic(name: string): void {
    const run = this.byName.get(name);
    if (run === undefined) return;
    this.byName.delete(name);
    this.byStream[run.toxic.stream] = this.byStream[run.toxic.stream].filter((other) => other !== run);
    run.remove();
  }

  fired(toxic: string, detail: string): void {
    this.host.record(`toxic ${toxic}`, this.id, detail);
  }

  close(reason: string): void {
    if (this.isClosed) return;
    this.host.record('closed by the proxy', this.id, reason);
    this.finish();
    this.client.destroySoon();
    this.upstream?.destroySoon();
  }

  reset(reason: string): void {
    if (this.isClosed) return;
    this.host.record('reset by the proxy', this.id, reason);
    this.finish();
    if (!this.client.destroyed) this.client.resetAndDestroy();
    if (this.upstream !== undefined && !this.upstream.destroyed) this.upstream.resetAndDestroy();
  }

  destroy(error?: unknown): void {
    if (this.isClosed && this.client.destroyed && (this.upstream?.destroyed ?? true)) return;
    if (error !== undefined) this.host.record('failed', this.id, firstLine(error));
    this.finish();
    this.client.destroy();
    this.upstream?.destroy();
  }

  private finish(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const run of this.byName.values()) run.dispose();
    this.host.closed(this);
  }

  /** One side failed: a reset travels on as a reset, anything else as a close. */
  private peerFailed(other: Socket | undefined, error: NodeJS.ErrnoException): void {
    this.finish();
    if (other === undefined || other.destroyed) return;
    if (error.code === 'ECONNRESET') other.resetAndDestroy();
    else other.destroy();
  }

  private sideClosed(other: Socket | undefined): void {
    if (other !== undefined && !other.destroyed) other.destroySoon();
    if (this.client.destroyed && (this.upstream?.destroyed ?? true)) this.finish();
  }
}
