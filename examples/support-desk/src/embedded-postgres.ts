import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** A PGlite database served over the Postgres wire protocol on 127.0.0.1. */
export interface EmbeddedPostgres {
  /** A `postgres://` connection string for `pg` or any other Postgres client. */
  readonly connectionString: string;
  /**
   * How many client connections the server accepts at once. PGlite is one Postgres session:
   * give a pool exactly this many connections.
   */
  readonly maxConnections: number;
  /** Stop the socket server, then close PGlite. Close every client connection first. */
  stop(): Promise<void>;
}

/** Options of {@link startEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /** Where PGlite keeps its files; in memory when left out. */
  dataDir?: string | undefined;
}

/**
 * Start PGlite and serve it with `PGLiteSocketServer` on 127.0.0.1, on a port the system picks.
 *
 * The server accepts a single connection. `PGLiteSocketServer` can multiplex several, but it
 * queues every wire message on its own, so the Parse/Bind/Execute messages of two connections
 * can interleave on PGlite's one session; one connection keeps every transaction whole.
 *
 * @example
 * const postgres = await startEmbeddedPostgres()
 * const pool = new pg.Pool({ connectionString: postgres.connectionString, max: postgres.maxConnections })
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const db = await PGlite.create(options.dataDir === undefined ? {} : { dataDir: options.dataDir });
  const maxConnections = 1;
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    throw error;
  }
  return {
    connectionString: `postgres://postgres@${server.getServerConn()}/postgres`,
    maxConnections,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
