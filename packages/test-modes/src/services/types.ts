/** The shapes of services by mode: what a definition takes, what a starter returns, what a handle holds. */
import type { NetworkGuardRuntime } from '../network-guard/types.js';

/** The ways a service can be provided, in the order they are tried. */
export const SERVICE_KINDS = ['url', 'container', 'embedded'] as const;
/** One of {@link SERVICE_KINDS}. */
export type ServiceKind = (typeof SERVICE_KINDS)[number];

/** Forces every service to one kind (`url`, `container`, `embedded`) or restores the default order (`auto`). */
export const SERVICES_ENV = 'TEST_SERVICES';
/** Prefix of the per-service override: `TEST_SERVICE_POSTGRES=embedded` forces the service named `postgres`. */
export const SERVICE_ENV_PREFIX = 'TEST_SERVICE_';

/** A running dependency as a starter returns it: where to reach it, and how to stop it. */
export interface StartedService {
  /** The connection string clients use, for example `postgres://postgres@127.0.0.1:5432/postgres`. */
  url: string;
  /** Release what the starter started (container, server, files). */
  stop(): Promise<void>;
}

/** What a starter may ask of the service being started. */
export interface ServiceContext {
  /** The service's name. */
  readonly name: string;
  /**
   * Load an optional dependency with Node's own loader, from the user's project first. When it is
   * not installed, throws `TEST_MODES_MISSING_PEER` saying how to install it and what the
   * alternatives are.
   */
  requirePeer<T = unknown>(specifier: string): T;
}

/**
 * The `testcontainers` module, handed to a container starter. Typed loosely so that this package's
 * published types do not require the optional peer; in a starter, narrow it with
 * `tc as unknown as typeof import('testcontainers')` for the full API.
 */
export interface TestcontainersModule {
  getContainerRuntimeClient(): Promise<unknown>;
  readonly [name: string]: unknown;
}

/** How to provide a service; every option is optional. */
export interface ServiceOptions {
  /**
   * Where an explicit URL comes from: the name of an environment variable (default: the service
   * name in upper snake case followed by `_URL`, so `postgres` reads `POSTGRES_URL`), or a function.
   * An empty value counts as unset.
   */
  url?: string | (() => string | undefined);
  /** Start the service in a container; tried when `testcontainers` is installed and a container runtime answers. */
  container?: (testcontainers: TestcontainersModule, context: ServiceContext) => Promise<StartedService>;
  /** Start the service in this process or as a child of it; the fallback when neither a URL nor a container is available. */
  embedded?: (context: ServiceContext) => Promise<StartedService>;
}

/** A kind of service that was not used, and why. */
export interface PassedOverOption {
  kind: ServiceKind;
  reason: string;
}

/** A resolved, running service. */
export interface ServiceHandle {
  /** The service's name. */
  readonly name: string;
  /** Which option provided it. */
  readonly kind: ServiceKind;
  /** The connection string. */
  readonly url: string;
  /** The options tried before this one, with the reason each was passed over. */
  readonly passedOver: readonly PassedOverOption[];
  /** Stop what was started (nothing for a URL from the environment) and withdraw its network allowance. Idempotent. */
  stop(): Promise<void>;
}

/** A service that resolves when started. */
export interface ServiceDefinition<Handle extends ServiceHandle = ServiceHandle> {
  /** The service's name. */
  readonly name: string;
  /**
   * Resolve and start the service. Memoized: until the handle is stopped, every call returns the
   * same running handle.
   */
  start(): Promise<Handle>;
  /** Stop the running handle, if any. Idempotent. */
  stop(): Promise<void>;
}

/**
 * What resolution reads from the outside world. Tests replace parts of it.
 *
 * @internal
 */
export interface ServiceEnvironment {
  /** The environment variables, read on every start. */
  env(): Readonly<Record<string, string | undefined>>;
  /** Load a module; throws Node's `MODULE_NOT_FOUND` error when it is not installed. */
  loadModule(specifier: string): unknown;
  /** The network guard, when one is installed in this process. */
  networkGuard(): Pick<NetworkGuardRuntime, 'allowHost' | 'allows' | 'config'> | undefined;
}
