import type { Database, Sql } from '../database.ts';
import type { Delivery, MessageHandler } from './message-queue.ts';

/** Handles one message inside its tenant's transaction: whatever it writes commits with the dedupe row, or not at all. */
export type TransactionalHandler = (delivery: Delivery, sql: Sql) => Promise<void>;

/**
 * Turn at-least-once delivery into exactly-once effects: run `handler` in one transaction of the
 * message's tenant that first records (`processed_messages`, keyed by consumer and message id)
 * that `consumer` handled the message. A delivery of a message already recorded does nothing
 * and is acknowledged; a handler that throws rolls its effects and the record back, so the next
 * delivery runs it again.
 *
 * @param consumer - names the consumer: two consumers of one message each handle it once
 * @example
 * await queue.consume(exactlyOnce(database, 'order-notifier', async (delivery, sql) => {
 *   await sql.query('INSERT INTO order_notifications (tenant_id, order_id, message_id, total_cents) VALUES ($1, $2, $3, $4)', [...])
 * }))
 */
export function exactlyOnce(database: Database, consumer: string, handler: TransactionalHandler): MessageHandler {
  return (delivery) =>
    database.withTenant(delivery.tenantId, async (sql) => {
      const recorded = await sql.query(
        `INSERT INTO processed_messages (tenant_id, consumer, message_id) VALUES ($1, $2, $3)
         ON CONFLICT (consumer, message_id) DO NOTHING`,
        [delivery.tenantId, consumer, delivery.id],
      );
      if (recorded.rowCount === 0) return;
      await handler(delivery, sql);
    });
}
