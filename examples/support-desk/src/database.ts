import pg from 'pg';
import type { QueryResult, QueryResultRow } from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.ts';
import { UUID_PATTERN } from './ids.ts';
import { migrate } from './migrations.ts';
import { Problem } from './problems.ts';
import { inTransaction } from './transactions.ts';

/** The role every tenant transaction runs as: not a superuser, not the owner, so row level security applies. */
export const APP_ROLE = 'support_desk_app';

/** The setting the row level security policies compare `tenant_id` with. */
export const TENANT_SETTING = 'app.tenant_id';

/** What tenant-scoped code may do with the database: run parameterised SQL. */
export interface Sql {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: readonly unknown[]): Promise<QueryResult<R>>;
}

/** The service's database: PGlite served on 127.0.0.1, or the Postgres server named by `DATABASE_URL`. */
export interface Database {
  /** `pglite` when embedded, `postgres` when given a connection string. */
  readonly backend: 'pglite' | 'postgres';
  /** Where the pool connects, password left out. */
  readonly location: string;
  /**
   * Run `work` in one transaction as {@link APP_ROLE}, with {@link TENANT_SETTING} set to
   * `tenantId`: every query sees and writes that tenant's rows only, WHERE clause or not.
   *
   * @throws RangeError when `tenantId` is not a UUID
   * @throws Problem `database-unavailable` when the connection is lost or cannot be made (the
   *   outcome of a lost commit is unknown)
   */
  withTenant<T>(tenantId: string, work: (sql: Sql) => Promise<T>): Promise<T>;
  /**
   * Run `work` in one transaction as the schema owner, outside any tenant: for the service's own
   * bookkeeping (the embedded message queue's table), never for tenant data. Errors pass through
   * as `pg` raised them. Optional so that wrappers of a database (tracing) may leave it out; the
   * embedded queue needs it, so give it the database `openDatabase()` returned.
   */
  withService?<T>(work: (sql: Sql) => Promise<T>): Promise<T>;
  /** Run `SELECT 1` on a pooled connection: resolves when the database answers (for `GET /health`). */
  ping(): Promise<void>;
  /** Close the pool, then stop the embedded server if there is one. */
  close(): Promise<void>;
}

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** A Postgres connection string; when left out, PGlite is started and served on 127.0.0.1. */
  url?: string | undefined;
  /** Where embedded PGlite keeps its files; in memory when left out. */
  dataDir?: string | undefined;
  /** Connections of the pool when `url` is given (pg's default, 10, when left out); 1 for a PGlite socket server. */
  poolSize?: number | undefined;
  /** Told about errors of idle pooled connections (the pool drops them and reconnects). */
  onIdleConnectionError?: ((error: Error) => void) | undefined;
}

/** Socket errors, and the SQLSTATE classes 08 (connection exception) and 57P (the server shut down). */
const CONNECTION_ERROR_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EMFILE', 'ENFILE']);

/**
 * Whether `error` means the database connection was lost or could not be made, rather than a
 * statement that failed: `pg` rejects with the socket's error, or with "Connection terminated"
 * when the server closed the connection.
 *
 * @example
 * isConnectionLost(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })) // true
 */
export function isConnectionLost(error: unknown): boolean {
  // Duck-typed: socket errors may come from another realm (a test runner's sandbox), where
  // `instanceof Error` is false.
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (CONNECTION_ERROR_CODES.has(code) || code.startsWith('08') || code.startsWith('57P'))) return true;
  return typeof message === 'string' && /^Connection terminated/.test(message);
}

function withoutPassword(connectionString: string): string {
  const url = new URL(connectionString);
  if (url.password !== '') url.password = '***';
  return url.toString();
}

/**
 * Connect to the database and bring its schema up to date.
 *
 * Both backends go through the same `pg` pool and the same SQL; only the connection string and
 * the pool size differ.
 *
 * @param options - `url` (usually `process.env.DATABASE_URL`); embedded PGlite without it
 * @example
 * const database = await openDatabase({ url: process.env.DATABASE_URL })
 * const orders = await database.withTenant(tenantId, (sql) => sql.query('SELECT * FROM orders'))
 * await database.close()
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let connectionString = options.url;
  if (connectionString === undefined || connectionString === '') {
    embedded = await startEmbeddedPostgres({ dataDir: options.dataDir });
    connectionString = embedded.connectionString;
  }
  const pool = new pg.Pool({
    connectionString,
    ...(embedded === undefined ? {} : { max: embedded.maxConnections, idleTimeoutMillis: 0 }),
    ...(embedded === undefined && options.poolSize !== undefined ? { max: options.poolSize } : {}),
  });
  pool.on('error', options.onIdleConnectionError ?? ((error) => process.emitWarning(error)));

  try {
    await migrate(pool);
  } catch (error) {
    await pool.end();
    await embedded?.stop();
    throw error;
  }

  let closed = false;
  return {
    backend: embedded === undefined ? 'postgres' : 'pglite',
    location: withoutPassword(connectionString),
    async withTenant(tenantId, work) {
      if (!UUID_PATTERN.test(tenantId)) throw new RangeError(`Failed to open a tenant transaction: "${tenantId}" is not a UUID.`);
      try {
        return await inTransaction(pool, async (client) => {
          await client.query(`SET LOCAL ROLE ${APP_ROLE}`);
          await client.query('SELECT set_config($1, $2, true)', [TENANT_SETTING, tenantId]);
          return work(client);
        });
      } catch (error) {
        if (error instanceof Problem || !isConnectionLost(error)) throw error;
        // The commit may or may not have reached the database: the client has to retry (safely,
        // with an Idempotency-Key where the route takes one), not assume either outcome.
        throw new Problem(
          'database-unavailable',
          'The connection to the database was lost before the outcome of this request was known. Retry it (with the same Idempotency-Key for POST /orders).',
          {},
          { cause: error },
        );
      }
    },
    async withService(work) {
      return inTransaction(pool, work);
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
      await embedded?.stop();
    },
  };
}
