import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Database } from './database.ts';
import { inTenant, tenantFromRow } from './tenancy.ts';

/** Body of `POST /tenants`. */
export interface CreateTenantBody {
  name: string;
}

const createTenantSchema = {
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: { name: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' } },
  },
} as const;

/**
 * Register the tenant routes:
 * - `POST /tenants` `{ name }` creates a tenant (no tenant header needed) and answers 201 with it;
 * - `GET /tenants/current` answers the tenant named by the `x-tenant-id` header.
 *
 * @example
 * registerTenantRoutes(app, database)
 */
export function registerTenantRoutes(app: FastifyInstance, database: Database): void {
  app.post<{ Body: CreateTenantBody }>('/tenants', { schema: createTenantSchema }, async (request, reply) => {
    const id = randomUUID();
    // The new tenant's own scope is the only one whose row level security policy admits its row.
    const tenant = await database.withTenant(id, async (sql) => {
      const inserted = await sql.query<{ id: string; name: string; created_at: Date }>(
        'INSERT INTO tenants (id, name) VALUES ($1, $2) RETURNING id, name, created_at',
        [id, request.body.name.trim()],
      );
      return tenantFromRow(inserted.rows[0]!);
    });
    return reply.code(201).header('location', '/tenants/current').send(tenant);
  });

  app.get('/tenants/current', async (request) => inTenant(database, request, (_sql, tenant) => Promise.resolve(tenant)));
}
