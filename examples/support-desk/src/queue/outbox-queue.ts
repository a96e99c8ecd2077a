import type { Database } from '../database.ts';
import {
  checkMessage,
  describeFailure,
  resolveQueueOptions,
  type Consumer,
  type DeadLetter,
  type Delivery,
  type MessageHandler,
  type MessageQueue,
  type MessageQueueOptions,
  type QueueMessage,
  type ResolvedQueueOptions,
} from './message-queue.ts';

/** Options of {@link OutboxQueue}. */
export interface OutboxQueueOptions extends MessageQueueOptions {
  /** How often an idle consumer looks for messages published elsewhere (default 250 ms). */
  pollIntervalMs?: number | undefined;
}

interface MessageRow {
  id: string;
  subject: string;
  tenant_id: string;
  payload: Record<string, unknown>;
  deliveries: number;
  last_error: string | null;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The embedded message queue: a table of the service's PostgreSQL (`queue_messages`, migration
 * 0004), so it runs wherever the service does, PGlite included.
 *
 * A consumer claims the oldest ready message by pushing its `available_at` past the ack wait
 * (`FOR UPDATE SKIP LOCKED`, so consumers never share a message), and commits that claim before
 * the handler runs: a consumer that dies, or loses the database, before it acknowledges leaves a
 * message that comes back once the ack wait is over. Acknowledging marks it `done` (kept, so its
 * id is never published again); a failure makes it ready again after the retry delay, or `dead`
 * on its last delivery.
 *
 * @example
 * const queue = new OutboxQueue(database, { maxDeliveries: 3 })
 * await queue.publish({ id: 'order.placed:42', subject: 'order.placed', tenantId, payload: {} })
 */
export class OutboxQueue implements MessageQueue {
  readonly backend = 'outbox' as const;
  readonly maxDeliveries: number;
  readonly #database: Required<Pick<Database, 'withService'>>;
  readonly #options: ResolvedQueueOptions;
  readonly #pollIntervalMs: number;
  readonly #consumers = new Set<{ stop(): Promise<void>; wake(): void }>();

  /** @throws RangeError when `database` cannot run service work (a wrapper without `withService`) */
  constructor(database: Database, options: OutboxQueueOptions = {}) {
    if (database.withService === undefined) {
      throw new RangeError(
        'Failed to open the embedded message queue: its database has no withService(). Pass the database openDatabase() returned.',
      );
    }
    this.#database = { withService: database.withService.bind(database) };
    this.#options = resolveQueueOptions(options);
    this.maxDeliveries = this.#options.maxDeliveries;
    this.#pollIntervalMs = options.pollIntervalMs ?? 250;
  }

  async publish(message: QueueMessage): Promise<void> {
    checkMessage(message);
    await this.#database.withService((sql) =>
      sql.query(
        `INSERT INTO queue_messages (queue, id, subject, tenant_id, payload) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (queue, id) DO NOTHING`,
        [this.#options.name, message.id, message.subject, message.tenantId, JSON.stringify(message.payload)],
      ),
    );
    for (const consumer of this.#consumers) consumer.wake();
  }

  consume(handler: MessageHandler): Promise<Consumer> {
    let running = true;
    let wake: (() => void) | undefined;
    const loop = (async () => {
      while (running) {
        let delivery: Delivery | undefined;
        try {
          delivery = await this.#claim();
        } catch (error) {
          this.#options.onError(error);
        }
        if (delivery === undefined) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, this.#pollIntervalMs);
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = undefined;
          continue;
        }
        await this.#settle(delivery, handler);
      }
    })();
    const consumer = {
      wake: () => wake?.(),
      stop: async () => {
        running = false;
        wake?.();
        await loop;
        this.#consumers.delete(consumer);
      },
    };
    this.#consumers.add(consumer);
    return Promise.resolve({ stop: consumer.stop });
  }

  async #claim(): Promise<Delivery | undefined> {
    const claimed = await this.#database.withService((sql) =>
      sql.query<MessageRow>(
        `UPDATE queue_messages SET deliveries = deliveries + 1, available_at = clock_timestamp() + $2 * interval '1 millisecond'
         WHERE (queue, id) = (
           SELECT queue, id FROM queue_messages
           WHERE queue = $1 AND status = 'ready' AND available_at <= clock_timestamp()
           ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED
         )
         RETURNING id, subject, tenant_id, payload, deliveries, last_error`,
        [this.#options.name, this.#options.ackWaitMs],
      ),
    );
    const row = claimed.rows[0];
    if (row === undefined) return undefined;
    return { id: row.id, subject: row.subject, tenantId: row.tenant_id, payload: row.payload, deliveries: row.deliveries };
  }

  /** Run the handler, then acknowledge; a failed acknowledgement leaves the claim to expire (another delivery). */
  async #settle(delivery: Delivery, handler: MessageHandler): Promise<void> {
    let failure: unknown;
    let failed = false;
    try {
      await handler(delivery);
    } catch (error) {
      failed = true;
      failure = error;
    }
    const dead = failed && delivery.deliveries >= this.maxDeliveries;
    try {
      await this.#database.withService((sql) =>
        // `deliveries = $3`: only the claim this consumer holds is settled, not a later one.
        sql.query(
          `UPDATE queue_messages
           SET status = $4, last_error = $5,
               available_at = CASE WHEN $4 = 'ready' THEN clock_timestamp() + $6 * interval '1 millisecond' ELSE available_at END
           WHERE queue = $1 AND id = $2 AND deliveries = $3 AND status = 'ready'`,
          [
            this.#options.name,
            delivery.id,
            delivery.deliveries,
            failed ? (dead ? 'dead' : 'ready') : 'done',
            failed ? describeFailure(failure) : null,
            this.#options.retryDelayMs,
          ],
        ),
      );
    } catch (error) {
      this.#options.onError(error);
      // The database is away: wait a little rather than spin on claims that cannot succeed.
      await sleep(Math.min(this.#pollIntervalMs, this.#options.retryDelayMs));
    }
  }

  async deadLetters(): Promise<DeadLetter[]> {
    const found = await this.#database.withService((sql) =>
      sql.query<MessageRow>(
        `SELECT id, subject, tenant_id, payload, deliveries, last_error FROM queue_messages
         WHERE queue = $1 AND status = 'dead' ORDER BY seq`,
        [this.#options.name],
      ),
    );
    return found.rows.map((row) => ({
      id: row.id,
      subject: row.subject,
      tenantId: row.tenant_id,
      payload: row.payload,
      deliveries: row.deliveries,
      error: row.last_error ?? '',
    }));
  }

  async replayDeadLetters(ids?: readonly string[]): Promise<number> {
    const replayed = await this.#database.withService((sql) =>
      sql.query(
        `UPDATE queue_messages SET status = 'ready', deliveries = 0, last_error = NULL, available_at = clock_timestamp()
         WHERE queue = $1 AND status = 'dead' AND ($2::text[] IS NULL OR id = ANY($2::text[]))`,
        [this.#options.name, ids === undefined ? null : [...ids]],
      ),
    );
    for (const consumer of this.#consumers) consumer.wake();
    return replayed.rowCount ?? 0;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#consumers].map((consumer) => consumer.stop()));
  }
}
