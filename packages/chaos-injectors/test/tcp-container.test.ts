import { afterEach, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import {
  activeFaults,
  isChaosError,
  proxyContainer,
  restoreFaults,
  type ChaosError,
  type ContainerRuntime,
  type ProxiedContainer,
} from '../src/index.js';
import { connectError, dial, Reader, roundTrip } from './tcp-servers.js';

const EXPOSED = 6379;

/**
 * What `proxyContainer()` uses of a started testcontainers container, over a real echo server: a
 * stop really closes it (its connections cut, as a killed process's are) and a start really
 * listens again on a new port, as Docker maps a restarted container's port to a new host port.
 */
class EchoContainer implements ProxiedContainer {
  readonly id = randomBytes(32).toString('hex');
  /** Every host port it listened on, in order. */
  readonly ports: number[] = [];
  restarts: Array<{ timeout?: number } | undefined> = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  /** Every one started, so each test's are killed after it. */
  static readonly started = new Set<EchoContainer>();

  static async start(): Promise<EchoContainer> {
    const container = new EchoContainer();
    EchoContainer.started.add(container);
    await container.listen();
    return container;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  getId(): string {
    return this.id;
  }

  getHost(): string {
    return '127.0.0.1';
  }

  getMappedPort(port: number): number {
    if (port !== EXPOSED) throw new Error(`No port binding found for :${port}/tcp`);
    return this.ports.at(-1)!;
  }

  async restart(options?: { timeout?: number }): Promise<void> {
    this.restarts.push(options);
    await this.kill();
    await this.listen();
  }

  /** What the container runtime's stop does to it. */
  async kill(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async listen(): Promise<void> {
    for (;;) {
      const server = createServer((socket) => {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => undefined);
        socket.pipe(socket);
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const { port } = server.address() as { port: number };
      if (!this.ports.includes(port)) {
        this.ports.push(port);
        this.server = server;
        return;
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}

/** A container runtime that stops the echo containers it knows, by id, and records each stop. */
function echoRuntime(...containers: EchoContainer[]): ContainerRuntime & { stops: Array<{ id: string; timeout: number }> } {
  const stops: Array<{ id: string; timeout: number }> = [];
  return {
    stops,
    async stop(id, { timeout }) {
      stops.push({ id, timeout });
      const container = containers.find((candidate) => candidate.id === id);
      if (container === undefined) throw new Error(`(HTTP code 404) no such container - No such container: ${id}`);
      await container.kill();
    },
  };
}

async function rejection(action: () => Promise<unknown>): Promise<ChaosError> {
  try {
    await action();
  } catch (error) {
    if (isChaosError(error)) return error;
    throw error;
  }
  throw new Error('expected a ChaosError');
}

describe('proxyContainer', () => {
  afterEach(async () => {
    for (const container of EchoContainer.started) await container.kill();
    EchoContainer.started.clear();
  });

  it("should refuse on its port while the container is stopped, then reach the container's new port on the same proxy port after restart()", async () => {
    // Arrange
    const container = await EchoContainer.start();
    const runtime = echoRuntime(container);
    await using db = await proxyContainer(container, EXPOSED, { runtime, stopTimeout: 2000 });
    const port = db.port;
    const firstPort = container.getMappedPort(EXPOSED);
    expect(await roundTrip(port, 'before')).toBe('before');
    const live = new Reader(await dial(port));
    live.socket.write('live');
    await live.receive('live');

    // Act
    const stopped = await db.stop();
    const refused = await connectError(port);
    const liveEnd = await live.closed();
    const state = db.state;
    await db.restart();

    // Assert
    expect(runtime.stops).toEqual([{ id: container.id, timeout: 2000 }]);
    expect(state).toBe('stopped');
    expect(refused?.code).toBe('ECONNREFUSED');
    expect(liveEnd === undefined || liveEnd.code === 'ECONNRESET').toBe(true);
    expect(live.ended || live.error !== undefined).toBe(true);
    expect(container.ports).toHaveLength(2);
    expect(container.getMappedPort(EXPOSED)).not.toBe(firstPort);
    expect(db.port).toBe(port);
    expect(db.proxy.upstream).toBe(`127.0.0.1:${container.getMappedPort(EXPOSED)}`);
    expect(await roundTrip(port, 'after')).toBe('after');
    expect(db.state).toBe('running');
    expect(stopped.active).toBe(false);
    expect(container.restarts).toEqual([{ timeout: 2000 }]);
    expect((await connectError(firstPort))?.code).toBe('ECONNREFUSED');
  });

  it('should restart a running container behind the same port', async () => {
    const container = await EchoContainer.start();
    await using db = await proxyContainer(container, EXPOSED, { runtime: echoRuntime(container) });
    const port = db.port;

    await db.restart();

    expect(container.ports).toHaveLength(2);
    expect(db.port).toBe(port);
    expect(await roundTrip(port, 'restarted')).toBe('restarted');
    expect(db.proxy.events.map((event) => event.event)).toEqual(expect.arrayContaining(['down', 'upstream changed', 'up']));
  });

  it('should stop and start the container again as often as asked (testcontainers would stop it only once)', async () => {
    const container = await EchoContainer.start();
    const runtime = echoRuntime(container);
    await using db = await proxyContainer(container, EXPOSED, { runtime });
    const answers: string[] = [];

    for (const round of ['one', 'two', 'three']) {
      await db.stop();
      answers.push((await connectError(db.port))?.code ?? 'connected');
      await db.restart();
      answers.push(await roundTrip(db.port, round));
    }

    expect(answers).toEqual(['ECONNREFUSED', 'one', 'ECONNREFUSED', 'two', 'ECONNREFUSED', 'three']);
    expect(runtime.stops).toHaveLength(3);
    expect(new Set(container.ports).size).toBe(4);
  });

  it('should register the stop as a fault, so disposing it or the fault registry starts the container again', async () => {
    const container = await EchoContainer.start();
    await using db = await proxyContainer(container, EXPOSED, { runtime: echoRuntime(container) });

    {
      await using stopped = await db.stop();
      expect(activeFaults()).toContain(stopped);
      expect(stopped.kind).toBe('container');
      expect(stopped.target).toBe(
        `container ${container.id.slice(0, 12)} (port ${EXPOSED}) behind the proxy "${db.proxy.name}" on 127.0.0.1:${db.port}`,
      );
      expect(await db.stop()).toBe(stopped);
    }
    const afterDispose = await roundTrip(db.port, 'disposed');
    await db.stop();
    const restored = await restoreFaults();
    const afterRegistry = await roundTrip(db.port, 'registry');

    expect(afterDispose).toBe('disposed');
    expect(restored.map((fault) => fault.kind)).toEqual(['container']);
    expect(afterRegistry).toBe('registry');
    expect(container.running).toBe(true);
    expect(activeFaults()).toEqual([]);
  });

  it('should start the container again even after the proxy was closed, leaving the proxy closed', async () => {
    const container = await EchoContainer.start();
    const db = await proxyContainer(container, EXPOSED, { runtime: echoRuntime(container) });
    const stopped = await db.stop();

    await db.close();
    await stopped.restore();

    expect(container.running).toBe(true);
    expect(db.proxy.state).toBe('closed');
    expect(await roundTrip(container.getMappedPort(EXPOSED), 'direct')).toBe('direct');
  });

  it('should keep the proxy up and the container running when the runtime cannot stop it', async () => {
    const container = await EchoContainer.start();
    await using db = await proxyContainer(container, EXPOSED, { runtime: echoRuntime() });

    await expect(db.stop()).rejects.toThrow(`No such container: ${container.id}`);

    expect(db.state).toBe('running');
    expect(db.proxy.state).toBe('up');
    expect(activeFaults()).toEqual([]);
    expect(await roundTrip(db.port, 'still here')).toBe('still here');
  });

  it('should fail with CHAOS_CONTAINER_FAILED when the container cannot be started again', async () => {
    const container = await EchoContainer.start();
    await using db = await proxyContainer(container, EXPOSED, { runtime: echoRuntime(container) });
    await db.stop();
    container.restart = () => Promise.reject(new Error('(HTTP code 404) no such container'));

    const error = await rejection(() => db.restart());

    expect(error.code).toBe('CHAOS_CONTAINER_FAILED');
    expect(error.message).toBe(
      `[chaos-injectors] Failed to start the container ${container.id.slice(0, 12)} again: (HTTP code 404) no such container. Check that the container still exists (\`docker ps -a\`) and read its logs.`,
    );
    expect(db.proxy.state).toBe('down');
    expect(activeFaults()).toEqual([]);
  });

  it('should list every problem of its arguments at once', async () => {
    const error = await rejection(() =>
      proxyContainer({ getId: () => 'x' } as unknown as ProxiedContainer, 70_000, { stopTimout: 5, runtime: {} } as never),
    );

    expect(error.code).toBe('CHAOS_INVALID_PROXY_OPTIONS');
    expect(error.message).toBe(
      [
        '[chaos-injectors] Failed to put a container behind a TCP proxy: 4 problems.',
        '- container: expected a started testcontainers container (with getId, getHost, getMappedPort, restart), got an object without getHost, getMappedPort, restart.',
        '- containerPort: expected a whole number from 1 to 65535, got 70000.',
        '- stopTimout: unknown option. Did you mean "stopTimeout"? Known options: listen, name, seed, toxics, stopTimeout, runtime.',
        '- runtime: expected an object with a stop(containerId, { timeout }) function, got an object.',
        'Pass a started testcontainers container, a port it exposes (withExposedPorts), and optionally the proxy options, stopTimeout and runtime.',
      ].join('\n'),
    );
  });

  it('should say so when the container maps no host port to the port asked for', async () => {
    const container = await EchoContainer.start();

    const error = await rejection(() => proxyContainer(container, 5432, { runtime: echoRuntime(container) }));

    expect(error.code).toBe('CHAOS_INVALID_PROXY_OPTIONS');
    expect(error.message).toContain(
      '- containerPort: the container maps no host port to 5432 (No port binding found for :5432/tcp); expose it with withExposedPorts(5432).',
    );
  });
});

// The real thing needs a Docker engine, which neither this repository's CI nor its development
// machine has: opt in with CHAOS_DOCKER=1 where one runs (then, in CI, a missing engine fails).
const optedIn = process.env['CHAOS_DOCKER'] === '1';
const inCi = process.env['CI'] !== undefined && process.env['CI'] !== '' && process.env['CI'] !== 'false';
const engine = optedIn ? spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 15_000 }).status === 0 : false;
const dockerSkip = !optedIn
  ? 'opt-in: set CHAOS_DOCKER=1 to run it against a Docker engine'
  : !engine && !inCi
    ? 'no Docker engine (docker info failed)'
    : undefined;

/** Send Redis's inline PING and read the answer. */
async function ping(port: number): Promise<string> {
  const reader = new Reader(await dial(port));
  reader.socket.write('PING\r\n');
  await reader.receive('\r\n');
  reader.socket.destroy();
  return reader.text;
}

describe('proxyContainer with a real testcontainers container', () => {
  // Opt-in (CHAOS_DOCKER=1): neither this machine nor CI has a Docker engine. The adapter itself is
  // covered above against a stand-in over a real TCP server; with the opt-in and no engine in CI, it fails.
  if (dockerSkip !== undefined) {
    it.skip(`should stop and restart a Redis container behind a stable proxy port (skipped: ${dockerSkip})`, () => undefined);
    return;
  }

  it('should stop and restart a Redis container behind a stable proxy port', async () => {
    expect(engine).toBe(true); // with CHAOS_DOCKER=1 in CI, a missing engine fails here
    const { GenericContainer } = await import('testcontainers');
    const container = await new GenericContainer('redis:7-alpine').withExposedPorts(EXPOSED).start();
    try {
      await using redis = await proxyContainer(container, EXPOSED);
      const answers = [await ping(redis.port)];

      for (let round = 0; round < 2; round++) {
        await redis.stop();
        answers.push((await connectError(redis.port))?.code ?? 'connected');
        await redis.restart();
        answers.push(await ping(redis.port));
      }

      expect(answers).toEqual(['+PONG\r\n', 'ECONNREFUSED', '+PONG\r\n', 'ECONNREFUSED', '+PONG\r\n']);
      expect(redis.proxy.upstream).toBe(`${container.getHost()}:${container.getMappedPort(EXPOSED)}`);
    } finally {
      await container.stop();
    }
  }, 120_000);
});
