import type { ProblemDetails } from '../problems.ts';

/** The statuses an order moves through, in order; `cancelled` is reachable before shipping only. */
export const ORDER_STATUSES = ['placed', 'confirmed', 'shipped', 'out_for_delivery', 'delivered', 'cancelled'] as const;

/** One of {@link ORDER_STATUSES}. */
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Statuses an order never leaves: their updates are never dropped by the backpressure policy. */
export const TERMINAL_ORDER_STATUSES: ReadonlySet<OrderStatus> = new Set(['delivered', 'cancelled']);

/** The current status of an order, as `GET /orders/:id/status` answers and `order.status` events carry. */
export interface OrderStatusState {
  orderId: string;
  status: OrderStatus;
  /** 0 when placed, one more at each change: a client keeps the highest version it saw. */
  version: number;
  updatedAt: string;
}

/** Pushed when an order changes status. */
export interface OrderStatusEvent extends OrderStatusState {
  type: 'order.status';
  /** The customer who placed the order (connections opened with `?userId=` see their own orders only). */
  userId: string;
}

/** Who wrote a conversation message. */
export type MessageAuthor = 'customer' | 'assistant';

/** Where a conversation message came in (for the assistant: where the message it answers came in). */
export type MessageChannel = 'http' | 'websocket';

/** One message of a conversation. */
export interface ConversationMessage {
  id: string;
  conversationId: string;
  author: MessageAuthor;
  channel: MessageChannel;
  text: string;
  createdAt: string;
}

/** Pushed when a message is added to a conversation, by the customer (over HTTP or a socket) or the assistant. */
export interface ConversationMessageEvent {
  type: 'conversation.message';
  userId: string;
  message: ConversationMessage;
}

/**
 * Sent once a slow connection has room again, after non-terminal order updates were dropped for it:
 * read those orders' status over HTTP (`GET /orders/:id/status`) to catch up.
 */
export interface UpdatesDroppedEvent {
  type: 'updates.dropped';
  /** The orders whose updates were dropped (at most {@link MAX_DROPPED_IDS_REPORTED}). */
  orderIds: string[];
  /** How many updates were dropped since the last such notice. */
  count: number;
  /** True when more orders lost updates than `orderIds` lists: read the order list instead. */
  more: boolean;
}

/** Sent to a socket whose own message was refused. */
export interface RealtimeErrorEvent {
  type: 'error';
  problem: ProblemDetails;
}

/** Everything a realtime connection may receive. */
export type RealtimeEvent = OrderStatusEvent | ConversationMessageEvent | UpdatesDroppedEvent | RealtimeErrorEvent;

/** Events the hub fans out to a tenant's connections. */
export type TenantEvent = OrderStatusEvent | ConversationMessageEvent;

/** Most order ids an `updates.dropped` notice lists. */
export const MAX_DROPPED_IDS_REPORTED = 100;

/**
 * Whether `value` is one of {@link ORDER_STATUSES}.
 *
 * @example
 * isOrderStatus('shipped') // true
 */
export function isOrderStatus(value: unknown): value is OrderStatus {
  return typeof value === 'string' && (ORDER_STATUSES as readonly string[]).includes(value);
}
