import type { Database } from '../database.ts';
import { JetStreamQueue, type JetStreamQueueOptions } from './jetstream-queue.ts';
import type { MessageQueue } from './message-queue.ts';
import { OutboxQueue, type OutboxQueueOptions } from './outbox-queue.ts';

/** Options of {@link openMessageQueue}: those of both queues. */
export interface OpenMessageQueueOptions extends OutboxQueueOptions, JetStreamQueueOptions {
  /** The service's database: the embedded queue's store. */
  database: Database;
  /** A NATS server with JetStream on (usually `process.env.NATS_URL`): the queue is JetStream when set, the embedded outbox otherwise. */
  natsUrl?: string | undefined;
}

/**
 * Open the service's message queue: NATS JetStream when `natsUrl` is set, the PostgreSQL outbox
 * of `database` otherwise. Both keep the guarantees of {@link MessageQueue}.
 *
 * @example
 * const queue = await openMessageQueue({ database, natsUrl: process.env.NATS_URL })
 */
export async function openMessageQueue(options: OpenMessageQueueOptions): Promise<MessageQueue> {
  const { database, natsUrl, ...queueOptions } = options;
  if (natsUrl !== undefined && natsUrl !== '') return JetStreamQueue.connect(natsUrl, queueOptions);
  return new OutboxQueue(database, queueOptions);
}
