import { checks, countProblems, describeOptionValue, firstLine, listOptionProblems } from '@proving-ground/kit';
import { registerFault, type FaultHandle } from '../cleanup/registry.js';
import { ChaosError } from '../errors.js';
import { formatAddress } from './address.js';
import { testcontainersRuntime, type ContainerRuntime } from './container-runtime.js';
import { createProxy, type ProxyOptions, type TcpProxy } from './proxy.js';

/**
 * The part of testcontainers' `StartedTestContainer` that {@link proxyContainer} uses: any started
 * container (`GenericContainer`, `PostgreSqlContainer`, ...) has it.
 *
 * @example
 * const container: ProxiedContainer = await new GenericContainer('redis:7').withExposedPorts(6379).start()
 */
export interface ProxiedContainer {
  getId(): string;
  getHost(): string;
  /** The host port Docker maps `port` to: a new one after each start. */
  getMappedPort(port: number): number;
  /** Start the container again (stopped or not), read its new ports and wait for its wait strategy. */
  restart(options?: { timeout?: number }): Promise<void>;
}

/** Options of {@link proxyContainer}: the proxy's own (but `upstream`, which is the container), and how to stop it. */
export interface ContainerProxyOptions extends Omit<ProxyOptions, 'upstream'> {
  /** Milliseconds the container is given to stop before it is killed; defaults to 0 (killed at once, as testcontainers does). */
  stopTimeout?: number;
  /** How the container is stopped; defaults to testcontainers' container runtime client (loaded on the first `stop()`). */
  runtime?: ContainerRuntime;
}

const CONTAINER_METHODS = ['getId', 'getHost', 'getMappedPort', 'restart'] as const;

function optionsError(problems: string[], cause?: unknown): ChaosError {
  return new ChaosError(
    'CHAOS_INVALID_PROXY_OPTIONS',
    {
      action: 'put a container behind a TCP proxy',
      reason: countProblems(problems),
      details: problems,
      fix: 'Pass a started testcontainers container, a port it exposes (withExposedPorts), and optionally the proxy options, stopTimeout and runtime.',
    },
    cause === undefined ? undefined : { cause },
  );
}

/**
 * A testcontainers container behind a TCP fault proxy whose port stays the same while the container
 * is stopped and started again (Docker maps its port to a new host port each time). Create it with
 * {@link proxyContainer}; toxics and `pause()` are on {@link ContainerProxy.proxy}.
 */
export class ContainerProxy implements AsyncDisposable {
  /** The proxy in front of the container: add toxics to it, read its `events`. */
  readonly proxy: TcpProxy;
  readonly container: ProxiedContainer;
  /** The port inside the container that the proxy forwards to. */
  readonly containerPort: number;
  private readonly runtime: ContainerRuntime;
  private readonly stopTimeout: number;
  private stopped: FaultHandle | undefined;

  /** @internal Use {@link proxyContainer}. */
  constructor(proxy: TcpProxy, container: ProxiedContainer, containerPort: number, runtime: ContainerRuntime, stopTimeout: number) {
    this.proxy = proxy;
    this.container = container;
    this.containerPort = containerPort;
    this.runtime = runtime;
    this.stopTimeout = stopTimeout;
  }

  /** The proxy's port: the same before, while and after the container is stopped. */
  get port(): number {
    return this.proxy.port;
  }

  /** The proxy's host, `127.0.0.1` by default. */
  get host(): string {
    return this.proxy.host;
  }

  /** `running`, or `stopped` between {@link ContainerProxy.stop} and {@link ContainerProxy.restart}. */
  get state(): 'running' | 'stopped' {
    return this.stopped?.active === true ? 'stopped' : 'running';
  }

  /**
   * A URL to the proxy, as {@link TcpProxy.url}: `url('postgres://u:p@db:5432/app')` is the same
   * URL with the proxy's host and port.
   *
   * @example
   * new pg.Client({ connectionString: db.url(container.getConnectionUri()) })
   */
  url(target?: string): string {
    return this.proxy.url(target);
  }

  /**
   * Stop the container (it is not removed). New connections to the proxy's port are refused with a
   * real `ECONNREFUSED` from now on; open ones end as the stopped container ends them. The stop is a
   * fault: `restart()`, disposing the handle, or the setup entry after the test starts it again.
   *
   * @throws ChaosError `CHAOS_MISSING_PEER` (testcontainers not installed), `CHAOS_CONTAINER_FAILED`, `CHAOS_PROXY_CLOSED`
   * @example
   * await using stopped = await db.stop()
   */
  async stop(): Promise<FaultHandle> {
    if (this.stopped?.active === true) return this.stopped;
    await this.proxy.down({ connections: 'keep' });
    try {
      await this.runtime.stop(this.container.getId(), { timeout: this.stopTimeout });
    } catch (error) {
      await this.proxy.up();
      throw error;
    }
    this.stopped = registerFault({
      kind: 'container',
      target: `container ${this.container.getId().slice(0, 12)} (port ${this.containerPort}) behind the proxy "${this.proxy.name}" on ${this.proxy.listen}`,
      restore: () => this.start(),
    });
    return this.stopped;
  }

  /**
   * Start the container again if it was stopped, else restart it (the proxy refuses new connections
   * meanwhile); then point the proxy at the container's new host port and accept connections again,
   * on the same proxy port. Resolves once the container's wait strategy passed.
   *
   * @throws ChaosError `CHAOS_CONTAINER_FAILED`, `CHAOS_PROXY_CLOSED`
   * @example
   * await db.restart(); await pool.query('select 1') // same proxy port, new container port
   */
  async restart(): Promise<void> {
    if (this.stopped?.active === true) return this.stopped.restore();
    await this.proxy.down({ connections: 'keep' });
    await this.start();
  }

  private async start(): Promise<void> {
    try {
      await this.container.restart({ timeout: this.stopTimeout });
    } catch (error) {
      throw new ChaosError(
        'CHAOS_CONTAINER_FAILED',
        {
          action: `start the container ${this.container.getId().slice(0, 12)} again`,
          reason: firstLine(error),
          fix: 'Check that the container still exists (`docker ps -a`) and read its logs.',
        },
        { cause: error },
      );
    }
    if (this.proxy.state === 'closed') return;
    this.proxy.setUpstream(upstreamOf(this.container, this.containerPort));
    if (this.proxy.state === 'down') await this.proxy.up();
  }

  /** Close the proxy (its connections and port); the container is left as it is. */
  async close(): Promise<void> {
    await this.proxy.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

function upstreamOf(container: ProxiedContainer, containerPort: number): string {
  return formatAddress({ host: container.getHost(), port: container.getMappedPort(containerPort) });
}

/**
 * Put a started testcontainers container behind a TCP fault proxy on a stable port: point clients at
 * the proxy, then `stop()` and `restart()` the container (Docker gives it a new host port each
 * start; the proxy follows it) and add toxics on `proxy`. `testcontainers` is an optional peer,
 * loaded on the first `stop()`.
 *
 * @throws ChaosError `CHAOS_INVALID_PROXY_OPTIONS` (every problem at once, a port the container does not expose included), `CHAOS_PORT_IN_USE`
 * @example
 * const container = await new GenericContainer('redis:7').withExposedPorts(6379).start()
 * await using redis = await proxyContainer(container, 6379)
 * await redis.stop() // ECONNREFUSED on redis.port
 * await redis.restart() // the same redis.port, the container's new one behind it
 */
export async function proxyContainer(
  container: ProxiedContainer,
  containerPort: number,
  options: ContainerProxyOptions = {},
): Promise<ContainerProxy> {
  const problems: string[] = [];
  const missing =
    typeof container === 'object' && container !== null
      ? CONTAINER_METHODS.filter((method) => typeof (container as unknown as Record<string, unknown>)[method] !== 'function')
      : [...CONTAINER_METHODS];
  if (missing.length > 0) {
    problems.push(
      `- container: expected a started testcontainers container (with ${CONTAINER_METHODS.join(', ')}), got ${describeOptionValue(container)} without ${missing.join(', ')}.`,
    );
  }
  const portProblem = checks.integer(1, 65_535)(containerPort);
  if (portProblem !== undefined) problems.push(`- containerPort: ${portProblem}.`);
  if (typeof options !== 'object' || options === null) problems.push('- options: expected an object.');
  else {
    const passed = (): undefined => undefined; // createProxy() checks these
    problems.push(
      ...listOptionProblems(options, {
        listen: passed,
        name: passed,
        seed: passed,
        toxics: passed,
        stopTimeout: checks.integer(0),
        runtime: (value) =>
          typeof value === 'object' && value !== null && typeof (value as { stop?: unknown }).stop === 'function'
            ? undefined
            : `expected an object with a stop(containerId, { timeout }) function, got ${describeOptionValue(value)}`,
      }),
    );
  }
  if (problems.length > 0) throw optionsError(problems);
  let upstream: string;
  try {
    upstream = upstreamOf(container, containerPort);
  } catch (error) {
    throw optionsError(
      [
        `- containerPort: the container maps no host port to ${containerPort} (${firstLine(error)}); expose it with withExposedPorts(${containerPort}).`,
      ],
      error,
    );
  }
  const { stopTimeout = 0, runtime = testcontainersRuntime(), ...proxyOptions } = options;
  const proxy = await createProxy({ ...proxyOptions, upstream });
  return new ContainerProxy(proxy, container, containerPort, runtime, stopTimeout);
}
