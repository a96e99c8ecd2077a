import { SpanKind, type Attributes } from '@opentelemetry/api';
import type { Database, Sql } from '../database.ts';
import type { ServiceTracing } from './service-tracing.ts';

/**
 * A short name for a statement, as OpenTelemetry's database conventions name spans
 * (`{operation} {target}`): `SELECT orders`, `INSERT order_lines`, `SET`, `BEGIN`.
 *
 * @example
 * querySummary('SELECT id FROM orders WHERE id = $1') // 'SELECT orders'
 */
export function querySummary(text: string): string {
  const statement = text.trim().replace(/\s+/g, ' ');
  const operation = (/^\w+/.exec(statement)?.[0] ?? 'QUERY').toUpperCase();
  const target =
    operation === 'INSERT'
      ? /^INSERT INTO (\w+)/i.exec(statement)?.[1]
      : operation === 'UPDATE'
        ? /^UPDATE (\w+)/i.exec(statement)?.[1]
        : /\bFROM (\w+)/i.exec(statement)?.[1];
  return target === undefined ? operation : `${operation} ${target}`;
}

function queryAttributes(database: Database, text: string): Attributes {
  // The parameterised text only: values travel as parameters and are never recorded.
  return {
    'db.system.name': 'postgresql',
    'db.query.summary': querySummary(text),
    'db.query.text': text.trim().replace(/\s+/g, ' '),
    'db.namespace': database.backend,
  };
}

function tracedSql(sql: Sql, database: Database, tracing: ServiceTracing): Sql {
  return {
    query: (text, values) =>
      tracing.inSpan(querySummary(text), { kind: SpanKind.CLIENT, attributes: queryAttributes(database, text) }, async (span) => {
        const result = await sql.query(text, values);
        if (typeof result.rowCount === 'number') span.setAttribute('db.response.returned_rows', result.rowCount);
        return result;
      }),
  } as Sql;
}

/**
 * `database` with a client span for every statement run through `withTenant()` and for `ping()`,
 * children of the span active when they run (the request's server span). The tenant transaction's
 * own statements (`BEGIN`, the role and tenant settings, `COMMIT`) run inside `withTenant()` and are
 * not traced one by one.
 *
 * @example
 * const traced = traceDatabase(database, tracing)
 * await traced.withTenant(tenantId, (sql) => sql.query('SELECT * FROM orders')) // a span "SELECT orders"
 */
export function traceDatabase(database: Database, tracing: ServiceTracing): Database {
  // Everything else (close(), the service's own transactions, what later versions add) is the
  // database's own, through the prototype.
  const traced: Database = Object.create(database) as Database;
  return Object.assign(traced, {
    withTenant: <T>(tenantId: string, work: (sql: Sql) => Promise<T>): Promise<T> =>
      database.withTenant(tenantId, (sql) => work(tracedSql(sql, database, tracing))),
    ping: (): Promise<void> =>
      tracing.inSpan('SELECT', { kind: SpanKind.CLIENT, attributes: queryAttributes(database, 'SELECT 1') }, () => database.ping()),
  });
}
