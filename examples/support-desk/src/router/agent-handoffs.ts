import type { FastifyInstance } from 'fastify';
import type { Database, Sql } from '../database.ts';
import { answerFaq } from '../faq-knowledge.ts';
import { problem } from '../problems.ts';
import { inTenant } from '../tenancy.ts';
import { AGENT_QUEUES, type AgentQueue, type Intent } from './intents.ts';
import type { IntentRouter, RoutingDecision } from './intent-router.ts';

/** A conversation waiting for a person in an agent queue. */
export interface AgentHandoff {
  id: string;
  conversationId: string;
  queue: AgentQueue;
  /** The intent the message that asked for a person was routed to. */
  intent: Intent;
  status: 'waiting';
  createdAt: string;
}

/** The answer of `POST /conversations/:id/route`. */
export interface RoutedMessage {
  intent: Intent;
  confidence: number;
  source: RoutingDecision['source'];
  /** What the customer is told (also stored in the conversation as the assistant's message). */
  reply: string;
  /** The hand-off the message started or joined, or null when the bot answers. */
  handoff: AgentHandoff | null;
}

/** The names customers see for each agent queue. */
const QUEUE_NAMES: Readonly<Record<AgentQueue, string>> = {
  billing: 'billing team',
  sales: 'sales team',
  customer_care: 'customer care team',
};

/** What the customer is told when the bot answers. */
function botReply(intent: Intent, text: string): string {
  switch (intent) {
    case 'order_status':
      return 'Your orders and their status are listed under My orders, and every status change is posted in this conversation.';
    case 'place_order':
      return 'Happy to help you order: tell me the products and quantities, and I will prepare the order for you.';
    case 'other':
      return 'Could you tell me a little more, so that I can send you to the right place?';
    default:
      return answerFaq(text);
  }
}

interface HandoffRow {
  id: string;
  conversation_id: string;
  queue: AgentQueue;
  intent: Intent;
  status: 'waiting';
  created_at: Date;
}

const HANDOFF_COLUMNS = 'id, conversation_id, queue, intent, status, created_at';

function handoffFromRow(row: HandoffRow): AgentHandoff {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    queue: row.queue,
    intent: row.intent,
    status: row.status,
    createdAt: row.created_at.toISOString(),
  };
}

/** The conversation's waiting hand-off, or a new one in `queue`: a customer is never queued twice. */
async function handOff(sql: Sql, tenantId: string, conversationId: string, queue: AgentQueue, intent: Intent): Promise<AgentHandoff> {
  const inserted = await sql.query<HandoffRow>(
    `INSERT INTO agent_handoffs (tenant_id, conversation_id, queue, intent) VALUES ($1, $2, $3, $4)
     ON CONFLICT (conversation_id) WHERE status = 'waiting' DO NOTHING RETURNING ${HANDOFF_COLUMNS}`,
    [tenantId, conversationId, queue, intent],
  );
  const row =
    inserted.rows[0] ??
    (
      await sql.query<HandoffRow>(`SELECT ${HANDOFF_COLUMNS} FROM agent_handoffs WHERE conversation_id = $1 AND status = 'waiting'`, [
        conversationId,
      ])
    ).rows[0]!;
  return handoffFromRow(row);
}

async function addMessage(
  sql: Sql,
  tenantId: string,
  conversationId: string,
  author: 'customer' | 'assistant',
  text: string,
): Promise<void> {
  await sql.query(`INSERT INTO conversation_messages (tenant_id, conversation_id, author, channel, text) VALUES ($1, $2, $3, 'http', $4)`, [
    tenantId,
    conversationId,
    author,
    text,
  ]);
}

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;
const routeBody = {
  type: 'object',
  additionalProperties: false,
  required: ['text'],
  properties: { text: { type: 'string', minLength: 1, maxLength: 4000, pattern: '\\S' } },
} as const;
const queueQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { queue: { type: 'string', enum: [...AGENT_QUEUES] } },
} as const;

/**
 * Register the intent router's routes, scoped to the tenant of the `x-tenant-id` header:
 * - `POST /conversations/:id/route` `{ text }`: stores the customer's message, routes it with
 *   `router` (outside any transaction: no connection is held while the model thinks), hands the
 *   conversation to an agent queue when a person must answer (joining the waiting hand-off if there
 *   is one), stores the reply, and answers 200 with {@link RoutedMessage}: a hand-off is good news
 *   for the customer, not an error;
 * - `GET /handoffs?queue=`: the waiting hand-offs, oldest first (the order agents take them).
 *
 * @example
 * registerRoutingRoutes(app, database, new IntentRouter({ llm: settings.llm }))
 */
export function registerRoutingRoutes(app: FastifyInstance, database: Database, router: IntentRouter): void {
  app.post<{ Params: { id: string }; Body: { text: string } }>(
    '/conversations/:id/route',
    { schema: { params: idParams, body: routeBody } },
    async (request): Promise<RoutedMessage> => {
      const conversationId = request.params.id;
      const { tenantId, turn } = await inTenant(database, request, async (sql, tenant) => {
        const found = await sql.query('SELECT 1 FROM conversations WHERE id = $1', [conversationId]);
        if (found.rowCount === 0) throw problem('not-found', `No conversation has the id ${conversationId} in this tenant.`);
        await addMessage(sql, tenant.id, conversationId, 'customer', request.body.text);
        const counted = await sql.query<{ turns: number }>(
          `SELECT count(*)::int AS turns FROM conversation_messages WHERE conversation_id = $1 AND author = 'customer'`,
          [conversationId],
        );
        return { tenantId: tenant.id, turn: counted.rows[0]!.turns };
      });
      const decision = await router.route(request.body.text, { conversationId, turn }, request.log);
      const queue = decision.handoffQueue;
      const reply =
        queue === undefined
          ? botReply(decision.intent, request.body.text)
          : `I am handing you over to our ${QUEUE_NAMES[queue]}: a person will answer in this conversation shortly.`;
      const handoff = await database.withTenant(tenantId, async (sql) => {
        const started = queue === undefined ? null : await handOff(sql, tenantId, conversationId, queue, decision.intent);
        await addMessage(sql, tenantId, conversationId, 'assistant', reply);
        return started;
      });
      request.log.info({ intent: decision.intent, source: decision.source, queue: queue ?? null }, 'message routed');
      return { intent: decision.intent, confidence: decision.confidence, source: decision.source, reply, handoff };
    },
  );

  app.get<{ Querystring: { queue?: AgentQueue } }>('/handoffs', { schema: { querystring: queueQuery } }, async (request) =>
    inTenant(database, request, async (sql) => {
      const queue = request.query.queue;
      const found = await sql.query<HandoffRow>(
        `SELECT ${HANDOFF_COLUMNS} FROM agent_handoffs WHERE status = 'waiting' AND ($1::text IS NULL OR queue = $1)
         ORDER BY created_at, id`,
        [queue ?? null],
      );
      return { handoffs: found.rows.map(handoffFromRow) };
    }),
  );
}
