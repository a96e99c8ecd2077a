import type { FastifyInstance } from 'fastify';
import type { Database } from './database.ts';
import { problem } from './problems.ts';
import { inTenant } from './tenancy.ts';

/** A user of a tenant: someone who places orders and asks questions. */
export interface User {
  id: string;
  email: string;
  name: string;
  createdAt: string;
}

/** Body of `POST /users`. */
export interface CreateUserBody {
  email: string;
  name: string;
}

interface UserRow {
  id: string;
  email: string;
  name: string;
  created_at: Date;
}

const UNIQUE_VIOLATION = '23505';

function userFromRow(row: UserRow): User {
  return { id: row.id, email: row.email, name: row.name, createdAt: row.created_at.toISOString() };
}

const createUserSchema = {
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['email', 'name'],
    properties: {
      email: { type: 'string', format: 'email', maxLength: 320 },
      name: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' },
    },
  },
} as const;

const userIdSchema = {
  params: {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string', format: 'uuid' } },
  },
} as const;

/**
 * Register the user routes, all scoped to the tenant of the `x-tenant-id` header:
 * `POST /users` (201, or 409 when the email is taken in this tenant), `GET /users`, `GET /users/:id`.
 *
 * @example
 * registerUserRoutes(app, database)
 */
export function registerUserRoutes(app: FastifyInstance, database: Database): void {
  app.post<{ Body: CreateUserBody }>('/users', { schema: createUserSchema }, async (request, reply) => {
    const email = request.body.email.toLowerCase();
    const user = await inTenant(database, request, async (sql, tenant) => {
      try {
        const inserted = await sql.query<UserRow>(
          'INSERT INTO users (tenant_id, email, name) VALUES ($1, $2, $3) RETURNING id, email, name, created_at',
          [tenant.id, email, request.body.name.trim()],
        );
        return userFromRow(inserted.rows[0]!);
      } catch (error) {
        if ((error as { code?: unknown }).code === UNIQUE_VIOLATION) {
          // The address stays out of the answer: problem details end up in logs and client error reports.
          throw problem('conflict', 'A user with this email already exists in this tenant.', { pointer: '/body/email' });
        }
        throw error;
      }
    });
    return reply.code(201).header('location', `/users/${user.id}`).send(user);
  });

  app.get('/users', async (request) => {
    const users = await inTenant(database, request, async (sql) => {
      // No tenant filter here: row level security returns this tenant's users only.
      const found = await sql.query<UserRow>('SELECT id, email, name, created_at FROM users ORDER BY created_at, email');
      return found.rows.map(userFromRow);
    });
    return { users };
  });

  app.get<{ Params: { id: string } }>('/users/:id', { schema: userIdSchema }, async (request) =>
    inTenant(database, request, async (sql) => {
      const found = await sql.query<UserRow>('SELECT id, email, name, created_at FROM users WHERE id = $1', [request.params.id]);
      const row = found.rows[0];
      if (row === undefined) throw problem('not-found', `No user has the id ${request.params.id} in this tenant.`);
      return userFromRow(row);
    }),
  );
}
