import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { connect } from 'nats';
import { exactlyOnce } from '../../src/queue/exactly-once.ts';
import { JetStreamQueue } from '../../src/queue/jetstream-queue.ts';
import type { Consumer, Delivery, MessageHandler, MessageQueue, MessageQueueOptions, QueueMessage } from '../../src/queue/message-queue.ts';
import { OutboxQueue } from '../../src/queue/outbox-queue.ts';
import { buildDesk, openDeskDatabase, type DeskDatabase } from '../support-desk.ts';
import { natsForTests } from './nats-server.ts';
import { waitFor } from './wait-for.ts';

const nats = await natsForTests();

/** Short waits, so failures and lost acknowledgements come back within a test. */
const FAST: MessageQueueOptions = { maxDeliveries: 3, retryDelayMs: 50, ackWaitMs: 1000 };

interface Backend {
  name: 'outbox' | 'jetstream';
  skipReason?: string | undefined;
  open(db: DeskDatabase, name: string, options?: MessageQueueOptions): Promise<MessageQueue>;
}

const BACKENDS: Backend[] = [
  {
    name: 'outbox',
    open: (db, name, options) => Promise.resolve(new OutboxQueue(db.database, { ...FAST, ...options, name, pollIntervalMs: 50 })),
  },
  {
    name: 'jetstream',
    skipReason: nats.skipReason,
    open: (_db, name, options) => JetStreamQueue.connect(nats.url!, { ...FAST, ...options, name, publishTimeoutMs: 2000 }),
  },
];

/** One database for the file, shared by both queues (each test uses a queue of its own). */
let db: DeskDatabase;
let tenantId: string;

beforeAll(async () => {
  db = await openDeskDatabase();
  const desk = await buildDesk(db.database);
  tenantId = (await desk.createTenant('Queue contract')).id;
  await desk.close();
}, 60_000);

// The same contract for both queues: whatever the backend, the service sees the same guarantees.
describe.each(BACKENDS)('MessageQueue contract ($name)', (backend) => {
  // JetStream needs a NATS server (NATS_URL, or a `nats-server` to start): without one a developer's
  // run skips that backend with the reason; in CI test/queue/nats-server.ts fails instead.
  if (backend.skipReason !== undefined) {
    it.skip(`should keep the message queue contract ${backend.skipReason}`, () => undefined);
    return;
  }
  let opened: MessageQueue[] = [];
  let consumers: Consumer[] = [];

  afterEach(async () => {
    for (const consumer of consumers) await consumer.stop();
    for (const queue of opened) await queue.close();
    consumers = [];
    opened = [];
  });

  /** A queue of its own for each test: a fresh name, so no test sees another's messages. */
  async function openQueue(options?: MessageQueueOptions, name = `contract-${randomUUID().slice(0, 8)}`): Promise<MessageQueue> {
    const queue = await backend.open(db, name, options);
    opened.push(queue);
    return queue;
  }

  async function consume(queue: MessageQueue, handler: MessageHandler): Promise<void> {
    consumers.push(await queue.consume(handler));
  }

  const message = (id: string, payload: Record<string, unknown> = {}): QueueMessage => ({
    id,
    subject: 'contract.tested',
    tenantId,
    payload: { ...payload, id },
  });

  it(`should deliver every message published, oldest first, with its subject, tenant and payload`, async () => {
    // Arrange
    const queue = await openQueue();
    const delivered: Delivery[] = [];
    for (const id of ['m1', 'm2', 'm3', 'm4']) await queue.publish(message(id, { n: Number(id.slice(1)) }));

    // Act
    await consume(queue, (delivery) => {
      delivered.push(delivery);
    });
    await waitFor('four deliveries', () => delivered.length === 4);

    // Assert
    expect(delivered).toEqual(
      ['m1', 'm2', 'm3', 'm4'].map((id) => ({
        id,
        subject: 'contract.tested',
        tenantId,
        payload: { id, n: Number(id.slice(1)) },
        deliveries: 1,
      })),
    );
    expect(queue.backend).toBe(backend.name);
  });

  it(`should store a message published twice under one id only once`, async () => {
    // Arrange
    const queue = await openQueue();
    const delivered: string[] = [];
    await queue.publish(message('twice', { attempt: 1 }));
    await queue.publish(message('twice', { attempt: 2 }));
    await queue.publish(message('marker'));

    // Act
    await consume(queue, (delivery) => {
      delivered.push(`${delivery.id}#${JSON.stringify(delivery.payload['attempt'] ?? '-')}`);
    });
    await waitFor('the marker', () => delivered.includes('marker#"-"'));

    // Assert
    expect(delivered).toEqual(['twice#1', 'marker#"-"']);
  });

  it(`should deliver a message again after its handler failed, counting the deliveries`, async () => {
    // Arrange
    const queue = await openQueue();
    const deliveries: number[] = [];
    await queue.publish(message('flaky'));

    // Act
    await consume(queue, (delivery) => {
      deliveries.push(delivery.deliveries);
      if (delivery.deliveries === 1) throw new Error('the mailer is down');
    });
    await waitFor('a second delivery', () => deliveries.length === 2);

    // Assert
    expect(deliveries).toEqual([1, 2]);
    expect(await queue.deadLetters()).toEqual([]);
  });

  it(`should dead-letter a message after maxDeliveries failures, and replay it with fresh deliveries`, async () => {
    // Arrange
    const queue = await openQueue();
    let broken = true;
    const handled: string[] = [];
    await queue.publish(message('poison', { sku: 'POISON' }));
    await queue.publish(message('fine'));
    await consume(queue, (delivery) => {
      if (broken && delivery.id === 'poison') throw new Error(`cannot handle ${delivery.id}`);
      handled.push(`${delivery.id}@${delivery.deliveries}`);
    });
    await waitFor('the dead letter', async () => (await queue.deadLetters()).length === 1);
    const dead = await queue.deadLetters();

    // Act
    broken = false;
    const replayed = await queue.replayDeadLetters();
    await waitFor('the replayed message', () => handled.includes('poison@1'));

    // Assert
    expect(queue.maxDeliveries).toBe(3);
    expect(dead).toEqual([
      {
        id: 'poison',
        subject: 'contract.tested',
        tenantId,
        payload: { id: 'poison', sku: 'POISON' },
        deliveries: 3,
        error: 'Error: cannot handle poison',
      },
    ]);
    expect(replayed).toBe(1);
    expect(handled).toEqual(['fine@1', 'poison@1']);
    expect(await queue.deadLetters()).toEqual([]);
  });

  it(`should replay only the dead letters named`, async () => {
    // Arrange
    const queue = await openQueue({ maxDeliveries: 1 });
    let broken = true;
    const handled: string[] = [];
    for (const id of ['d1', 'd2', 'd3']) await queue.publish(message(id));
    await consume(queue, (delivery) => {
      if (broken) throw new Error('not yet');
      handled.push(delivery.id);
    });
    await waitFor('three dead letters', async () => (await queue.deadLetters()).length === 3);

    // Act
    broken = false;
    const replayed = await queue.replayDeadLetters(['d2']);
    await waitFor('d2 handled', () => handled.includes('d2'));

    // Assert
    expect(replayed).toBe(1);
    expect(handled).toEqual(['d2']);
    expect((await queue.deadLetters()).map((letter) => letter.id)).toEqual(['d1', 'd3']);
  });

  it(`should deliver a message nobody acknowledged within the ack wait again, and exactlyOnce() apply it once`, async () => {
    // Arrange
    const queue = await openQueue();
    let release!: () => void;
    const stuck = new Promise<void>((resolve) => {
      release = resolve;
    });
    const calls: number[] = [];
    const effects: string[] = [];
    const apply = exactlyOnce(db.database, `contract-${queue.backend}-${randomUUID()}`, (delivery) => {
      effects.push(`${delivery.id}@${delivery.deliveries}`);
      return Promise.resolve();
    });
    await queue.publish(message('slow'));

    // Act: the first consumer takes the message and hangs past the ack wait; the second gets it again.
    let firstSettled = false;
    await consume(queue, async (delivery) => {
      calls.push(delivery.deliveries);
      if (delivery.deliveries !== 1) return apply(delivery);
      await stuck;
      await apply(delivery);
      firstSettled = true;
    });
    await waitFor('the first delivery', () => calls.length === 1);
    await consume(queue, async (delivery) => {
      calls.push(delivery.deliveries);
      await apply(delivery);
    });
    await waitFor('a redelivery', () => calls.length >= 2);
    await waitFor('its effect', () => effects.length === 1);
    // The first handler now runs apply() too: the recorded message makes it a no-op.
    release();
    await waitFor('the first delivery settled', () => firstSettled);

    // Assert
    // JetStream may hand the redelivery to the stuck consumer's buffer first: 2 or 3 deliveries, one effect.
    expect(calls[0]).toBe(1);
    expect(effects).toEqual([expect.stringMatching(/^slow@[23]$/)]);
  });

  it(`should keep published messages for a consumer that starts after the queue is reopened`, async () => {
    // Arrange
    const name = `contract-${randomUUID().slice(0, 8)}`;
    const first = await openQueue({}, name);
    await first.publish(message('kept'));
    await first.close();
    const reopened = await openQueue({}, name);
    const delivered: string[] = [];

    // Act
    await consume(reopened, (delivery) => {
      delivered.push(delivery.id);
    });
    await waitFor('the kept message', () => delivered.length === 1);

    // Assert
    expect(delivered).toEqual(['kept']);
  });

  it(`should refuse a message that is not one`, async () => {
    // Arrange
    const queue = await openQueue();

    // Act
    const refusals = await Promise.allSettled([
      queue.publish({ ...message('x'), id: '' }),
      queue.publish({ ...message('x'), subject: 'Not A Subject' }),
      queue.publish({ ...message('x'), payload: [] as unknown as Record<string, unknown> }),
    ]);

    // Assert
    expect(refusals.map((refusal) => (refusal.status === 'rejected' ? (refusal.reason as Error).message : 'published'))).toEqual([
      'Failed to publish a message: its id must be 1 to 200 characters.',
      'Failed to publish message x: its subject "Not A Subject" must be dotted lowercase words.',
      'Failed to publish message x: its payload must be a JSON object.',
    ]);
  });
});

afterAll(async () => {
  await db?.close();
  // A NATS server the environment names outlives the file: leave no test streams on it.
  if (nats.url !== undefined) {
    const connection = await connect({ servers: nats.url });
    const manager = await connection.jetstreamManager();
    for await (const stream of manager.streams.list()) {
      if (/^CONTRACT_[0-9A-F]{8}_(EVENTS|DEAD)$/.test(stream.config.name)) await manager.streams.delete(stream.config.name);
    }
    await connection.close();
  }
  await nats.stop();
});
