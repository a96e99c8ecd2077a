import {
  AckPolicy,
  connect,
  DeliverPolicy,
  JSONCodec,
  nanos,
  StorageType,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type NatsConnection,
} from 'nats';
import {
  checkMessage,
  describeFailure,
  resolveQueueOptions,
  type Consumer,
  type DeadLetter,
  type MessageHandler,
  type MessageQueue,
  type MessageQueueOptions,
  type QueueMessage,
  type ResolvedQueueOptions,
} from './message-queue.ts';

/** Options of {@link JetStreamQueue.connect}. */
export interface JetStreamQueueOptions extends MessageQueueOptions {
  /** How long `publish` waits for the stream to confirm a message (default 5000 ms). */
  publishTimeoutMs?: number | undefined;
  /** How long the stream remembers a message id to drop a second publish of it (default 10 minutes). */
  duplicateWindowMs?: number | undefined;
}

/** What a dead letter holds on the dead-letter stream. */
interface DeadLetterBody {
  message: QueueMessage;
  deliveries: number;
  error: string;
}

const codec = JSONCodec<unknown>();

/**
 * The message queue on NATS JetStream (the official `nats` client): a stream of the queue's
 * events (`<name>.events.<subject>`), a durable pull consumer with explicit acknowledgements, and
 * a second stream for dead letters (`<name>.dead.<subject>`).
 *
 * A message id is the `Nats-Msg-Id` header, so the stream drops a second publish of it within its
 * duplicate window. A delivery not acknowledged within the ack wait comes again; a failed one is
 * given back with `nak(retryDelayMs)`; on its last delivery it is published to the dead-letter
 * stream first, and acknowledged only once that stream has it. A replay publishes the message
 * again under a new `Nats-Msg-Id` (the old one may still be in the window) and then deletes the
 * dead letter; consumers deduplicate on the message's own id.
 *
 * @example
 * const queue = await JetStreamQueue.connect('nats://127.0.0.1:4222', { maxDeliveries: 3 })
 * await queue.publish({ id: 'order.placed:42', subject: 'order.placed', tenantId, payload: {} })
 */
export class JetStreamQueue implements MessageQueue {
  readonly backend = 'jetstream' as const;
  readonly maxDeliveries: number;
  readonly #connection: NatsConnection;
  readonly #jetstream: JetStreamClient;
  readonly #manager: JetStreamManager;
  readonly #options: ResolvedQueueOptions;
  readonly #publishTimeoutMs: number;
  readonly #stream: string;
  readonly #deadStream: string;
  readonly #consumers = new Set<Consumer>();

  private constructor(connection: NatsConnection, manager: JetStreamManager, options: ResolvedQueueOptions, publishTimeoutMs: number) {
    this.#connection = connection;
    this.#manager = manager;
    this.#jetstream = connection.jetstream();
    this.#options = options;
    this.#publishTimeoutMs = publishTimeoutMs;
    this.maxDeliveries = options.maxDeliveries;
    const base = options.name.toUpperCase().replaceAll('-', '_');
    this.#stream = `${base}_EVENTS`;
    this.#deadStream = `${base}_DEAD`;
  }

  /**
   * Connect to the NATS server at `url` (JetStream on), creating the queue's streams and durable
   * consumer when they do not exist yet. The connection reconnects for ever after an outage.
   *
   * @example
   * const queue = await JetStreamQueue.connect(process.env.NATS_URL!)
   */
  static async connect(url: string, options: JetStreamQueueOptions = {}): Promise<JetStreamQueue> {
    const resolved = resolveQueueOptions(options);
    const connection = await connect({
      servers: url,
      name: `${resolved.name}-queue`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 100,
    });
    try {
      const manager = await connection.jetstreamManager();
      const queue = new JetStreamQueue(connection, manager, resolved, options.publishTimeoutMs ?? 5000);
      await queue.#ensureStreams(options.duplicateWindowMs ?? 600_000);
      return queue;
    } catch (error) {
      await connection.close();
      throw error;
    }
  }

  async #ensureStreams(duplicateWindowMs: number): Promise<void> {
    const streams = [
      { name: this.#stream, subjects: [`${this.#options.name}.events.>`] },
      { name: this.#deadStream, subjects: [`${this.#options.name}.dead.>`] },
    ];
    for (const stream of streams) {
      try {
        await this.#manager.streams.info(stream.name);
      } catch {
        await this.#manager.streams.add({ ...stream, storage: StorageType.File, duplicate_window: nanos(duplicateWindowMs) });
      }
    }
    await this.#manager.consumers.add(this.#stream, {
      durable_name: 'worker',
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(this.#options.ackWaitMs),
      // Unlimited here: the queue counts deliveries itself and dead-letters on the last one, so a
      // message is never dropped by the server without reaching the dead-letter stream.
      max_deliver: -1,
    });
  }

  async publish(message: QueueMessage): Promise<void> {
    checkMessage(message);
    await this.#send(message, message.id);
  }

  async #send(message: QueueMessage, msgID: string): Promise<void> {
    const body: QueueMessage = { id: message.id, subject: message.subject, tenantId: message.tenantId, payload: message.payload };
    await this.#jetstream.publish(`${this.#options.name}.events.${message.subject}`, codec.encode(body), {
      msgID,
      timeout: this.#publishTimeoutMs,
    });
  }

  async consume(handler: MessageHandler): Promise<Consumer> {
    const consumer = await this.#jetstream.consumers.get(this.#stream, 'worker');
    let running = true;
    let messages: ConsumerMessages | undefined;
    const loop = (async () => {
      while (running) {
        try {
          // Pull requests expire within seconds: one the server lost with a dropped connection is renewed soon after a reconnect.
          messages = await consumer.consume({ max_messages: 8, expires: 5000 });
          for await (const message of messages) {
            if (!running) {
              // Not handled: given back at once rather than after the ack wait.
              message.nak();
              continue;
            }
            await this.#settle(message, handler);
          }
        } catch (error) {
          if (running) this.#options.onError(error);
        }
        if (running) await new Promise((resolve) => setTimeout(resolve, this.#options.retryDelayMs));
      }
    })();
    const handle: Consumer = {
      stop: async () => {
        running = false;
        await messages?.close();
        await loop;
        this.#consumers.delete(handle);
      },
    };
    this.#consumers.add(handle);
    return handle;
  }

  async #settle(message: JsMsg, handler: MessageHandler): Promise<void> {
    const body = message.json<QueueMessage>();
    const deliveries = message.info.redeliveryCount;
    try {
      await handler({ ...body, deliveries });
    } catch (error) {
      if (deliveries < this.maxDeliveries) {
        message.nak(this.#options.retryDelayMs);
        return;
      }
      try {
        const dead: DeadLetterBody = { message: body, deliveries, error: describeFailure(error) };
        // One dead letter per stream sequence, however often this publish is retried.
        await this.#jetstream.publish(`${this.#options.name}.dead.${body.subject}`, codec.encode(dead), {
          msgID: `dead:${body.id}:${message.seq}`,
          timeout: this.#publishTimeoutMs,
        });
      } catch (publishError) {
        this.#options.onError(publishError);
        message.nak(this.#options.retryDelayMs);
        return;
      }
    }
    try {
      await message.ackAck({ timeout: this.#publishTimeoutMs });
    } catch (error) {
      // Not acknowledged: the message comes again after the ack wait, and consumers deduplicate.
      this.#options.onError(error);
    }
  }

  /** Each dead letter with its sequence on the dead-letter stream, oldest first. */
  async #stored(): Promise<Array<{ seq: number; body: DeadLetterBody }>> {
    const { state } = await this.#manager.streams.info(this.#deadStream);
    const found: Array<{ seq: number; body: DeadLetterBody }> = [];
    if (state.messages === 0) return found;
    for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
      try {
        const stored = await this.#manager.streams.getMessage(this.#deadStream, { seq });
        found.push({ seq, body: stored.json<DeadLetterBody>() });
      } catch {
        // Deleted (replayed) since: the sequence has a gap.
      }
    }
    return found;
  }

  async deadLetters(): Promise<DeadLetter[]> {
    return (await this.#stored()).map(({ body }) => ({ ...body.message, deliveries: body.deliveries, error: body.error }));
  }

  async replayDeadLetters(ids?: readonly string[]): Promise<number> {
    const wanted = ids === undefined ? undefined : new Set(ids);
    let replayed = 0;
    for (const { seq, body } of await this.#stored()) {
      if (wanted !== undefined && !wanted.has(body.message.id)) continue;
      await this.#send(body.message, `${body.message.id}:replay:${seq}`);
      await this.#manager.streams.deleteMessage(this.#deadStream, seq);
      replayed++;
    }
    return replayed;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#consumers].map((consumer) => consumer.stop()));
    if (!this.#connection.isClosed()) await this.#connection.drain();
  }
}
