import type { FastifyInstance } from 'fastify';
import type { Database, Sql } from './database.ts';
import type { FaqEntry } from './faq-knowledge.ts';
import { inTenant } from './tenancy.ts';

/** A knowledge-base entry of one tenant, as the API returns it. */
export interface TenantFaqEntry extends FaqEntry {
  createdAt: string;
}

/** Body of `POST /faq/entries`. */
export interface CreateFaqEntryBody {
  question: string;
  keywords: string[];
  answer: string;
}

interface FaqEntryRow {
  id: string;
  question: string;
  keywords: string[];
  answer: string;
  created_at: Date;
}

const ENTRY_COLUMNS = 'id, question, keywords, answer, created_at';

function entryFromRow(row: FaqEntryRow): TenantFaqEntry {
  return { id: row.id, question: row.question, keywords: row.keywords, answer: row.answer, createdAt: row.created_at.toISOString() };
}

const createEntrySchema = {
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['question', 'keywords', 'answer'],
    properties: {
      question: { type: 'string', minLength: 1, maxLength: 500, pattern: '\\S' },
      keywords: {
        type: 'array',
        minItems: 1,
        maxItems: 20,
        items: { type: 'string', minLength: 2, maxLength: 40, pattern: '^\\S+$' },
      },
      answer: { type: 'string', minLength: 1, maxLength: 4000, pattern: '\\S' },
    },
  },
} as const;

/**
 * The knowledge-base entries of the tenant whose transaction `sql` runs in, oldest first. The
 * query has no tenant condition: row level security returns this tenant's rows only.
 *
 * @example
 * const own = await database.withTenant(tenantId, (sql) => tenantFaqEntries(sql))
 */
export async function tenantFaqEntries(sql: Sql): Promise<TenantFaqEntry[]> {
  const found = await sql.query<FaqEntryRow>(`SELECT ${ENTRY_COLUMNS} FROM faq_entries ORDER BY created_at, id`);
  return found.rows.map(entryFromRow);
}

/**
 * Register the tenant knowledge-base routes, scoped to the tenant of the `x-tenant-id` header:
 * - `POST /faq/entries` `{ question, keywords, answer }`: 201 with the entry (keywords lowercased);
 *   `POST /faq` answers from it for this tenant only;
 * - `GET /faq/entries`: the tenant's own entries, oldest first.
 *
 * @example
 * registerFaqEntryRoutes(app, database)
 */
export function registerFaqEntryRoutes(app: FastifyInstance, database: Database): void {
  app.post<{ Body: CreateFaqEntryBody }>('/faq/entries', { schema: createEntrySchema }, async (request, reply) => {
    const body = request.body;
    const entry = await inTenant(database, request, async (sql, tenant) => {
      const inserted = await sql.query<FaqEntryRow>(
        `INSERT INTO faq_entries (tenant_id, question, keywords, answer) VALUES ($1, $2, $3, $4) RETURNING ${ENTRY_COLUMNS}`,
        [tenant.id, body.question.trim(), body.keywords.map((keyword) => keyword.toLowerCase()), body.answer.trim()],
      );
      return entryFromRow(inserted.rows[0]!);
    });
    return reply.code(201).send(entry);
  });

  app.get('/faq/entries', async (request) => ({ entries: await inTenant(database, request, (sql) => tenantFaqEntries(sql)) }));
}
