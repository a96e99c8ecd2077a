import type { FastifyInstance } from 'fastify';
import type { Database } from './database.ts';
import { problem } from './problems.ts';
import { inTenant } from './tenancy.ts';

/** Where a lead came from. */
export const LEAD_SOURCES = ['web', 'referral', 'event', 'partner'] as const;
/** Where a lead is in the sales pipeline. */
export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'converted', 'lost'] as const;

/** One of {@link LEAD_SOURCES}. */
export type LeadSource = (typeof LEAD_SOURCES)[number];
/** One of {@link LEAD_STATUSES}. */
export type LeadStatus = (typeof LEAD_STATUSES)[number];

/**
 * The moves the pipeline allows: forward one step, or out to `lost`. `converted` and `lost` are
 * final.
 */
export const LEAD_TRANSITIONS: Readonly<Record<LeadStatus, readonly LeadStatus[]>> = {
  new: ['contacted', 'lost'],
  contacted: ['qualified', 'lost'],
  qualified: ['converted', 'lost'],
  converted: [],
  lost: [],
};

/** A prospective customer of a tenant, as the API returns it. */
export interface Lead {
  id: string;
  email: string;
  name: string;
  company: string | null;
  phone: string | null;
  source: LeadSource;
  status: LeadStatus;
  createdAt: string;
  updatedAt: string;
}

/** Body of `POST /leads`. */
export interface CreateLeadBody {
  email: string;
  name: string;
  company?: string;
  phone?: string;
  source: LeadSource;
}

interface LeadRow {
  id: string;
  email: string;
  name: string;
  company: string | null;
  phone: string | null;
  source: LeadSource;
  status: LeadStatus;
  created_at: Date;
  updated_at: Date;
}

const LEAD_COLUMNS = 'id, email, name, company, phone, source, status, created_at, updated_at';
const UNIQUE_VIOLATION = '23505';

function leadFromRow(row: LeadRow): Lead {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    company: row.company,
    phone: row.phone,
    source: row.source,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/**
 * Whether a lead may move from `from` to `to` (see {@link LEAD_TRANSITIONS}).
 *
 * @example
 * canMoveLead('new', 'contacted') // true
 * canMoveLead('lost', 'new') // false
 */
export function canMoveLead(from: LeadStatus, to: LeadStatus): boolean {
  return LEAD_TRANSITIONS[from].includes(to);
}

const createLeadSchema = {
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['email', 'name', 'source'],
    properties: {
      email: { type: 'string', format: 'email', maxLength: 320 },
      name: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' },
      company: { type: 'string', minLength: 1, maxLength: 200 },
      // E.164: a plus, a country code and the number, digits only.
      phone: { type: 'string', pattern: '^\\+[1-9][0-9]{6,14}$' },
      source: { type: 'string', enum: LEAD_SOURCES },
    },
  },
} as const;

const leadIdSchema = {
  params: {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string', format: 'uuid' } },
  },
} as const;

const listLeadsSchema = {
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: { status: { type: 'string', enum: LEAD_STATUSES } },
  },
} as const;

const moveLeadSchema = {
  ...leadIdSchema,
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['status'],
    properties: { status: { type: 'string', enum: LEAD_STATUSES } },
  },
} as const;

/**
 * Register the lead routes, all scoped to the tenant of the `x-tenant-id` header:
 * - `POST /leads` `{ email, name, company?, phone?, source }`: 201, or 409 when the email is
 *   already a lead of this tenant;
 * - `GET /leads?status=`: the tenant's leads, newest first;
 * - `GET /leads/:id`: one lead, 404 when the tenant has no such lead;
 * - `PATCH /leads/:id` `{ status }`: move it along the pipeline, 409 for a move
 *   {@link LEAD_TRANSITIONS} does not allow.
 *
 * @example
 * registerLeadRoutes(app, database)
 */
export function registerLeadRoutes(app: FastifyInstance, database: Database): void {
  app.post<{ Body: CreateLeadBody }>('/leads', { schema: createLeadSchema }, async (request, reply) => {
    const body = request.body;
    const email = body.email.toLowerCase();
    const lead = await inTenant(database, request, async (sql, tenant) => {
      try {
        const inserted = await sql.query<LeadRow>(
          `INSERT INTO leads (tenant_id, email, name, company, phone, source) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${LEAD_COLUMNS}`,
          [tenant.id, email, body.name.trim(), body.company?.trim() ?? null, body.phone ?? null, body.source],
        );
        return leadFromRow(inserted.rows[0]!);
      } catch (error) {
        if ((error as { code?: unknown }).code === UNIQUE_VIOLATION) {
          throw problem('conflict', 'A lead with this email already exists in this tenant.', { pointer: '/body/email' });
        }
        throw error;
      }
    });
    return reply.code(201).header('location', `/leads/${lead.id}`).send(lead);
  });

  app.get<{ Querystring: { status?: LeadStatus } }>('/leads', { schema: listLeadsSchema }, async (request) => {
    const leads = await inTenant(database, request, async (sql) => {
      // No tenant filter here: row level security returns this tenant's leads only.
      const found = await sql.query<LeadRow>(
        `SELECT ${LEAD_COLUMNS} FROM leads WHERE ($1::text IS NULL OR status = $1) ORDER BY created_at DESC, id`,
        [request.query.status ?? null],
      );
      return found.rows.map(leadFromRow);
    });
    return { leads };
  });

  app.get<{ Params: { id: string } }>('/leads/:id', { schema: leadIdSchema }, async (request) =>
    inTenant(database, request, async (sql) => {
      const found = await sql.query<LeadRow>(`SELECT ${LEAD_COLUMNS} FROM leads WHERE id = $1`, [request.params.id]);
      const row = found.rows[0];
      if (row === undefined) throw problem('not-found', `No lead has the id ${request.params.id} in this tenant.`);
      return leadFromRow(row);
    }),
  );

  app.patch<{ Params: { id: string }; Body: { status: LeadStatus } }>('/leads/:id', { schema: moveLeadSchema }, async (request) =>
    inTenant(database, request, async (sql) => {
      const found = await sql.query<LeadRow>(`SELECT ${LEAD_COLUMNS} FROM leads WHERE id = $1 FOR UPDATE`, [request.params.id]);
      const row = found.rows[0];
      if (row === undefined) throw problem('not-found', `No lead has the id ${request.params.id} in this tenant.`);
      const to = request.body.status;
      if (!canMoveLead(row.status, to)) {
        const allowed = LEAD_TRANSITIONS[row.status];
        throw problem(
          'invalid-transition',
          `A ${row.status} lead cannot become ${to}. ${allowed.length === 0 ? `${row.status} is final.` : `It can become: ${allowed.join(', ')}.`}`,
          { currentStatus: row.status, allowedStatuses: allowed },
        );
      }
      const updated = await sql.query<LeadRow>(
        `UPDATE leads SET status = $2, updated_at = clock_timestamp() WHERE id = $1 RETURNING ${LEAD_COLUMNS}`,
        [row.id, to],
      );
      return leadFromRow(updated.rows[0]!);
    }),
  );
}
