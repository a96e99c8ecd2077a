/**
 * Services by mode: a dependency (a database, a cache, a queue) is resolved once per run from an
 * explicit URL, a container, or an embedded fallback, in that order. See docs/test-modes.md.
 */
import { TestModesError, isTestModesError } from './errors.js';
import type { AllowedHost } from './host-policy.js';
import { nearestMatch } from '@proving-ground/kit';
import { listOptionProblems, type OptionCheck } from './internal/option-checks.js';
import { isModuleNotFound, nativeRequireFromProject } from './internal/native-require.js';
import { loadNativeRuntime } from './internal/native-runtime.js';
import type { NetworkGuardRuntime } from './runtime.js';

/** The ways a service can be provided, in the order they are tried. */
export const SERVICE_KINDS = ['url', 'container', 'embedded'] as const;
/** One of {@link SERVICE_KINDS}. */
export type ServiceKind = (typeof SERVICE_KINDS)[number];

/** Forces every service to one kind (`url`, `container`, `embedded`) or restores the default order (`auto`). */
export const SERVICES_ENV = 'TEST_SERVICES';
/** Prefix of the per-service override: `TEST_SERVICE_POSTGRES=embedded` forces the service named `postgres`. */
export const SERVICE_ENV_PREFIX = 'TEST_SERVICE_';

/** How long the container option waits for a container runtime to answer before passing over it. */
const CONTAINER_RUNTIME_TIMEOUT_MS = 10_000;

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

/** What resolution reads from the outside world. Tests replace parts of it. */
export interface ServiceEnvironment {
  /** The environment variables, read on every start. */
  env(): Readonly<Record<string, string | undefined>>;
  /** Load a module; throws Node's `MODULE_NOT_FOUND` error when it is not installed. */
  loadModule(specifier: string): unknown;
  /** The network guard, when one is installed in this process. */
  networkGuard(): Pick<NetworkGuardRuntime, 'allowHost' | 'allows' | 'config'> | undefined;
}

/**
 * Resolving a service must not install a guard where the suite did not ask for one, so only an
 * existing one is used.
 */
function installedNetworkGuard(): NetworkGuardRuntime | undefined {
  return loadNativeRuntime().installedNetworkGuard();
}

/** Environment variables, Node's own loader from the user's project, and the installed network guard. */
export const defaultServiceEnvironment: ServiceEnvironment = {
  env: () => process.env,
  loadModule: (specifier) => nativeRequireFromProject(specifier),
  networkGuard: installedNetworkGuard,
};

/** `postgres` → `POSTGRES`, `myCache` → `MY_CACHE`, `object-store` → `OBJECT_STORE`. */
export function upperSnake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase();
}

const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)*$/;
const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value;
}

/**
 * Check `options` as a whole against `checks` and throw one `TEST_MODES_INVALID_SERVICE` error that
 * lists every problem by option name, with "did you mean" for unknown keys.
 */
export function validateServiceOptions(
  subject: string,
  options: unknown,
  checks: Record<string, OptionCheck>,
  extraProblems: string[] = [],
): void {
  const problems = [...extraProblems];
  const known = Object.keys(checks);
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    problems.push(`- options: expected an object such as { ${known[0] ?? 'url'}: ... }, got ${describeValue(options)}.`);
  } else if (options !== undefined) {
    problems.push(...listOptionProblems(options, checks));
  }
  if (problems.length === 0) return;
  throw new TestModesError(
    'TEST_MODES_INVALID_SERVICE',
    `[test-modes] Failed to define ${subject}: ${problems.length} problem${problems.length === 1 ? '' : 's'}.\n${problems.join('\n')}\nFix the options named above; see "Services by mode" in docs/test-modes.md.`,
  );
}

/** The problem with a service name, or undefined. */
export function describeInvalidServiceName(name: unknown): string | undefined {
  if (typeof name === 'string' && NAME_PATTERN.test(name)) return undefined;
  return `expected a non-empty name of letters, digits, "-" and "_" that starts with a letter (it names the environment variables), got ${describeValue(name)}`;
}

/** Checks of the `url` option, shared with the presets. */
export const checkUrlOption: OptionCheck = (value) => {
  if (typeof value === 'function') return undefined;
  if (typeof value !== 'string')
    return `expected the name of an environment variable or a function returning a URL, got ${describeValue(value)}`;
  if (!ENV_NAME_PATTERN.test(value)) {
    return `expected the name of an environment variable (letters, digits and "_"), got ${describeValue(value)}${/^[a-z][a-z0-9+.-]*:/i.test(value) ? '; to hard-code a URL, pass a function: url: () => "..."' : ''}`;
  }
  return undefined;
};

const checkFunction =
  (returns: string): OptionCheck =>
  (value) =>
    typeof value === 'function' ? undefined : `expected a function returning ${returns}, got ${describeValue(value)}`;

const SERVICE_OPTION_CHECKS: Record<keyof ServiceOptions, OptionCheck> = {
  url: checkUrlOption,
  container: checkFunction('a promise of { url, stop }'),
  embedded: checkFunction('a promise of { url, stop }'),
};

/** Hide the password of `user:password@host` in messages. */
function redact(raw: string): string {
  return raw.replace(/(\/\/[^/@:]*:)[^@/]*@/, '$1***@');
}

/** Errors from peers loaded with Node's own loader come from another realm: `instanceof Error` is false for them. */
function errorMessage(error: unknown): string {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(error);
}

function parseKindOverride(raw: string, variable: string, name: string): ServiceKind | 'auto' {
  const normalized = raw.trim().toLowerCase();
  const choices = [...SERVICE_KINDS, 'auto'] as const;
  const match = choices.find((choice) => choice === normalized);
  if (match !== undefined) return match;
  const nearest = nearestMatch(normalized, choices);
  throw new TestModesError(
    'TEST_MODES_INVALID_SERVICE',
    `[test-modes] Failed to start service "${name}": ${variable}="${raw}" is not a valid value. Valid values: ${choices.join(', ')} (case-insensitive).${nearest === undefined ? '' : ` Did you mean "${nearest}"?`} Set ${variable} to one of them, or unset it.`,
  );
}

/** Which kind the environment forces, if any, and the variable that forces it. */
function kindOverride(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
): { kind: ServiceKind; variable: string } | undefined {
  for (const variable of [`${SERVICE_ENV_PREFIX}${upperSnake(name)}`, SERVICES_ENV]) {
    const raw = env[variable];
    if (raw === undefined || raw.trim() === '') continue;
    const kind = parseKindOverride(raw, variable, name);
    return kind === 'auto' ? undefined : { kind, variable };
  }
  return undefined;
}

/** The host (and port) a guard must let through to reach `url`, or undefined when it has no host. */
function allowanceFor(url: URL): AllowedHost | undefined {
  if (url.hostname === '') return undefined;
  return url.port === '' ? url.hostname : `${url.hostname}:${url.port}`;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Why the container engine named by `DOCKER_HOST` cannot be reached, when the network guard blocks
 * it; probing it anyway would fail the test that starts the service.
 */
function dockerHostBlockedByGuard(environment: ServiceEnvironment): string | undefined {
  const raw = environment.env()['DOCKER_HOST'];
  const guard = environment.networkGuard();
  if (raw === undefined || raw === '' || guard === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (!['tcp:', 'http:', 'https:'].includes(url.protocol)) return undefined;
  const port = url.port === '' ? (url.protocol === 'https:' ? '2376' : '2375') : url.port;
  if (guard.allows(url.hostname, port)) return undefined;
  return `the network guard blocks DOCKER_HOST (${url.hostname}:${port}) in ${guard.config.mode} mode; add "${url.hostname}" to allowHosts in test-modes.config.json to use that engine`;
}

function formatPassedOver(passedOver: readonly PassedOverOption[]): string {
  return passedOver.map(({ kind, reason }) => `- ${kind}: ${reason}`).join('\n');
}

/** Everything a definition needs to resolve, fixed when it is defined. */
interface Resolver {
  name: string;
  urlSource: { variable: string } | { read: () => string | undefined };
  options: ServiceOptions;
  environment: ServiceEnvironment;
}

function urlOptionLabel(resolver: Resolver): string {
  return 'variable' in resolver.urlSource ? resolver.urlSource.variable : 'the url option';
}

/** What a user can do instead, for error messages. */
function alternatives(resolver: Resolver, exclude: ServiceKind | undefined, override: { variable: string } | undefined): string {
  const { name, options } = resolver;
  const ways: string[] = [];
  if (exclude !== 'url')
    ways.push(
      'variable' in resolver.urlSource
        ? `set ${resolver.urlSource.variable} to the URL of a running ${name}`
        : `make the url option return the URL of a running ${name}`,
    );
  if (exclude !== 'container')
    ways.push(
      options.container === undefined
        ? 'give the service a container option'
        : 'start a Docker engine (or point DOCKER_HOST at one) for the container option',
    );
  if (exclude !== 'embedded' && options.embedded === undefined) ways.push('give the service an embedded option');
  if (override !== undefined) ways.push(`unset ${override.variable} to let every option be tried`);
  if (ways.length === 1) return ways[0]!;
  return `${ways.slice(0, -1).join(', ')}, or ${ways.at(-1)!}`;
}

function createContext(
  resolver: Resolver,
  kind: ServiceKind,
  passedOver: readonly PassedOverOption[],
  override: { variable: string } | undefined,
): ServiceContext {
  return {
    name: resolver.name,
    requirePeer<T>(specifier: string): T {
      try {
        return resolver.environment.loadModule(specifier) as T;
      } catch (error) {
        if (!isModuleNotFound(error, specifier)) throw error;
        const tried = passedOver.length === 0 ? '' : `\nPassed over before the ${kind} option:\n${formatPassedOver(passedOver)}`;
        throw new TestModesError(
          'TEST_MODES_MISSING_PEER',
          `[test-modes] Failed to start service "${resolver.name}": ${specifier} is not installed. Install it with npm i -D ${specifier}, or ${alternatives(resolver, kind, override)}.${tried}`,
          { cause: error },
        );
      }
    },
  };
}

function readUrl(resolver: Resolver): { raw: string | undefined; label: string } {
  const label = urlOptionLabel(resolver);
  const source = resolver.urlSource;
  let raw: unknown;
  if ('variable' in source) {
    raw = resolver.environment.env()[source.variable];
  } else {
    try {
      raw = source.read();
    } catch (error) {
      throw new TestModesError(
        'TEST_MODES_INVALID_SERVICE',
        `[test-modes] Failed to start service "${resolver.name}": the url option threw: ${errorMessage(error)}. Make it return a URL, or undefined to try the next option.`,
        { cause: error },
      );
    }
  }
  if (raw !== undefined && typeof raw !== 'string') {
    throw new TestModesError(
      'TEST_MODES_INVALID_SERVICE',
      `[test-modes] Failed to start service "${resolver.name}": the url option returned ${describeValue(raw)}, not a string. Make it return a URL, or undefined to try the next option.`,
    );
  }
  return { raw: raw === undefined || raw.trim() === '' ? undefined : raw.trim(), label };
}

/** Why `raw` is not a usable service URL, or undefined when it is one. */
function describeInvalidUrl(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'it cannot be parsed';
  }
  if (!url.href.startsWith(`${url.protocol}//`)) return 'it does not start with scheme://';
  return undefined;
}

async function resolveService(resolver: Resolver): Promise<{ kind: ServiceKind; started: StartedService; passedOver: PassedOverOption[] }> {
  const { name, options, environment } = resolver;
  const override = kindOverride(environment.env(), name);
  const passedOver: PassedOverOption[] = [];
  const forcedAway = (kind: ServiceKind): boolean => {
    if (override === undefined || override.kind === kind) return false;
    passedOver.push({ kind, reason: `skipped because ${override.variable}=${override.kind}` });
    return true;
  };

  if (!forcedAway('url')) {
    const { raw, label } = readUrl(resolver);
    if (raw === undefined) {
      passedOver.push({ kind: 'url', reason: 'variable' in resolver.urlSource ? `${label} is not set` : 'the url option returned no URL' });
    } else {
      const problem = describeInvalidUrl(raw);
      if (problem !== undefined) {
        throw new TestModesError(
          'TEST_MODES_INVALID_SERVICE',
          `[test-modes] Failed to start service "${name}": ${label}="${redact(raw)}" is not a valid URL (${problem}). Set ${label} to a URL such as scheme://user@host:port/path, or unset it to try the next option.`,
        );
      }
      return { kind: 'url', started: { url: raw, stop: async () => {} }, passedOver };
    }
  }

  if (!forcedAway('container')) {
    const container = options.container;
    if (container === undefined) {
      passedOver.push({ kind: 'container', reason: 'the service has no container option' });
    } else {
      let testcontainers: TestcontainersModule | undefined;
      try {
        testcontainers = environment.loadModule('testcontainers') as TestcontainersModule;
      } catch (error) {
        if (!isModuleNotFound(error, 'testcontainers')) throw error;
        passedOver.push({ kind: 'container', reason: 'testcontainers is not installed (npm i -D testcontainers)' });
      }
      const blockedEngine = testcontainers === undefined ? undefined : dockerHostBlockedByGuard(environment);
      if (blockedEngine !== undefined) passedOver.push({ kind: 'container', reason: blockedEngine });
      else if (testcontainers !== undefined) {
        let runtimeProblem: string | undefined;
        try {
          await withTimeout(
            testcontainers.getContainerRuntimeClient(),
            CONTAINER_RUNTIME_TIMEOUT_MS,
            `no answer within ${CONTAINER_RUNTIME_TIMEOUT_MS / 1000} s`,
          );
        } catch (error) {
          runtimeProblem = `no Docker engine answered: ${errorMessage(error)}`;
          passedOver.push({ kind: 'container', reason: runtimeProblem });
        }
        if (runtimeProblem === undefined) {
          return {
            kind: 'container',
            started: await startOption(
              resolver,
              'container',
              () => container(testcontainers, createContext(resolver, 'container', passedOver, override)),
              passedOver,
              override,
            ),
            passedOver,
          };
        }
      }
    }
  }

  if (!forcedAway('embedded')) {
    const embedded = options.embedded;
    if (embedded === undefined) {
      passedOver.push({ kind: 'embedded', reason: 'the service has no embedded option' });
    } else {
      return {
        kind: 'embedded',
        started: await startOption(
          resolver,
          'embedded',
          () => embedded(createContext(resolver, 'embedded', passedOver, override)),
          passedOver,
          override,
        ),
        passedOver,
      };
    }
  }

  throw new TestModesError(
    'TEST_MODES_SERVICE_UNAVAILABLE',
    `[test-modes] Failed to start service "${name}": no option is available.\n${formatPassedOver(passedOver)}\nTo provide it, ${alternatives(resolver, undefined, override)}.`,
  );
}

/** Run a starter; a failure of the chosen option stops resolution rather than falling back silently. */
async function startOption(
  resolver: Resolver,
  kind: 'container' | 'embedded',
  start: () => Promise<StartedService>,
  passedOver: readonly PassedOverOption[],
  override: { variable: string } | undefined,
): Promise<StartedService> {
  let started: unknown;
  try {
    started = await start();
  } catch (error) {
    if (isTestModesError(error)) throw error;
    const tried = passedOver.length === 0 ? '' : `\nPassed over before it:\n${formatPassedOver(passedOver)}`;
    const instead =
      kind === 'container' && resolver.options.embedded !== undefined
        ? `, or set ${SERVICE_ENV_PREFIX}${upperSnake(resolver.name)}=embedded to skip the container`
        : '';
    throw new TestModesError(
      'TEST_MODES_SERVICE_UNAVAILABLE',
      `[test-modes] Failed to start service "${resolver.name}": the ${kind} option failed: ${errorMessage(error)}.${tried}\nFix the cause above${instead}, or ${alternatives(resolver, kind, override)}.`,
      { cause: error },
    );
  }
  const result = started as Partial<StartedService> | null | undefined;
  if (typeof result?.url !== 'string' || typeof result.stop !== 'function') {
    throw new TestModesError(
      'TEST_MODES_INVALID_SERVICE',
      `[test-modes] Failed to start service "${resolver.name}": the ${kind} option resolved to ${describeValue(started)}, not { url: string, stop(): Promise<void> }. Return both from the ${kind} option.`,
    );
  }
  const problem = describeInvalidUrl(result.url);
  if (problem !== undefined) {
    await result.stop().catch(() => {});
    throw new TestModesError(
      'TEST_MODES_INVALID_SERVICE',
      `[test-modes] Failed to start service "${resolver.name}": the ${kind} option returned the URL "${redact(result.url)}", which is not valid (${problem}). Return a URL such as scheme://user@host:port/path.`,
    );
  }
  return result as StartedService;
}

/**
 * Create a definition against an explicit {@link ServiceEnvironment}. {@link defineService} uses the real one.
 *
 * @example
 * const cache = createServiceDefinition('cache', { embedded }, { ...defaultServiceEnvironment, env: () => ({ CACHE_URL: 'redis://127.0.0.1:6379' }) })
 */
export function createServiceDefinition(name: string, options: ServiceOptions, environment: ServiceEnvironment): ServiceDefinition {
  const nameProblem = describeInvalidServiceName(name);
  validateServiceOptions(
    typeof name === 'string' && name !== '' ? `service "${name}"` : 'a service',
    options,
    SERVICE_OPTION_CHECKS,
    nameProblem === undefined ? [] : [`- name: ${nameProblem}.`],
  );
  const opts: ServiceOptions = options ?? {};
  const resolver: Resolver = {
    name,
    urlSource: typeof opts.url === 'function' ? { read: opts.url } : { variable: opts.url ?? `${upperSnake(name)}_URL` },
    options: opts,
    environment,
  };

  let running: Promise<ServiceHandle> | undefined;
  let current: ServiceHandle | undefined;

  const resolveAndStart = async (): Promise<ServiceHandle> => {
    const { kind, started, passedOver } = await resolveService(resolver);
    const guard = environment.networkGuard();
    const allowance = allowanceFor(new URL(started.url));
    const removeAllowance = guard !== undefined && allowance !== undefined ? guard.allowHost(allowance) : () => {};
    let stopping: Promise<void> | undefined;
    const handle: ServiceHandle = {
      name,
      kind,
      url: started.url,
      passedOver: Object.freeze([...passedOver]),
      stop() {
        if (current === handle) {
          current = undefined;
          running = undefined;
        }
        stopping ??= (async () => {
          try {
            await started.stop();
          } finally {
            removeAllowance();
          }
        })();
        return stopping;
      },
    };
    current = handle;
    return handle;
  };

  return {
    name,
    start() {
      running ??= resolveAndStart().catch((error: unknown) => {
        running = undefined;
        throw error;
      });
      return running;
    },
    async stop() {
      const pending = running;
      if (pending === undefined) return;
      const handle = await pending.catch(() => undefined);
      await handle?.stop();
    },
  };
}

/**
 * Define a dependency that each run resolves, in this order: an explicit URL from the environment;
 * otherwise a container (when `testcontainers` is installed and a Docker engine answers); otherwise
 * the embedded fallback. `TEST_SERVICES` (every service) or `TEST_SERVICE_<NAME>` (one service) set
 * to `url`, `container` or `embedded` forces one option; `auto` restores the order.
 *
 * @param name - names the service in messages and its environment variables (`<NAME>_URL`, `TEST_SERVICE_<NAME>`)
 * @param options - `url` (variable name or function), `container` and `embedded` starters
 * @throws TestModesError `TEST_MODES_INVALID_SERVICE` listing every problem of the definition
 * @example
 * const cache = defineService('cache', {
 *   container: async (tc) => {
 *     const started = await new tc.GenericContainer('redis:7-alpine').withExposedPorts(6379).start()
 *     return { url: `redis://${started.getHost()}:${started.getMappedPort(6379)}`, stop: async () => { await started.stop() } }
 *   },
 *   embedded: async () => startInMemoryRedis(),
 * })
 * let handle: ServiceHandle
 * beforeAll(async () => { handle = await cache.start() }) // CACHE_URL, else a container, else embedded
 * afterAll(() => handle.stop())
 */
export function defineService(name: string, options: ServiceOptions = {}): ServiceDefinition {
  return createServiceDefinition(name, options, defaultServiceEnvironment);
}
