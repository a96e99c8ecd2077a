import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Database } from './database.ts';
import { TENANT_PLANS, type TenantPlan } from './quotas/plans.ts';
import { inTenant, tenantFromRow } from './tenancy.ts';

/** Body of `POST /tenants`. */
export interface CreateTenantBody {
  name: string;
  /** The plan that sizes the tenant's quotas (src/quotas/); `starter` when left out. */
  plan?: TenantPlan;
}

const createTenantSchema = {
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' },
      plan: { type: 'string', enum: TENANT_PLANS },
    },
  },
} as const;

/**
 * Register the tenant routes:
 * - `POST /tenants` `{ name, plan? }` creates a tenant (no tenant header needed) and answers 201 with it;
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
        'INSERT INTO tenants (id, name, plan) VALUES ($1, $2, $3) RETURNING id, name, created_at',
        [id, request.body.name.trim(), request.body.plan ?? 'starter'],
      );
      return tenantFromRow(inserted.rows[0]!);
    });
    return reply.code(201).header('location', '/tenants/current').send(tenant);
  });

  app.get('/tenants/current', async (request) => inTenant(database, request, (_sql, tenant) => Promise.resolve(tenant)));
}
