import { isIP } from 'node:net';
import type * as PGliteModule from '@electric-sql/pglite';
import type { PGlite } from '@electric-sql/pglite';
import type * as Testcontainers from 'testcontainers';
import type * as PGliteSocket from '@electric-sql/pglite-socket';
import { checks, type OptionCheck } from '@proving-ground/kit';
import { createServiceDefinition, defaultServiceEnvironment } from './define-service.js';
import { checkUrlOption, describeInvalidServiceName, validateServiceOptions } from './options.js';
import type {
  ServiceContext,
  ServiceDefinition,
  ServiceEnvironment,
  ServiceHandle,
  StartedService,
  TestcontainersModule,
} from './types.js';

/** The image the container option runs unless told otherwise. */
export const DEFAULT_POSTGRES_IMAGE = 'postgres:18-alpine';

/**
 * How many client connections the embedded server accepts at once. PGlite is a single session and
 * the socket server queues each wire message on its own, so the extended-protocol messages of two
 * connections (Parse/Bind/Execute of unnamed statements) can interleave outside a transaction. One
 * connection is the safe default: give `pg.Pool` `max: 1`. Raise it only for clients that do not
 * overlap such exchanges.
 */
export const DEFAULT_EMBEDDED_MAX_CONNECTIONS = 1;

/** Options of {@link postgresService}; every option is optional. */
export interface PostgresServiceOptions {
  /** The service's name, for messages and `TEST_SERVICE_<NAME>`. Default `postgres`. */
  name?: string;
  /** The environment variable holding an explicit connection string, or a function. Default `DATABASE_URL`. */
  url?: string | (() => string | undefined);
  /** The image of the container option. Default `postgres:18-alpine`. */
  image?: string;
  /** Offer the container option at all. Default `true`. */
  container?: boolean;
  /** Client connections the embedded server accepts at once (more are refused). Default 20. */
  maxConnections?: number;
}

/** The part of a PGlite instance most tests need, typed without the optional peer. */
export interface EmbeddedPostgres {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: Row[] }>;
  exec(sql: string): Promise<unknown>;
}

/** A running PostgreSQL service. */
export interface PostgresServiceHandle extends ServiceHandle {
  /**
   * The embedded database (a PGlite instance), to inspect or seed it without a client; undefined
   * for the other kinds. Narrow it with `as PGlite` from `@electric-sql/pglite` for the full API.
   */
  readonly pglite: EmbeddedPostgres | undefined;
}

const POSTGRES_OPTION_CHECKS: Record<keyof PostgresServiceOptions, OptionCheck> = {
  name: (value) => describeInvalidServiceName(value),
  url: checkUrlOption,
  image: (value) =>
    typeof value === 'string' && value.trim() !== '' && !/\s/.test(value)
      ? undefined
      : `expected an image reference such as "${DEFAULT_POSTGRES_IMAGE}", got ${JSON.stringify(value)}`,
  container: checks.boolean(),
  maxConnections: (value) =>
    typeof value === 'number' && Number.isInteger(value) && value >= 1
      ? undefined
      : `expected a whole number of at least 1, got ${JSON.stringify(value)}`,
};

function startPostgresContainer(image: string) {
  return async (module: TestcontainersModule): Promise<StartedService> => {
    const testcontainers = module as unknown as typeof Testcontainers;
    const container = await new testcontainers.GenericContainer(image)
      .withEnvironment({ POSTGRES_USER: 'postgres', POSTGRES_PASSWORD: 'postgres', POSTGRES_DB: 'postgres' })
      .withExposedPorts(5432)
      // The entrypoint starts a temporary server for initialisation first, so readiness is the second line.
      .withWaitStrategy(testcontainers.Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start();
    const host = container.getHost();
    const hostInUrl = isIP(host) === 6 ? `[${host}]` : host;
    return {
      url: `postgres://postgres:postgres@${hostInUrl}:${container.getMappedPort(5432)}/postgres`,
      stop: async () => {
        await container.stop();
      },
    };
  };
}

function startEmbeddedPostgres(maxConnections: number, onStarted: (db: PGlite | undefined) => void) {
  return async (context: ServiceContext): Promise<StartedService> => {
    const { PGlite } = context.requirePeer<typeof PGliteModule>('@electric-sql/pglite');
    const { PGLiteSocketServer } = context.requirePeer<typeof PGliteSocket>('@electric-sql/pglite-socket');
    const db = await PGlite.create();
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
    try {
      await server.start();
    } catch (error) {
      await db.close();
      throw error;
    }
    // getServerConn() is "host:port" once listening; port 0 was replaced by the port the OS chose.
    const port = server.getServerConn().split(':').at(-1);
    onStarted(db);
    return {
      // PGlite has one role and one database, both "postgres", and accepts any user, database and password.
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      stop: async () => {
        onStarted(undefined);
        await server.stop();
        await db.close();
      },
    };
  };
}

/**
 * Create the PostgreSQL preset against an explicit environment. {@link postgresService} uses the real one.
 *
 * @internal
 * @example
 * const db = createPostgresService({}, { ...defaultServiceEnvironment, env: () => ({}) })
 */
export function createPostgresService(
  options: PostgresServiceOptions,
  environment: ServiceEnvironment,
): ServiceDefinition<PostgresServiceHandle> {
  validateServiceOptions(`service "${typeof options?.name === 'string' ? options.name : 'postgres'}"`, options, POSTGRES_OPTION_CHECKS);
  const {
    name = 'postgres',
    url = 'DATABASE_URL',
    image = DEFAULT_POSTGRES_IMAGE,
    container = true,
    maxConnections = DEFAULT_EMBEDDED_MAX_CONNECTIONS,
  } = options;
  let pglite: PGlite | undefined;
  const service = createServiceDefinition(
    name,
    {
      url,
      ...(container ? { container: startPostgresContainer(image) } : {}),
      embedded: startEmbeddedPostgres(maxConnections, (db) => {
        pglite = db;
      }),
    },
    environment,
  );
  return {
    name,
    async start() {
      const handle = await service.start();
      // start() is memoized, so this decorates the one running handle (and keeps its identity).
      if (!('pglite' in handle))
        Object.defineProperty(handle, 'pglite', { value: handle.kind === 'embedded' ? pglite : undefined, enumerable: true });
      return handle as PostgresServiceHandle;
    },
    stop: () => service.stop(),
  };
}

/**
 * A PostgreSQL database for the run: `DATABASE_URL` when set; otherwise a `postgres:18-alpine`
 * container when `testcontainers` is installed and a Docker engine answers; otherwise PGlite (an
 * in-memory PostgreSQL compiled to WebAssembly) served on 127.0.0.1 over the PostgreSQL protocol,
 * which needs `@electric-sql/pglite` and `@electric-sql/pglite-socket`.
 *
 * The embedded server runs all connections on one PGlite session, one query at a time: an open
 * transaction makes other connections wait until it ends, and session state (`SET`, temporary
 * tables, named prepared statements) is shared between connections.
 *
 * @param options - `name`, `url` (variable name or function), `image`, `container`, `maxConnections`
 * @throws TestModesError `TEST_MODES_INVALID_SERVICE` listing every invalid option
 * @example
 * import { Client } from 'pg'
 * const postgres = postgresService()
 * let handle: PostgresServiceHandle
 * beforeAll(async () => { handle = await postgres.start() })
 * afterAll(() => handle.stop())
 * it('should store a ticket', async () => {
 *   const client = new Client({ connectionString: handle.url })
 *   await client.connect()
 *   await client.query('create table tickets (id serial primary key, title text)')
 *   await client.end()
 * })
 */
export function postgresService(options: PostgresServiceOptions = {}): ServiceDefinition<PostgresServiceHandle> {
  return createPostgresService(options, defaultServiceEnvironment);
}
