/** A message as a publisher sends it. */
export interface QueueMessage {
  /**
   * The message's identity, chosen by the publisher (`order.placed:<order id>`): publishing the
   * same id again is a no-op, and consumers deduplicate on it.
   */
  id: string;
  /** What happened, dotted (`order.placed`). */
  subject: string;
  /** The tenant the message belongs to: its handler runs in that tenant's transaction. */
  tenantId: string;
  /** The message's data, as JSON. */
  payload: Record<string, unknown>;
}

/** A message handed to a handler. */
export interface Delivery extends QueueMessage {
  /** Which delivery this is: 1 the first time, more after a failure or a lost acknowledgement. */
  deliveries: number;
}

/**
 * Handles one delivery: resolving acknowledges it, throwing gives it back (a negative
 * acknowledgement) to be delivered again after the retry delay, up to the queue's
 * `maxDeliveries`, after which it goes to the dead-letter queue.
 */
export type MessageHandler = (delivery: Delivery) => void | Promise<void>;

/** A message whose handler failed on every one of its deliveries. */
export interface DeadLetter extends QueueMessage {
  /** How many times it was delivered. */
  deliveries: number;
  /** What the last failure said. */
  error: string;
}

/** A running consumer. */
export interface Consumer {
  /** Stop taking deliveries; resolves once the delivery under way, if any, is settled. */
  stop(): Promise<void>;
}

/** Options both queues take. */
export interface MessageQueueOptions {
  /** Names the queue, so several can share a database or a NATS server (default `support-desk`). */
  name?: string | undefined;
  /** Deliveries of one message before it is dead-lettered (default 5). */
  maxDeliveries?: number | undefined;
  /** How long a failed delivery waits before the next one (default 1000 ms). */
  retryDelayMs?: number | undefined;
  /** How long a delivery may stay unacknowledged before it is delivered again (default 30 s). */
  ackWaitMs?: number | undefined;
  /** Told about errors the queue recovers from (a lost connection, a failed acknowledgement). */
  onError?: ((error: unknown) => void) | undefined;
}

/**
 * A message queue with at-least-once delivery and a dead-letter queue: `OutboxQueue` on the
 * service's PostgreSQL (the embedded default) or `JetStreamQueue` on NATS JetStream, with the same
 * guarantees:
 * - `publish` is idempotent by message id (for ever on the outbox, within the stream's duplicate
 *   window on JetStream) and resolves once the broker has stored the message;
 * - every stored message is delivered until a handler acknowledges it (at least once: a lost
 *   acknowledgement means another delivery, so handlers deduplicate, see `exactlyOnce`);
 * - a message failing `maxDeliveries` times goes to the dead-letter queue, where `deadLetters()`
 *   lists it and `replayDeadLetters()` publishes it again with fresh deliveries.
 *
 * @example
 * const queue = await openMessageQueue({ database, natsUrl: process.env.NATS_URL })
 * await queue.publish({ id: 'order.placed:42', subject: 'order.placed', tenantId, payload: { orderId: '42' } })
 * const consumer = await queue.consume(async (delivery) => console.log(delivery.subject, delivery.deliveries))
 */
export interface MessageQueue {
  /** `outbox` (PostgreSQL) or `jetstream` (NATS). */
  readonly backend: 'outbox' | 'jetstream';
  /** Deliveries of one message before it is dead-lettered. */
  readonly maxDeliveries: number;
  /** Store `message`; a message with an id already published is not stored again. */
  publish(message: QueueMessage): Promise<void>;
  /** Start handing messages, one at a time, oldest first, to `handler`. */
  consume(handler: MessageHandler): Promise<Consumer>;
  /** The dead-letter queue, oldest first. */
  deadLetters(): Promise<DeadLetter[]>;
  /**
   * Put dead letters back on the queue with fresh deliveries: those whose id is in `ids`, or all.
   *
   * @returns how many were replayed
   */
  replayDeadLetters(ids?: readonly string[]): Promise<number>;
  /** Stop every consumer and let go of the connection. The data stays. */
  close(): Promise<void>;
}

/** The defaults of {@link MessageQueueOptions}, resolved. */
export interface ResolvedQueueOptions {
  name: string;
  maxDeliveries: number;
  retryDelayMs: number;
  ackWaitMs: number;
  onError: (error: unknown) => void;
}

const NAME_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * Check `options` and fill in the defaults.
 *
 * @throws RangeError for a name that is not lowercase letters, digits and dashes, or a count or delay that is not a positive integer
 * @example
 * resolveQueueOptions({ maxDeliveries: 3 }).name // 'support-desk'
 */
export function resolveQueueOptions(options: MessageQueueOptions): ResolvedQueueOptions {
  const resolved = {
    name: options.name ?? 'support-desk',
    maxDeliveries: options.maxDeliveries ?? 5,
    retryDelayMs: options.retryDelayMs ?? 1000,
    ackWaitMs: options.ackWaitMs ?? 30_000,
    onError: options.onError ?? ((error: unknown) => process.emitWarning(error instanceof Error ? error : String(error))),
  };
  if (!NAME_PATTERN.test(resolved.name)) {
    throw new RangeError(`Failed to open the message queue: its name "${resolved.name}" must be lowercase letters, digits and dashes.`);
  }
  for (const key of ['maxDeliveries', 'retryDelayMs', 'ackWaitMs'] as const) {
    if (!Number.isSafeInteger(resolved[key]) || resolved[key] < 1) {
      throw new RangeError(`Failed to open the message queue: ${key} must be a positive integer, got ${resolved[key]}.`);
    }
  }
  return resolved;
}

const SUBJECT_PATTERN = /^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$/;

/**
 * Check a message before it is published.
 *
 * @throws RangeError for an empty or overlong id, a subject that is not dotted lowercase words, or a payload that is not an object
 * @example
 * checkMessage({ id: 'order.placed:1', subject: 'order.placed', tenantId, payload: {} })
 */
export function checkMessage(message: QueueMessage): void {
  if (typeof message.id !== 'string' || message.id.length === 0 || message.id.length > 200) {
    throw new RangeError('Failed to publish a message: its id must be 1 to 200 characters.');
  }
  if (!SUBJECT_PATTERN.test(message.subject)) {
    throw new RangeError(`Failed to publish message ${message.id}: its subject "${message.subject}" must be dotted lowercase words.`);
  }
  if (typeof message.payload !== 'object' || message.payload === null || Array.isArray(message.payload)) {
    throw new RangeError(`Failed to publish message ${message.id}: its payload must be a JSON object.`);
  }
}

/**
 * A short text for a handler's failure, as kept with a dead letter.
 *
 * @example
 * describeFailure(new Error('mailer down')) // 'Error: mailer down'
 */
export function describeFailure(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 500 ? `${text.slice(0, 499)}…` : text;
}
