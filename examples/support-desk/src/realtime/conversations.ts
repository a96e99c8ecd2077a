import type { FastifyInstance, FastifyBaseLogger } from 'fastify';
import type { Database, Sql } from '../database.ts';
import type { FaqAssistant } from '../faq.ts';
import { answerFaq } from '../faq-knowledge.ts';
import { problem } from '../problems.ts';
import { inTenant } from '../tenancy.ts';
import type { ConversationMessage, MessageAuthor, MessageChannel } from './events.ts';
import type { RealtimeHub } from './realtime-hub.ts';

/** A customer's conversation with the support desk. */
export interface Conversation {
  id: string;
  userId: string;
  createdAt: string;
}

/** Longest message text, in characters. */
export const MAX_MESSAGE_LENGTH = 4000;

interface MessageRow {
  id: string;
  conversation_id: string;
  author: MessageAuthor;
  channel: MessageChannel;
  text: string;
  created_at: Date;
}

function messageFromRow(row: MessageRow): ConversationMessage {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    author: row.author,
    channel: row.channel,
    text: row.text,
    createdAt: row.created_at.toISOString(),
  };
}

const MESSAGE_COLUMNS = 'id, conversation_id, author, channel, text, created_at';

async function conversationOwner(sql: Sql, conversationId: string): Promise<string> {
  const found = await sql.query<{ user_id: string }>('SELECT user_id FROM conversations WHERE id = $1', [conversationId]);
  const row = found.rows[0];
  if (row === undefined) throw problem('not-found', `No conversation has the id ${conversationId} in this tenant.`);
  return row.user_id;
}

async function insertMessage(
  sql: Sql,
  tenantId: string,
  conversationId: string,
  message: { author: MessageAuthor; channel: MessageChannel; text: string },
): Promise<ConversationMessage> {
  const inserted = await sql.query<MessageRow>(
    `INSERT INTO conversation_messages (tenant_id, conversation_id, author, channel, text)
     VALUES ($1, $2, $3, $4, $5) RETURNING ${MESSAGE_COLUMNS}`,
    [tenantId, conversationId, message.author, message.channel, message.text],
  );
  return messageFromRow(inserted.rows[0]!);
}

/**
 * Conversations between customers and the support desk, over either channel: a customer message
 * (HTTP or the realtime socket) is stored, pushed to the tenant's sockets, and answered by the FAQ
 * assistant in the background (from the knowledge base when the model fails); the answer is stored
 * and pushed the same way, so both channels see the whole conversation.
 *
 * @example
 * const conversations = new Conversations(database, hub, assistant)
 * await conversations.say(tenantId, conversationId, 'Where is my order?', 'websocket')
 */
export class Conversations {
  readonly #database: Database;
  readonly #hub: RealtimeHub;
  readonly #assistant: FaqAssistant;
  readonly #log: FastifyBaseLogger | undefined;
  readonly #replies = new Set<Promise<void>>();

  constructor(database: Database, hub: RealtimeHub, assistant: FaqAssistant, log?: FastifyBaseLogger) {
    this.#database = database;
    this.#hub = hub;
    this.#assistant = assistant;
    this.#log = log;
  }

  /**
   * Add the customer's `text` to a conversation of `tenantId`, push it, and start the reply.
   *
   * @param asUser - the customer a socket was opened for: another customer's conversation is not found
   * @throws Problem `not-found` when the tenant (or `asUser`) has no such conversation
   */
  async say(
    tenantId: string,
    conversationId: string,
    text: string,
    channel: MessageChannel,
    asUser?: string,
  ): Promise<ConversationMessage> {
    const { message, userId, tenantName } = await this.#database.withTenant(tenantId, async (sql) => {
      const owner = await conversationOwner(sql, conversationId);
      if (asUser !== undefined && owner !== asUser)
        throw problem('not-found', `No conversation has the id ${conversationId} for this customer.`);
      const tenant = await sql.query<{ name: string }>('SELECT name FROM tenants WHERE id = $1', [tenantId]);
      const added = await insertMessage(sql, tenantId, conversationId, { author: 'customer', channel, text });
      return { message: added, userId: owner, tenantName: tenant.rows[0]?.name ?? 'the support desk' };
    });
    this.#hub.publish(tenantId, { type: 'conversation.message', userId, message });
    const reply = this.#reply(tenantId, tenantName, userId, message).finally(() => this.#replies.delete(reply));
    this.#replies.add(reply);
    return message;
  }

  /** Resolves once every reply under way is stored and pushed (before the database closes). */
  async drain(): Promise<void> {
    while (this.#replies.size > 0) await Promise.allSettled([...this.#replies]);
  }

  async #answer(question: string, tenantName: string): Promise<string> {
    try {
      let text = '';
      for await (const delta of await this.#assistant.ask(question, { tenantName })) text += delta;
      if (text.trim() !== '') return text;
    } catch (error) {
      this.#log?.warn({ err: error }, 'conversation answered from the knowledge base: the language model failed');
    }
    return answerFaq(question);
  }

  async #reply(tenantId: string, tenantName: string, userId: string, question: ConversationMessage): Promise<void> {
    try {
      const text = (await this.#answer(question.text, tenantName)).slice(0, MAX_MESSAGE_LENGTH);
      const message = await this.#database.withTenant(tenantId, (sql) =>
        insertMessage(sql, tenantId, question.conversationId, { author: 'assistant', channel: question.channel, text }),
      );
      this.#hub.publish(tenantId, { type: 'conversation.message', userId, message });
    } catch (error) {
      this.#log?.error({ err: error }, 'conversation reply failed');
    }
  }
}

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } } as const;

/** The JSON schema of a message text, shared by the HTTP route and the socket. */
export const messageTextSchema = { type: 'string', minLength: 1, maxLength: MAX_MESSAGE_LENGTH, pattern: '\\S' } as const;

/**
 * Register the conversation routes, scoped to the tenant of the `x-tenant-id` header:
 * - `POST /conversations` `{ userId }`: 201 with the conversation, 422 when the user is not the tenant's;
 * - `POST /conversations/:id/messages` `{ text }`: 201 with the customer's message; the reply
 *   follows on the realtime socket and in the listing;
 * - `GET /conversations/:id/messages`: `{ messages }`, oldest first.
 *
 * @example
 * registerConversationRoutes(app, database, new Conversations(database, hub, assistant))
 */
export function registerConversationRoutes(app: FastifyInstance, database: Database, conversations: Conversations): void {
  app.post<{ Body: { userId: string } }>(
    '/conversations',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['userId'],
          properties: { userId: { type: 'string', format: 'uuid' } },
        },
      },
    },
    async (request, reply) => {
      const conversation = await inTenant(database, request, async (sql, tenant) => {
        const user = await sql.query('SELECT 1 FROM users WHERE id = $1', [request.body.userId]);
        if (user.rowCount === 0)
          throw problem('unknown-reference', `No user has the id ${request.body.userId} in this tenant.`, { pointer: '/body/userId' });
        const inserted = await sql.query<{ id: string; user_id: string; created_at: Date }>(
          'INSERT INTO conversations (tenant_id, user_id) VALUES ($1, $2) RETURNING id, user_id, created_at',
          [tenant.id, request.body.userId],
        );
        const row = inserted.rows[0]!;
        return { id: row.id, userId: row.user_id, createdAt: row.created_at.toISOString() } satisfies Conversation;
      });
      return reply.code(201).header('location', `/conversations/${conversation.id}`).send(conversation);
    },
  );

  app.post<{ Params: { id: string }; Body: { text: string } }>(
    '/conversations/:id/messages',
    {
      schema: {
        params: idParams,
        body: { type: 'object', additionalProperties: false, required: ['text'], properties: { text: messageTextSchema } },
      },
    },
    async (request, reply) => {
      const tenant = await inTenant(database, request, (_sql, found) => Promise.resolve(found));
      const message = await conversations.say(tenant.id, request.params.id, request.body.text, 'http');
      return reply.code(201).send(message);
    },
  );

  app.get<{ Params: { id: string } }>('/conversations/:id/messages', { schema: { params: idParams } }, async (request) =>
    inTenant(database, request, async (sql) => {
      await conversationOwner(sql, request.params.id);
      const found = await sql.query<MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM conversation_messages WHERE conversation_id = $1 ORDER BY created_at, id`,
        [request.params.id],
      );
      return { messages: found.rows.map(messageFromRow) };
    }),
  );
}
