import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyRequest } from 'fastify';
import type { Database, Sql } from './database.ts';
import { isUuid } from './ids.ts';
import { problem } from './problems.ts';

/** The request header that names the tenant a request acts for. */
export const TENANT_HEADER = 'x-tenant-id';

/** The tenant a request acts for, as stored. */
export interface Tenant {
  id: string;
  name: string;
  createdAt: string;
}

/**
 * The tenant id from the {@link TENANT_HEADER} header of `request` (an HTTP request, or a socket's upgrade request).
 *
 * @throws Problem `tenant-required` when the header is missing, repeated or not a UUID
 * @example
 * const tenantId = tenantIdOf(request)
 */
export function tenantIdOf(request: { headers: IncomingHttpHeaders }): string {
  const value = request.headers[TENANT_HEADER];
  if (value === undefined) {
    throw problem('tenant-required', `The ${TENANT_HEADER} header is missing. Send the id returned by POST /tenants.`);
  }
  if (!isUuid(value)) {
    throw problem('tenant-required', `The ${TENANT_HEADER} header must be one tenant id (a UUID), got "${String(value)}".`);
  }
  return value.toLowerCase();
}

/** Read a tenant row into its API shape. */
export function tenantFromRow(row: { id: string; name: string; created_at: Date }): Tenant {
  return { id: row.id, name: row.name, createdAt: row.created_at.toISOString() };
}

/**
 * Run `work` in a transaction scoped to the tenant of `request` (see {@link Database.withTenant}),
 * after checking that the tenant exists.
 *
 * @throws Problem `tenant-required` for a bad header, `unknown-tenant` for an id no tenant has
 * @example
 * const users = await inTenant(database, request, (sql) => sql.query('SELECT * FROM users'))
 */
export async function inTenant<T>(database: Database, request: FastifyRequest, work: (sql: Sql, tenant: Tenant) => Promise<T>): Promise<T> {
  const tenantId = tenantIdOf(request);
  return database.withTenant(tenantId, async (sql) => {
    const found = await sql.query<{ id: string; name: string; created_at: Date }>(
      'SELECT id, name, created_at FROM tenants WHERE id = $1',
      [tenantId],
    );
    const row = found.rows[0];
    if (row === undefined) throw problem('unknown-tenant', `No tenant has the id ${tenantId}.`);
    return work(sql, tenantFromRow(row));
  });
}
