import type { Database } from '../database.ts';
import type { Order } from '../orders.ts';
import { Problem } from '../problems.ts';
import { exactlyOnce } from './exactly-once.ts';
import type { Consumer, MessageQueue, QueueMessage } from './message-queue.ts';

/** The subject of the event published for every order placed. */
export const ORDER_PLACED = 'order.placed';

/** The consumer that records a notification for every order placed. */
export const ORDER_NOTIFIER = 'order-notifier';

/** The payload of an {@link ORDER_PLACED} event. */
export interface OrderPlacedPayload {
  orderId: string;
  userId: string;
  currency: string;
  totalCents: number;
  [key: string]: unknown;
}

/**
 * The {@link ORDER_PLACED} event of `order`: its id is derived from the order's, so publishing it
 * again (a retried request) is the same message.
 *
 * @example
 * orderPlacedMessage(tenantId, order).id // 'order.placed:<order id>'
 */
export function orderPlacedMessage(tenantId: string, order: Order): QueueMessage {
  const payload: OrderPlacedPayload = { orderId: order.id, userId: order.userId, currency: order.currency, totalCents: order.totalCents };
  return { id: `${ORDER_PLACED}:${order.id}`, subject: ORDER_PLACED, tenantId, payload };
}

/**
 * Publish the {@link ORDER_PLACED} event of an order just stored (or found again by its
 * Idempotency-Key: the queue drops the second publish).
 *
 * @throws Problem `queue-unavailable` when the queue does not take it: the order is stored, and a
 *   retry with the same Idempotency-Key publishes the event again
 * @example
 * await publishOrderPlaced(queue, tenantId, order)
 */
export async function publishOrderPlaced(queue: MessageQueue, tenantId: string, order: Order): Promise<void> {
  try {
    await queue.publish(orderPlacedMessage(tenantId, order));
  } catch (error) {
    throw new Problem(
      'queue-unavailable',
      `Order ${order.id} is stored, but its ${ORDER_PLACED} event could not be queued. Retry the request with the same Idempotency-Key.`,
      {},
      { cause: error },
    );
  }
}

/**
 * Consume {@link ORDER_PLACED} events: one `order_notifications` row per order, exactly once
 * whatever the deliveries (see {@link exactlyOnce}). Other subjects are acknowledged untouched.
 *
 * @param notify - called in the transaction before the row is written; a throw fails the delivery
 *   (the tests make a notifier fail this way)
 * @example
 * const notifier = await startOrderNotifier(queue, database)
 * await notifier.stop()
 */
export function startOrderNotifier(
  queue: MessageQueue,
  database: Database,
  notify: (payload: OrderPlacedPayload) => void | Promise<void> = () => {},
): Promise<Consumer> {
  return queue.consume(
    exactlyOnce(database, ORDER_NOTIFIER, async (delivery, sql) => {
      if (delivery.subject !== ORDER_PLACED) return;
      const payload = delivery.payload as OrderPlacedPayload;
      await notify(payload);
      await sql.query('INSERT INTO order_notifications (tenant_id, order_id, message_id, total_cents) VALUES ($1, $2, $3, $4)', [
        delivery.tenantId,
        payload.orderId,
        delivery.id,
        payload.totalCents,
      ]);
    }),
  );
}
