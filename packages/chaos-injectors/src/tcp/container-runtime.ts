import { firstLine, isModuleNotFound, nativeRequireFromProject } from '@proving-ground/kit';
import { ChaosError } from '../errors.js';

/**
 * What stops a container for {@link proxyContainer}. testcontainers' own `stop()` remembers a
 * container it stopped and never stops it again (a second `stop()` after a `restart()` returns at
 * once), so the container is stopped through the container runtime instead.
 *
 * @example
 * const runtime: ContainerRuntime = { stop: async (id, { timeout }) => { await docker.getContainer(id).stop({ t: timeout / 1000 }) } }
 */
export interface ContainerRuntime {
  /** Stop the container `containerId` without removing it; `timeout` ms before it is killed. */
  stop(containerId: string, options: { timeout: number }): Promise<void>;
}

/** The part of the `testcontainers` module this adapter uses. */
interface TestcontainersModule {
  getContainerRuntimeClient(): Promise<{
    container: {
      getById(id: string): unknown;
      stop(container: unknown, options: { timeout: number }): Promise<void>;
    };
  }>;
}

const PEER = 'testcontainers';

/**
 * @internal The default {@link ContainerRuntime}: testcontainers' runtime client, with `testcontainers`
 * (an optional peer) loaded on the first `stop()`, from the user's project first.
 */
export function testcontainersRuntime(load: (specifier: string) => unknown = nativeRequireFromProject): ContainerRuntime {
  let module: TestcontainersModule | undefined;
  const loadModule = (action: string): TestcontainersModule => {
    if (module !== undefined) return module;
    try {
      module = load(PEER) as TestcontainersModule;
    } catch (error) {
      if (!isModuleNotFound(error, PEER)) throw error;
      throw new ChaosError(
        'CHAOS_MISSING_PEER',
        {
          action,
          reason: `${PEER} is not installed (an optional peer, needed only to stop a container behind the proxy)`,
          fix: `Install it with npm i -D ${PEER}, or pass { runtime } to proxyContainer() to stop the container another way.`,
        },
        { cause: error },
      );
    }
    return module;
  };
  return {
    async stop(containerId, { timeout }) {
      const action = `stop the container ${containerId.slice(0, 12)}`;
      const testcontainers = loadModule(action);
      let client: Awaited<ReturnType<TestcontainersModule['getContainerRuntimeClient']>>;
      try {
        client = await testcontainers.getContainerRuntimeClient();
      } catch (error) {
        throw new ChaosError(
          'CHAOS_CONTAINER_FAILED',
          {
            action,
            reason: `no container runtime answered (${firstLine(error)})`,
            fix: 'Start Docker (or set DOCKER_HOST), as for starting the container.',
          },
          { cause: error },
        );
      }
      try {
        await client.container.stop(client.container.getById(containerId), { timeout });
      } catch (error) {
        throw new ChaosError(
          'CHAOS_CONTAINER_FAILED',
          { action, reason: firstLine(error), fix: 'Check that the container still exists (`docker ps -a`).' },
          { cause: error },
        );
      }
    },
  };
}
