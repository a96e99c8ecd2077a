import { connect, createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { checks, countProblems, describeChoice, firstLine, listOptionProblems } from '@proving-ground/kit';
import { ChaosError } from '../errors.js';
import { chaosSeed } from '../cleanup/registry.js';
import { createRandom, type Random } from '../random.js';
import { formatAddress, parseAddress, type TcpAddress } from './address.js';
import { ProxyConnection, type ConnectionHost } from './connection.js';
import { applyToxicUpdate, normalizeToxic, type ToxicDescription, type ToxicOptions, type ToxicUpdate } from './toxics.js';

/** Options of {@link createProxy}. */
export interface ProxyOptions {
  /** The server behind the proxy, `host:port`. */
  upstream: string;
  /** Where the proxy listens; defaults to `127.0.0.1:0` (a free port). */
  listen?: string;
  /** Names the proxy in errors, the timeline and Toxiproxy's API; defaults to `proxy-<n>`. */
  name?: string;
  /** The seed of every toxicity roll and jitter; defaults to the current test's seed (`chaosSeed()`: a sweep's seed, `CHAOS_SEED`, else the file's). */
  seed?: number | string;
  /** Toxics in force from the first connection on (none escapes them). */
  toxics?: ToxicOptions[];
}

/** What {@link TcpProxy.down} does to the connections already open. */
export interface DownOptions {
  /** `close` (FIN, the default, as Toxiproxy does), `reset` (RST) or `keep` them. */
  connections?: 'close' | 'reset' | 'keep';
}

/** A line of the proxy's timeline. */
export interface ProxyEvent {
  /** Milliseconds since the proxy started. */
  at: number;
  event: string;
  /** The connection's number (1 for the first), when the event concerns one. */
  connection?: number;
  detail?: string;
}

/** A toxic added to a proxy: update it, remove it, or let `using` remove it. */
export interface Toxic extends Disposable {
  readonly name: string;
  /** The toxic as it is now. */
  describe(): ToxicDescription;
  update(changes: ToxicUpdate): ToxicDescription;
  remove(): void;
}

const MAX_EVENTS = 1000;
let proxyCount = 0;

function optionsError(name: string, problems: string[]): ChaosError {
  return new ChaosError('CHAOS_INVALID_PROXY_OPTIONS', {
    action: `create the TCP proxy "${name}"`,
    reason: countProblems(problems),
    details: problems,
    fix: 'Pass { upstream: "host:port" } and optionally listen ("127.0.0.1:0"), name, seed and toxics.',
  });
}

const addressCheck = (value: unknown): string | undefined => {
  const parsed = parseAddress(value);
  return typeof parsed === 'string' ? parsed : undefined;
};

/**
 * A TCP fault proxy between a client and a server, in this process: Toxiproxy's toxics with seeded
 * toxicity, `down()` (a real ECONNREFUSED), `pause()` (accepted, then nothing), and an upstream that
 * can move while the proxy's port stays. Create it with {@link createProxy}.
 */
export class TcpProxy implements AsyncDisposable {
  readonly name: string;
  readonly seed: string;
  /** @internal */
  readonly random: Random;
  private server: Server;
  private address: TcpAddress;
  private upstreamAddress: TcpAddress;
  private current: 'up' | 'down' | 'paused' | 'closed' = 'up';
  private reservation: Socket | undefined;
  private readonly table = new Map<string, ToxicDescription>();
  private readonly open = new Set<ProxyConnection>();
  private readonly waiting = new Set<ProxyConnection>();
  /** Every socket the proxy opened or accepted, until its handle is closed. */
  private readonly sockets = new Set<Socket>();
  /** Listeners closed by `down()` whose handles are not closed yet. */
  private readonly closingServers = new Set<Promise<void>>();
  /** The first `close()`'s work: a second call waits for it too. */
  private closing: Promise<void> = Promise.resolve();
  private readonly log: ProxyEvent[] = [];
  private readonly started = performance.now();
  private count = 0;
  private readonly connectionHost: ConnectionHost;

  /** @internal Use {@link createProxy}. */
  constructor(name: string, listen: TcpAddress, upstream: TcpAddress, seed: number | string | undefined) {
    this.name = name;
    const random = createRandom(seed ?? chaosSeed());
    this.seed = random.seed;
    this.random = random.fork(`tcp:${name}`);
    this.address = listen;
    this.upstreamAddress = upstream;
    this.connectionHost = {
      random: this.random,
      toxics: () => this.table.values(),
      record: (event, connection, detail) => this.record(event, connection, detail),
      track: (socket) => this.track(socket),
      closed: (connection) => {
        this.open.delete(connection);
        this.waiting.delete(connection);
      },
    };
    this.server = this.makeServer();
  }

  /** The listening host, `127.0.0.1` by default. */
  get host(): string {
    return this.address.host;
  }

  /** The listening port: stable for the proxy's life, across `down()`/`up()` and upstream changes. */
  get port(): number {
    return this.address.port;
  }

  /** `host:port` where the proxy listens. */
  get listen(): string {
    return formatAddress(this.address);
  }

  /** `host:port` of the server behind it. */
  get upstream(): string {
    return formatAddress(this.upstreamAddress);
  }

  /** `up`, `down`, `paused` or `closed`. */
  get state(): 'up' | 'down' | 'paused' | 'closed' {
    return this.current;
  }

  /** How many connections are open through the proxy. */
  get connections(): number {
    return this.open.size + this.waiting.size;
  }

  /** What happened so far: connections, toxics added, fired and removed, state changes. */
  get events(): readonly ProxyEvent[] {
    return this.log;
  }

  /**
   * A URL to the proxy: `url()` is `tcp://host:port`, `url('http')` `http://host:port`, and
   * `url('postgres://user:pw@db:5432/app')` the same URL with the host and port of the proxy.
   *
   * @example
   * new pg.Client({ connectionString: proxy.url(process.env.DATABASE_URL) })
   */
  url(target = 'tcp'): string {
    const host = this.address.host.includes(':') ? `[${this.address.host}]` : this.address.host;
    if (!target.includes('://')) return `${target.replace(/:$/, '')}://${host}:${this.port}`;
    const url = new URL(target);
    url.hostname = host;
    url.port = String(this.port);
    return url.toString();
  }

  /** @internal Start listening (once, from {@link createProxy}). */
  async start(): Promise<void> {
    await this.listenOn(this.address);
  }

  private makeServer(): Server {
    return createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) => this.accept(client));
  }

  private listenOn(address: TcpAddress): Promise<void> {
    return new Promise((resolve, reject) => {
      const failed = (error: NodeJS.ErrnoException): void => {
        const inUse = error.code === 'EADDRINUSE';
        reject(
          new ChaosError(
            inUse ? 'CHAOS_PORT_IN_USE' : 'CHAOS_INVALID_PROXY_OPTIONS',
            {
              action: `start the TCP proxy "${this.name}" on ${formatAddress(address)}`,
              reason: inUse ? 'the port is in use by another server' : firstLine(error),
              fix: inUse
                ? 'Pick another port, or listen on port 0 to get a free one (proxy.port tells which).'
                : 'Listen on an address of this machine, such as 127.0.0.1:0.',
            },
            { cause: error },
          ),
        );
      };
      this.server.once('error', failed);
      this.server.listen(address.port, address.host, () => {
        this.server.off('error', failed);
        const bound = this.server.address();
        if (bound !== null && typeof bound === 'object') this.address = { host: address.host, port: bound.port };
        resolve();
      });
    });
  }

  private accept(client: Socket): void {
    const connection = new ProxyConnection(++this.count, client, this.connectionHost);
    this.record('connection opened', connection.id, `from ${client.remotePort ?? '?'}`);
    if (this.current === 'paused') {
      connection.hold(true);
      this.waiting.add(connection);
      this.record('connection held', connection.id, 'the proxy is paused');
      return;
    }
    this.open.add(connection);
    connection.dial(this.upstreamAddress);
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private record(event: string, connection?: number, detail?: string): void {
    if (this.log.length >= MAX_EVENTS) this.log.shift();
    const entry: ProxyEvent = { at: Math.round(performance.now() - this.started), event };
    if (connection !== undefined) entry.connection = connection;
    if (detail !== undefined) entry.detail = detail;
    this.log.push(entry);
  }

  private assertOpen(action: string): void {
    if (this.current !== 'closed') return;
    throw new ChaosError('CHAOS_PROXY_CLOSED', {
      action: `${action} on the TCP proxy "${this.name}"`,
      reason: 'the proxy was closed',
      fix: 'Create a new proxy with createProxy(); a closed one keeps nothing open.',
    });
  }

  /**
   * Add a toxic to every connection, open or future, without touching the other toxics' rolls.
   *
   * @throws ChaosError `CHAOS_UNKNOWN_TOXIC`, `CHAOS_INVALID_TOXIC`, `CHAOS_TOXIC_EXISTS`
   * @example
   * using slow = proxy.addToxic({ type: 'latency', attributes: { latency: 200, jitter: 50 } })
   */
  addToxic(options: ToxicOptions): Toxic {
    this.assertOpen('add a toxic');
    const toxic = normalizeToxic(options, `to the proxy "${this.name}"`);
    if (this.table.has(toxic.name)) {
      throw new ChaosError('CHAOS_TOXIC_EXISTS', {
        action: `add the toxic "${toxic.name}" to the proxy "${this.name}"`,
        reason: 'a toxic of that name is there already',
        fix: 'Give it another name, or update the existing one with updateToxic().',
      });
    }
    this.table.set(toxic.name, toxic);
    for (const connection of this.all()) connection.addToxic(toxic);
    this.record('toxic added', undefined, describeToxic(toxic));
    return this.handle(toxic.name);
  }

  private handle(name: string): Toxic {
    return {
      name,
      describe: () => this.toxic(name),
      update: (changes) => this.updateToxic(name, changes),
      remove: () => this.removeToxic(name),
      [Symbol.dispose]: () => {
        if (this.table.has(name)) this.removeToxic(name);
      },
    };
  }

  /** The toxic called `name`. @throws ChaosError `CHAOS_TOXIC_NOT_FOUND` */
  toxic(name: string): ToxicDescription {
    const toxic = this.table.get(name);
    if (toxic !== undefined) return toxic;
    throw new ChaosError('CHAOS_TOXIC_NOT_FOUND', {
      action: `find the toxic ${describeChoice(name, [...this.table.keys()])} on the proxy "${this.name}"`,
      reason: this.table.size === 0 ? 'the proxy has no toxics' : `its toxics are ${[...this.table.keys()].join(', ')}`,
      fix: 'Use the name addToxic() gave it (by default <type>_<stream>, such as latency_downstream).',
    });
  }

  /** Every toxic, in the order they apply. */
  toxics(): ToxicDescription[] {
    return [...this.table.values()];
  }

  /**
   * Change a toxic's attributes or toxicity on every connection; waits under way are measured again.
   *
   * @throws ChaosError `CHAOS_TOXIC_NOT_FOUND`, `CHAOS_INVALID_TOXIC`
   */
  updateToxic(name: string, changes: ToxicUpdate): ToxicDescription {
    this.assertOpen('update a toxic');
    const toxic = applyToxicUpdate(this.toxic(name), changes);
    this.table.set(name, toxic);
    for (const connection of this.all()) connection.updateToxic(toxic);
    this.record('toxic updated', undefined, describeToxic(toxic));
    return toxic;
  }

  /** Remove a toxic: what it held back goes through at once. @throws ChaosError `CHAOS_TOXIC_NOT_FOUND` */
  removeToxic(name: string): void {
    this.assertOpen('remove a toxic');
    this.toxic(name);
    this.table.delete(name);
    for (const connection of this.all()) connection.removeToxic(name);
    this.record('toxic removed', undefined, name);
  }

  /** Remove every toxic. */
  resetToxics(): void {
    for (const name of [...this.table.keys()]) this.removeToxic(name);
  }

  /** Send new connections to another server (open ones stay where they are); the port does not change. */
  setUpstream(upstream: string): void {
    this.assertOpen('change the upstream');
    const parsed = parseAddress(upstream);
    if (typeof parsed === 'string') throw optionsError(this.name, [`- upstream: ${parsed}.`]);
    this.upstreamAddress = parsed;
    this.record('upstream changed', undefined, upstream);
  }

  /**
   * Refuse new connections with a real ECONNREFUSED while keeping the port: the listening socket is
   * closed and the port held by a socket connected to itself, which is not listening, so the kernel
   * answers each new connection with a reset (ECONNREFUSED) and hands the port to no one else.
   */
  async down(options: DownOptions = {}): Promise<void> {
    this.assertOpen('take the proxy down');
    const mode = options.connections ?? 'close';
    const problems = listOptionProblems(options, { connections: checks.oneOf(['close', 'reset', 'keep']) });
    if (problems.length > 0) throw optionsError(this.name, problems);
    if (this.current === 'down') return;
    this.current = 'down';
    const old = this.server;
    const closing = new Promise<void>((resolve) => old.close(() => resolve()));
    this.closingServers.add(closing);
    void closing.then(() => this.closingServers.delete(closing));
    this.server = this.makeServer();
    for (const connection of this.all()) {
      if (mode === 'close') connection.close('the proxy went down');
      else if (mode === 'reset') connection.reset('the proxy went down');
    }
    this.reservation = await this.reserve();
    this.record('down', undefined, `connections: ${mode}`);
  }

  private async reserve(): Promise<Socket | undefined> {
    for (let attempt = 0; attempt < 20; attempt++) {
      await nextTurn();
      if (this.current !== 'down') return undefined;
      const socket = connect({ host: this.address.host, port: this.port, localAddress: this.address.host, localPort: this.port });
      this.track(socket);
      const outcome = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
        socket.once('connect', () => resolve(undefined));
        socket.once('error', resolve);
      });
      if (outcome === undefined) {
        socket.on('error', () => undefined);
        this.record('port reserved', undefined, `${this.listen} is held by a socket connected to itself`);
        return socket;
      }
      socket.destroy();
      this.record('port reservation retried', undefined, outcome.code ?? outcome.message);
    }
    this.record('port not reserved', undefined, 'new connections are still refused; another process could take the port');
    return undefined;
  }

  /** Accept new connections again, and release held ones (after `down()` or `pause()`). */
  async up(): Promise<void> {
    this.assertOpen('bring the proxy up');
    if (this.current === 'paused') {
      this.current = 'up';
      for (const connection of this.waiting) {
        this.waiting.delete(connection);
        this.open.add(connection);
        connection.hold(false);
        connection.dial(this.upstreamAddress);
      }
      for (const connection of this.open) connection.hold(false);
    } else if (this.current === 'down') {
      this.reservation?.resetAndDestroy();
      this.reservation = undefined;
      await this.listenOn(this.address);
      this.current = 'up';
    }
    this.record('up');
  }

  /** Accept new connections but pass nothing: new ones are not dialled, open ones stop reading. */
  pause(): void {
    this.assertOpen('pause the proxy');
    if (this.current !== 'up') return;
    this.current = 'paused';
    for (const connection of this.open) connection.hold(true);
    this.record('paused');
  }

  private all(): ProxyConnection[] {
    return [...this.open, ...this.waiting];
  }

  /**
   * Close the proxy: the listener, the port reservation and every connection. Resolves once every
   * socket it accepted or opened (client and upstream sides) and every listener it had are closed,
   * so nothing of the proxy is left in `process.getActiveResourcesInfo()`. Again is a no-op.
   */
  async close(): Promise<void> {
    if (this.current === 'closed') return this.closing;
    this.current = 'closed';
    this.closing = this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.reservation?.resetAndDestroy();
    this.reservation = undefined;
    for (const connection of this.all()) connection.destroy();
    const sockets = [...this.sockets].map(
      (socket) =>
        // Not `socket.closed`: it turns true when the handle starts closing, before 'close' is emitted.
        new Promise<void>((resolve) => {
          socket.once('close', () => resolve());
          socket.destroy();
        }),
    );
    const listener = new Promise<void>((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
    });
    await Promise.all([...sockets, listener, ...this.closingServers]);
    this.record('closed');
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function describeToxic(toxic: ToxicDescription): string {
  const attributes = Object.entries(toxic.attributes)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  return `${toxic.name} (${toxic.type} ${toxic.stream}, toxicity ${toxic.toxicity} per ${toxic.per}${attributes === '' ? '' : `, ${attributes}`})`;
}

/**
 * Start a TCP fault proxy in this process, listening on `listen` (a free port on 127.0.0.1 by
 * default) and forwarding to `upstream`.
 *
 * @throws ChaosError `CHAOS_INVALID_PROXY_OPTIONS` (every problem at once), `CHAOS_PORT_IN_USE`,
 * `CHAOS_UNKNOWN_TOXIC`, `CHAOS_INVALID_TOXIC`
 * @example
 * await using proxy = await createProxy({ upstream: '127.0.0.1:5432', seed: 42 })
 * proxy.addToxic({ type: 'reset_peer', stream: 'upstream', toxicity: 0.5 })
 */
export async function createProxy(options: ProxyOptions): Promise<TcpProxy> {
  const name = typeof options?.name === 'string' && options.name !== '' ? options.name : `proxy-${++proxyCount}`;
  if (typeof options !== 'object' || options === null) throw optionsError(name, ['- expected an options object with upstream.']);
  const problems = listOptionProblems(options, {
    upstream: addressCheck,
    listen: addressCheck,
    name: checks.string(),
    seed: (value) =>
      typeof value === 'number' || (typeof value === 'string' && value !== '')
        ? undefined
        : 'expected a whole number or a non-empty string',
    toxics: (value) => (Array.isArray(value) ? undefined : 'expected an array of toxics'),
  });
  if (options.upstream === undefined) problems.unshift('- upstream: required: the server behind the proxy, "host:port".');
  if (problems.length > 0) throw optionsError(name, problems);
  const proxy = new TcpProxy(
    name,
    parseAddress(options.listen ?? '127.0.0.1:0') as TcpAddress,
    parseAddress(options.upstream) as TcpAddress,
    options.seed,
  );
  for (const toxic of options.toxics ?? []) proxy.addToxic(toxic);
  await proxy.start();
  return proxy;
}
