import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { isTestModesError, type TestModesError } from '../errors.js';
import { nativeRequire, nativeRequireFrom } from '@proving-ground/kit';
import { createServiceDefinition, defaultServiceEnvironment } from './define-service.js';
import { createPostgresService } from './postgres-service.js';
import type { ServiceEnvironment, StartedService, TestcontainersModule } from './types.js';

/** A real TCP server on 127.0.0.1 standing for a started dependency; counts how often it is stopped. */
async function startLocalServer(): Promise<StartedService & { server: Server; stops: number }> {
  const server = createServer((socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const started = {
    server,
    stops: 0,
    url: `tcp://127.0.0.1:${port}`,
    async stop() {
      started.stops += 1;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return started;
}

function environment(env: Record<string, string | undefined>, overrides: Partial<ServiceEnvironment> = {}): ServiceEnvironment {
  return { ...defaultServiceEnvironment, env: () => env, networkGuard: () => undefined, ...overrides };
}

async function failure(promise: Promise<unknown> | (() => unknown)): Promise<TestModesError> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    if (isTestModesError(error)) return error;
    throw error;
  }
  throw new Error('expected a TestModesError, but nothing was thrown');
}

/** Resolves from an empty folder, where no package is installed, as on a machine without the peer. */
const emptyProject = mkdtempSync(join(tmpdir(), 'test-modes-services-'));
const loadFromEmptyProject = (specifier: string): unknown => nativeRequireFrom(emptyProject, specifier);

const realTestcontainers = nativeRequire('testcontainers') as TestcontainersModule;
const dockerAnswers = await realTestcontainers.getContainerRuntimeClient().then(
  () => true,
  () => false,
);

/** A testcontainers module whose runtime check answers: stands in for a Docker engine this machine lacks. */
const testcontainersWithRuntime = {
  ...realTestcontainers,
  getContainerRuntimeClient: () => Promise.resolve({}),
} as unknown as TestcontainersModule;
const withRuntime = (specifier: string): unknown => (specifier === 'testcontainers' ? testcontainersWithRuntime : nativeRequire(specifier));

afterAll(() => {
  rmSync(emptyProject, { recursive: true, force: true });
});

describe('the container option behind the network guard', () => {
  it('should pass over an engine at a DOCKER_HOST the guard blocks, without probing it', async () => {
    // Arrange
    let probed = false;
    const fakeTestcontainers = {
      getContainerRuntimeClient: () => {
        probed = true;
        return Promise.reject(new Error('probed'));
      },
    };
    const local = await startLocalServer();
    const definition = createServiceDefinition(
      'queue',
      { container: () => Promise.reject(new Error('not reached')), embedded: () => Promise.resolve(local) },
      environment(
        { DOCKER_HOST: 'tcp://docker.example.com:2375' },
        {
          loadModule: () => fakeTestcontainers,
          networkGuard: () => ({ allowHost: () => () => undefined, allows: () => false, config: { mode: 'mock', allowHosts: [] } }),
        },
      ),
    );

    // Act
    const handle = await definition.start();
    await handle.stop();

    // Assert
    expect(probed).toBe(false);
    expect(handle.kind).toBe('embedded');
    expect(handle.passedOver).toContainEqual({
      kind: 'container',
      reason:
        'the network guard blocks DOCKER_HOST (docker.example.com:2375) in mock mode; add "docker.example.com" to allowHosts in test-modes.config.json to use that engine',
    });
  });
});

describe('defineService', () => {
  type LocalServer = Awaited<ReturnType<typeof startLocalServer>>;
  const started: LocalServer[] = [];
  const track = async (): Promise<LocalServer> => {
    const service = await startLocalServer();
    started.push(service);
    return service;
  };

  afterEach(async () => {
    for (const service of started.splice(0)) if (service.stops === 0) await service.stop();
  });

  it('should use the URL from the environment before the container and the embedded options', async () => {
    // Arrange
    const calls: string[] = [];
    const service = createServiceDefinition(
      'cache',
      {
        container: async () => {
          calls.push('container');
          return track();
        },
        embedded: async () => {
          calls.push('embedded');
          return track();
        },
      },
      environment({ CACHE_URL: 'redis://127.0.0.1:6390/0' }, { loadModule: withRuntime }),
    );

    // Act
    const handle = await service.start();
    await handle.stop();

    // Assert
    expect(handle).toMatchObject({ name: 'cache', kind: 'url', url: 'redis://127.0.0.1:6390/0', passedOver: [] });
    expect(calls).toEqual([]);
  });

  it('should use the container when the URL variable is unset and a container runtime answers', async () => {
    // Arrange
    let received: unknown;
    const service = createServiceDefinition(
      'cache',
      {
        container: async (testcontainers) => {
          received = testcontainers;
          return track();
        },
        embedded: track,
      },
      environment({ CACHE_URL: '  ' }, { loadModule: withRuntime }),
    );

    // Act
    const handle = await service.start();

    // Assert
    expect(handle.kind).toBe('container');
    expect(received).toBe(testcontainersWithRuntime);
    expect(handle.passedOver).toEqual([{ kind: 'url', reason: 'CACHE_URL is not set' }]);
    expect(handle.url).toBe(started[0]!.url);
    await handle.stop();
  });

  it('should fail naming the variable when the URL in the environment is invalid, without trying the next option', async () => {
    // Arrange
    let embeddedCalled = false;
    const service = createServiceDefinition(
      'postgres',
      {
        url: 'DATABASE_URL',
        embedded: async () => {
          embeddedCalled = true;
          return track();
        },
      },
      environment({ DATABASE_URL: 'localhost:5432' }),
    );

    // Act
    const error = await failure(service.start());

    // Assert
    expect(error.code).toBe('TEST_MODES_INVALID_SERVICE');
    expect(error.message).toBe(
      '[test-modes] Failed to start service "postgres": DATABASE_URL="localhost:5432" is not a valid URL (it does not start with scheme://). Set DATABASE_URL to a URL such as scheme://user@host:port/path, or unset it to try the next option.',
    );
    expect(embeddedCalled).toBe(false);
  });

  it('should hide the password of an invalid URL in the error', async () => {
    // Arrange
    const service = createServiceDefinition(
      'postgres',
      { url: 'DATABASE_URL' },
      environment({ DATABASE_URL: 'postgres://app:s3cret@db host/app' }),
    );

    // Act
    const error = await failure(service.start());

    // Assert
    expect(error.message).toContain('DATABASE_URL="postgres://app:***@db host/app" is not a valid URL (it cannot be parsed)');
    expect(error.message).not.toContain('s3cret');
  });

  it('should hide the password of a URL written with one slash after the scheme (issue 10)', async () => {
    // Arrange
    const service = createServiceDefinition(
      'postgres',
      { url: 'DATABASE_URL' },
      environment({ DATABASE_URL: 'postgres:/admin:hunter2@db:5432/app' }),
    );

    // Act
    const error = await failure(service.start());

    // Assert
    expect(error.code).toBe('TEST_MODES_INVALID_SERVICE');
    expect(error.message).toContain('DATABASE_URL="postgres:/admin:***@db:5432/app" is not a valid URL (it does not start with scheme://)');
    expect(error.message).not.toContain('hunter2');
  });

  it.each([
    ['an empty user', 'redis://:hunter2@cache.internal:6379/0', 'redis://:***@cache.internal:6379/0'],
    ['one slash', 'postgres:/admin:hunter2@db:5432/app', 'postgres:/admin:***@db:5432/app'],
  ])("should hide the password of a URL with %s in a starter's failure", async (_shape, url, masked) => {
    // Arrange
    const cause = new Error(`connect ECONNREFUSED ${url}`);
    const service = createServiceDefinition('cache', { embedded: () => Promise.reject(cause) }, environment({}));

    // Act
    const error = await failure(service.start());

    // Assert
    expect(error.code).toBe('TEST_MODES_SERVICE_UNAVAILABLE');
    expect(error.message).toContain(`the embedded option failed: connect ECONNREFUSED ${masked}.`);
    expect(error.message).not.toContain('hunter2');
    expect(error.cause).toBe(cause);
  });

  it('should read the URL from a function option', async () => {
    // Arrange
    const service = createServiceDefinition('search', { url: () => 'http://127.0.0.1:9200' }, environment({}));

    // Act
    const handle = await service.start();
    await handle.stop();

    // Assert
    expect(handle).toMatchObject({ kind: 'url', url: 'http://127.0.0.1:9200' });
  });

  it(`should pass over the container with testcontainers' reason when ${dockerAnswers ? 'a' : 'no'} Docker engine answers`, async () => {
    // Arrange
    const service = createServiceDefinition('cache', { container: track, embedded: track }, environment({}));

    // Act
    const handle = await service.start();
    await handle.stop();

    // Assert
    const expected = dockerAnswers
      ? { kind: 'container' }
      : {
          kind: 'embedded',
          passedOver: [
            { kind: 'url', reason: 'CACHE_URL is not set' },
            { kind: 'container', reason: 'no Docker engine answered: Could not find a working container runtime strategy' },
          ],
        };
    expect(handle).toMatchObject(expected);
  });

  it('should pass over the container when testcontainers is not installed', async () => {
    // Arrange
    let containerCalled = false;
    const service = createServiceDefinition(
      'cache',
      {
        container: async () => {
          containerCalled = true;
          return track();
        },
        embedded: track,
      },
      environment({}, { loadModule: loadFromEmptyProject }),
    );

    // Act
    const handle = await service.start();
    await handle.stop();

    // Assert
    expect(handle.kind).toBe('embedded');
    expect(handle.passedOver[1]).toEqual({ kind: 'container', reason: 'testcontainers is not installed (npm i -D testcontainers)' });
    expect(containerCalled).toBe(false);
  });

  it('should fail listing every option and why it was passed over when none is available', async () => {
    // Arrange
    const service = createServiceDefinition('cache', { container: track }, environment({}, { loadModule: loadFromEmptyProject }));

    // Act
    const error = await failure(service.start());

    // Assert
    expect(error.code).toBe('TEST_MODES_SERVICE_UNAVAILABLE');
    expect(error.message).toBe(
      [
        '[test-modes] Failed to start service "cache": no option is available.',
        '- url: CACHE_URL is not set',
        '- container: testcontainers is not installed (npm i -D testcontainers)',
        '- embedded: the service has no embedded option',
        'To provide it, set CACHE_URL to the URL of a running cache, start a Docker engine (or point DOCKER_HOST at one) for the container option, or give the service an embedded option.',
      ].join('\n'),
    );
  });

  it('should force one option with TEST_SERVICE_<NAME>, over TEST_SERVICES and over a URL in the environment', async () => {
    // Arrange
    const service = createServiceDefinition(
      'postgres',
      { url: 'DATABASE_URL', container: track, embedded: track },
      environment(
        { DATABASE_URL: 'postgres://127.0.0.1:5432/dev', TEST_SERVICES: 'container', TEST_SERVICE_POSTGRES: 'Embedded' },
        { loadModule: withRuntime },
      ),
    );

    // Act
    const handle = await service.start();
    await handle.stop();

    // Assert
    expect(handle.kind).toBe('embedded');
    expect(handle.passedOver).toEqual([
      { kind: 'url', reason: 'skipped because TEST_SERVICE_POSTGRES=embedded' },
      { kind: 'container', reason: 'skipped because TEST_SERVICE_POSTGRES=embedded' },
    ]);
  });

  it('should fail when the forced option is not available, saying how to lift the override', async () => {
    // Arrange
    const service = createServiceDefinition('cache', { container: track, embedded: track }, environment({ TEST_SERVICES: 'url' }));

    // Act
    const error = await failure(service.start());

    // Assert
    expect(error.code).toBe('TEST_MODES_SERVICE_UNAVAILABLE');
    expect(error.message).toContain(
      '- url: CACHE_URL is not set\n- container: skipped because TEST_SERVICES=url\n- embedded: skipped because TEST_SERVICES=url\n',
    );
    expect(error.message).toContain('or unset TEST_SERVICES to let every option be tried.');
  });

  it('should reject an unknown TEST_SERVICES value with the nearest valid one', async () => {
    // Arrange
    const service = createServiceDefinition('cache', { embedded: track }, environment({ TEST_SERVICES: 'embeded' }));

    // Act
    const error = await failure(service.start());

    // Assert
    expect(error.code).toBe('TEST_MODES_INVALID_SERVICE');
    expect(error.message).toContain(
      'TEST_SERVICES="embeded" is not a valid value. Valid values: url, container, embedded, auto (case-insensitive). Did you mean "embedded"?',
    );
  });

  it('should report a failing container instead of falling back to the embedded option', async () => {
    // Arrange
    const cause = new Error('pull access denied for postgres:99');
    const service = createServiceDefinition(
      'postgres',
      {
        url: 'DATABASE_URL',
        container: () => Promise.reject(cause),
        embedded: track,
      },
      environment({}, { loadModule: withRuntime }),
    );

    // Act
    const error = await failure(service.start());

    // Assert
    expect(error.code).toBe('TEST_MODES_SERVICE_UNAVAILABLE');
    expect(error.cause).toBe(cause);
    expect(error.message).toContain('Failed to start service "postgres": the container option failed: pull access denied for postgres:99.');
    expect(error.message).toContain('set TEST_SERVICE_POSTGRES=embedded to skip the container');
    expect(started).toEqual([]);
  });

  it('should say how to install a peer the embedded option needs, and what else would work', async () => {
    // Arrange
    const service = createServiceDefinition(
      'postgres',
      {
        url: 'DATABASE_URL',
        container: track,
        embedded: async (context) => {
          context.requirePeer('@electric-sql/pglite');
          return track();
        },
      },
      environment({}, { loadModule: loadFromEmptyProject }),
    );

    // Act
    const error = await failure(service.start());

    // Assert
    expect(error.code).toBe('TEST_MODES_MISSING_PEER');
    expect(error.message).toBe(
      [
        '[test-modes] Failed to start service "postgres": @electric-sql/pglite is not installed. Install it with npm i -D @electric-sql/pglite, or set DATABASE_URL to the URL of a running postgres, or start a Docker engine (or point DOCKER_HOST at one) for the container option.',
        'Passed over before the embedded option:',
        '- url: DATABASE_URL is not set',
        '- container: testcontainers is not installed (npm i -D testcontainers)',
      ].join('\n'),
    );
  });

  it('should return the same running handle from concurrent and repeated starts', async () => {
    // Arrange
    let starts = 0;
    const service = createServiceDefinition(
      'cache',
      {
        embedded: async () => {
          starts += 1;
          return track();
        },
      },
      environment({}),
    );

    // Act
    const [first, second] = await Promise.all([service.start(), service.start()]);
    const third = await service.start();

    // Assert
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(starts).toBe(1);
    await first.stop();
  });

  it('should stop once however often it is stopped, and start anew afterwards', async () => {
    // Arrange
    const service = createServiceDefinition('cache', { embedded: track }, environment({}));
    const handle = await service.start();

    // Act
    await Promise.all([handle.stop(), handle.stop()]);
    await handle.stop();
    await service.stop();
    const restarted = await service.start();

    // Assert
    expect(started[0]!.stops).toBe(1);
    expect(started[0]!.server.listening).toBe(false);
    expect(restarted).not.toBe(handle);
    expect(started).toHaveLength(2);
    await service.stop();
    expect(started[1]!.stops).toBe(1);
  });

  it('should retry after a failed start', async () => {
    // Arrange
    let attempts = 0;
    const service = createServiceDefinition(
      'cache',
      {
        embedded: async () => {
          attempts += 1;
          if (attempts === 1) throw new Error('port in use');
          return track();
        },
      },
      environment({}),
    );

    // Act
    const error = await failure(service.start());
    const handle = await service.start();
    await handle.stop();

    // Assert
    expect(error.message).toContain('the embedded option failed: port in use.');
    expect(handle.kind).toBe('embedded');
  });
});
describe('createPostgresService', () => {
  it('should name the missing pglite-socket peer when only PGlite is installed', async () => {
    // Arrange
    const service = createPostgresService(
      { container: false },
      environment(
        {},
        {
          loadModule: (specifier) =>
            specifier === '@electric-sql/pglite-socket' ? loadFromEmptyProject(specifier) : nativeRequire(specifier),
        },
      ),
    );

    // Act
    const error = await failure(service.start());

    // Assert
    expect(error.code).toBe('TEST_MODES_MISSING_PEER');
    expect(error.message).toMatch(
      /^\[test-modes\] Failed to start service "postgres": @electric-sql\/pglite-socket is not installed\. Install it with npm i -D @electric-sql\/pglite-socket, or set DATABASE_URL to the URL of a running postgres, or give the service a container option\./,
    );
  });
});
