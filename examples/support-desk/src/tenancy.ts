import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { isLiveApiKey, parseApiKey, type ParsedApiKey } from './api-key-credentials.ts';
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
 * The tenant id from the {@link TENANT_HEADER} header of `request` (an HTTP request, or a socket's
 * upgrade request), or else the tenant named by its API key (`Authorization: Bearer sdk_…`), not
 * checked yet: {@link inTenant} checks the key.
 *
 * @throws Problem `tenant-required` when neither is there, or the header is repeated or not a UUID
 * @example
 * const tenantId = tenantIdOf(request)
 */
export function tenantIdOf(request: { headers: IncomingHttpHeaders }): string {
  const value = request.headers[TENANT_HEADER];
  if (value === undefined) {
    const key = parseApiKey(request.headers.authorization);
    if (key !== undefined) return key.tenantId;
    throw problem(
      'tenant-required',
      `The ${TENANT_HEADER} header is missing. Send the id returned by POST /tenants, or an API key as Authorization: Bearer.`,
    );
  }
  if (!isUuid(value)) {
    throw problem('tenant-required', `The ${TENANT_HEADER} header must be one tenant id (a UUID), got "${String(value)}".`);
  }
  return value.toLowerCase();
}

/**
 * The tenant `request` names (header or API key), or `undefined` when it names none validly: for
 * code that must not fail the request itself (the rate limiter), the route answers it.
 *
 * @example
 * const tenantId = requestedTenantId(request) // undefined without a valid x-tenant-id or key
 */
export function requestedTenantId(request: { headers: IncomingHttpHeaders }): string | undefined {
  try {
    return tenantIdOf(request);
  } catch {
    return undefined;
  }
}

/** Read a tenant row into its API shape. */
export function tenantFromRow(row: { id: string; name: string; created_at: Date }): Tenant {
  return { id: row.id, name: row.name, createdAt: row.created_at.toISOString() };
}

/**
 * The one answer for every bad credential (an unknown, revoked, malformed or misdirected key):
 * which part was wrong is not the caller's to learn.
 *
 * @example
 * if (!(await isLiveApiKey(sql, key.secret))) throw invalidCredentials()
 */
export function invalidCredentials(): Error {
  return problem(
    'invalid-credentials',
    'The API key is not valid, was revoked, or is not for this tenant. Create one with POST /tenants/current/api-keys.',
  );
}

/**
 * The tenant a request (an HTTP request, or a socket's upgrade request) acts for and the API key it
 * sent, if any, checked as far as it can be without the database: a malformed key, or one issued
 * to another tenant than the header names, is refused. The caller checks the key is live.
 *
 * @throws Problem `invalid-credentials`, or `tenant-required` (see {@link tenantIdOf})
 * @example
 * const { tenantId, key } = requestCredentials(request)
 */
export function requestCredentials(request: { headers: IncomingHttpHeaders }): { tenantId: string; key: ParsedApiKey | undefined } {
  const authorization = request.headers.authorization;
  const key = parseApiKey(authorization);
  if (authorization !== undefined && key === undefined) throw invalidCredentials();
  const tenantId = tenantIdOf(request);
  if (key !== undefined && key.tenantId !== tenantId) throw invalidCredentials();
  return { tenantId, key };
}

/**
 * Run `work` in a transaction scoped to the tenant of `request` (see {@link Database.withTenant}),
 * after checking that the tenant exists and, when the request carries an `Authorization` header,
 * that it is a live API key of that tenant (src/api-keys.ts), checked in the same transaction.
 *
 * @throws Problem `tenant-required` for a bad header, `unknown-tenant` for an id no tenant has,
 *   `invalid-credentials` for an Authorization that is not a live key of the tenant
 * @example
 * const users = await inTenant(database, request, (sql) => sql.query('SELECT * FROM users'))
 */
export async function inTenant<T>(database: Database, request: FastifyRequest, work: (sql: Sql, tenant: Tenant) => Promise<T>): Promise<T> {
  const { tenantId, key } = requestCredentials(request);
  return database.withTenant(tenantId, async (sql) => {
    const found = await sql.query<{ id: string; name: string; created_at: Date }>(
      'SELECT id, name, created_at FROM tenants WHERE id = $1',
      [tenantId],
    );
    const row = found.rows[0];
    if (key !== undefined && (row === undefined || !(await isLiveApiKey(sql, key.secret)))) throw invalidCredentials();
    if (row === undefined) throw problem('unknown-tenant', `No tenant has the id ${tenantId}.`);
    return work(sql, tenantFromRow(row));
  });
}
