import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { API_KEY_PREFIX, secretHash } from './api-key-credentials.ts';
import type { Database } from './database.ts';
import { problem } from './problems.ts';
import { inTenant } from './tenancy.ts';

/** A tenant's API key as listed: never its secret. */
export interface ApiKey {
  id: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
}

/** What `POST /tenants/current/api-keys` answers: the key, this once. */
export interface CreatedApiKey extends ApiKey {
  key: string;
}

interface ApiKeyRow {
  id: string;
  name: string;
  created_at: Date;
  revoked_at: Date | null;
}

function apiKeyFromRow(row: ApiKeyRow): ApiKey {
  return { id: row.id, name: row.name, createdAt: row.created_at.toISOString(), revokedAt: row.revoked_at?.toISOString() ?? null };
}

const createKeySchema = {
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: { name: { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' } },
  },
} as const;

const keyIdSchema = {
  params: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } },
} as const;

/**
 * Register the API key routes of the tenant a request acts for:
 * - `POST /tenants/current/api-keys` `{ name }`: 201 with the key (`sdk_…`), shown this once; only
 *   its hash is stored;
 * - `GET /tenants/current/api-keys`: the tenant's keys, oldest first, without secrets;
 * - `DELETE /tenants/current/api-keys/:id`: revoke a key (204); requests with it answer 401 from then on.
 *
 * A request authenticates with `Authorization: Bearer <key>` instead of the `x-tenant-id` header
 * (see `inTenant`).
 *
 * @example
 * registerApiKeyRoutes(app, database)
 */
export function registerApiKeyRoutes(app: FastifyInstance, database: Database): void {
  app.post<{ Body: { name: string } }>('/tenants/current/api-keys', { schema: createKeySchema }, async (request, reply) => {
    const created = await inTenant(database, request, async (sql, tenant) => {
      const secret = randomBytes(32).toString('base64url');
      const inserted = await sql.query<ApiKeyRow>(
        'INSERT INTO api_keys (tenant_id, name, secret_sha256) VALUES ($1, $2, $3) RETURNING id, name, created_at, revoked_at',
        [tenant.id, request.body.name.trim(), secretHash(secret)],
      );
      const key = `${API_KEY_PREFIX}${tenant.id.replaceAll('-', '')}_${secret}`;
      return { ...apiKeyFromRow(inserted.rows[0]!), key } satisfies CreatedApiKey;
    });
    return reply.code(201).send(created);
  });

  app.get('/tenants/current/api-keys', async (request) => {
    const apiKeys = await inTenant(database, request, async (sql) => {
      const found = await sql.query<ApiKeyRow>('SELECT id, name, created_at, revoked_at FROM api_keys ORDER BY created_at, id');
      return found.rows.map(apiKeyFromRow);
    });
    return { apiKeys };
  });

  app.delete<{ Params: { id: string } }>('/tenants/current/api-keys/:id', { schema: keyIdSchema }, async (request, reply) => {
    await inTenant(database, request, async (sql) => {
      const revoked = await sql.query(
        'UPDATE api_keys SET revoked_at = coalesce(revoked_at, clock_timestamp()) WHERE id = $1 RETURNING id',
        [request.params.id],
      );
      if (revoked.rowCount === 0) throw problem('not-found', `No API key has the id ${request.params.id} in this tenant.`);
    });
    return reply.code(204).send();
  });
}
