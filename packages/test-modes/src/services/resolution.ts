/**
 * Resolving a service: an explicit URL, else a container, else the embedded fallback (or the one
 * option the environment forces), with the reason each option was passed over.
 */
import { didYouMean, maskUrlCredentials } from '@proving-ground/kit';
import { TestModesError, isTestModesError } from '../errors.js';
import { isModuleNotFound } from '@proving-ground/kit';
import { describeValue, upperSnake } from './options.js';
import {
  SERVICE_ENV_PREFIX,
  SERVICE_KINDS,
  SERVICES_ENV,
  type PassedOverOption,
  type ServiceContext,
  type ServiceEnvironment,
  type ServiceKind,
  type ServiceOptions,
  type StartedService,
  type TestcontainersModule,
} from './types.js';

/** How long the container option waits for a container runtime to answer before passing over it. */
const CONTAINER_RUNTIME_TIMEOUT_MS = 10_000;

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
  throw new TestModesError('TEST_MODES_INVALID_SERVICE', {
    action: `start service "${name}"`,
    reason: `${variable}="${raw}" is not a valid value. Valid values: ${choices.join(', ')} (case-insensitive).${didYouMean(normalized, choices)}`,
    fix: `Set ${variable} to one of them, or unset it.`,
  });
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
export interface Resolver {
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
          `Failed to start service "${resolver.name}": ${specifier} is not installed. Install it with npm i -D ${specifier}, or ${alternatives(resolver, kind, override)}.${tried}`,
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
        {
          action: `start service "${resolver.name}"`,
          reason: `the url option threw: ${errorMessage(error)}`,
          fix: 'Make it return a URL, or undefined to try the next option.',
        },
        { cause: error },
      );
    }
  }
  if (raw !== undefined && typeof raw !== 'string') {
    throw new TestModesError('TEST_MODES_INVALID_SERVICE', {
      action: `start service "${resolver.name}"`,
      reason: `the url option returned ${describeValue(raw)}, not a string`,
      fix: 'Make it return a URL, or undefined to try the next option.',
    });
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

/** Resolve the service `resolver` describes: the kind that provided it, the started service, and what was passed over. */
export async function resolveService(
  resolver: Resolver,
): Promise<{ kind: ServiceKind; started: StartedService; passedOver: PassedOverOption[] }> {
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
        throw new TestModesError('TEST_MODES_INVALID_SERVICE', {
          action: `start service "${name}"`,
          reason: `${label}="${maskUrlCredentials(raw)}" is not a valid URL (${problem})`,
          fix: `Set ${label} to a URL such as scheme://user@host:port/path, or unset it to try the next option.`,
        });
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
    `Failed to start service "${name}": no option is available.\n${formatPassedOver(passedOver)}\nTo provide it, ${alternatives(resolver, undefined, override)}.`,
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
      `Failed to start service "${resolver.name}": the ${kind} option failed: ${errorMessage(error)}.${tried}\nFix the cause above${instead}, or ${alternatives(resolver, kind, override)}.`,
      { cause: error },
    );
  }
  const result = started as Partial<StartedService> | null | undefined;
  if (typeof result?.url !== 'string' || typeof result.stop !== 'function') {
    throw new TestModesError('TEST_MODES_INVALID_SERVICE', {
      action: `start service "${resolver.name}"`,
      reason: `the ${kind} option resolved to ${describeValue(started)}, not { url: string, stop(): Promise<void> }`,
      fix: `Return both from the ${kind} option.`,
    });
  }
  const problem = describeInvalidUrl(result.url);
  if (problem !== undefined) {
    await result.stop().catch(() => {});
    throw new TestModesError('TEST_MODES_INVALID_SERVICE', {
      action: `start service "${resolver.name}"`,
      reason: `the ${kind} option returned the URL "${maskUrlCredentials(result.url)}", which is not valid (${problem})`,
      fix: 'Return a URL such as scheme://user@host:port/path.',
    });
  }
  return result as StartedService;
}
