import type { AllowedHost } from '../host-policy.js';
import { nativeRequireFromProject } from '@proving-ground/kit';
import { installedNetworkGuard } from '../network-guard/network-guard.js';
import { describeInvalidServiceName, SERVICE_OPTION_CHECKS, upperSnake, validateServiceOptions } from './options.js';
import { resolveService, type Resolver } from './resolution.js';
import type { ServiceDefinition, ServiceEnvironment, ServiceHandle, ServiceOptions } from './types.js';

/** The host (and port) a guard must let through to reach `url`, or undefined when it has no host. */
function allowanceFor(url: URL): AllowedHost | undefined {
  if (url.hostname === '') return undefined;
  return url.port === '' ? url.hostname : `${url.hostname}:${url.port}`;
}

/**
 * Environment variables, Node's own loader from the user's project, and the installed network
 * guard (resolving a service must not install a guard where the suite did not ask for one).
 *
 * @internal
 */
export const defaultServiceEnvironment: ServiceEnvironment = {
  env: () => process.env,
  loadModule: (specifier) => nativeRequireFromProject(specifier),
  networkGuard: installedNetworkGuard,
};

/**
 * Create a definition against an explicit {@link ServiceEnvironment}. {@link defineService} uses the real one.
 *
 * @internal
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
