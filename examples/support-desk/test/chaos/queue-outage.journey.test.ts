import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect } from 'nats';
import { createLedger, createProxy, expectNoLossNoDuplicates, type TcpProxy } from '@proving-ground/chaos-injectors';
import { postgresService } from '@proving-ground/test-modes';
import { openDatabase, type Database } from '../../src/database.ts';
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER, type Order } from '../../src/orders.ts';
import { PROBLEM_TYPE_BASE } from '../../src/problems.ts';
import { JetStreamQueue } from '../../src/queue/jetstream-queue.ts';
import type { MessageQueue, MessageQueueOptions } from '../../src/queue/message-queue.ts';
import { ORDER_PLACED, startOrderNotifier, type OrderPlacedPayload } from '../../src/queue/order-events.ts';
import { OutboxQueue } from '../../src/queue/outbox-queue.ts';
import { TENANT_HEADER } from '../../src/tenancy.ts';
import { natsForTests } from '../queue/nats-server.ts';
import { waitFor } from '../queue/wait-for.ts';
import { buildDesk } from '../support-desk.ts';

const nats = await natsForTests();

/** Deliveries before a message is dead-lettered, and short waits so the journey stays within seconds. */
const QUEUE: MessageQueueOptions = { name: 'outage-journey', maxDeliveries: 3, retryDelayMs: 100, ackWaitMs: 1500 };

/** The price that makes the fulfilment system refuse an order until it is fixed: a poison message. */
const POISON_CENTS = 1313;

/** The service's database and queue, with the broker behind the fault proxy. */
interface Broker {
  database: Database;
  queue: MessageQueue;
  proxy: TcpProxy;
  /** Errors the queue recovered from: the outage as the queue felt it. */
  queueErrors: unknown[];
  close(): Promise<void>;
}

/** One PostgreSQL for the file (PGlite unless DATABASE_URL names a server): starting it is the slow part. */
const postgres = postgresService();

// Started once, before the journeys' own time limits count (start() is memoized).
beforeAll(() => postgres.start(), 60_000);

/** The embedded queue: its broker is the service's PostgreSQL, so the proxy carries every query, the API's included. */
async function outboxBehindProxy(): Promise<Broker> {
  const service = await postgres.start();
  const target = new URL(service.url);
  const proxy = await createProxy({ upstream: `${target.hostname}:${target.port}`, name: 'postgres' });
  const database = await openDatabase({
    url: proxy.url(service.url),
    poolSize: service.kind === 'embedded' ? 1 : undefined,
    onIdleConnectionError: () => {},
  });
  const queueErrors: unknown[] = [];
  const queue = new OutboxQueue(database, { ...QUEUE, pollIntervalMs: 50, onError: (error) => queueErrors.push(error) });
  return {
    database,
    queue,
    proxy,
    queueErrors,
    async close() {
      await queue.close();
      await database.close();
      await proxy.close();
    },
  };
}

/** NATS JetStream behind the proxy; the database is reached directly. */
async function jetStreamBehindProxy(): Promise<Broker> {
  const target = new URL(nats.url!);
  const proxy = await createProxy({ upstream: `${target.hostname}:${target.port}`, name: 'nats' });
  const service = await postgres.start();
  const database = await openDatabase({ url: service.url, poolSize: service.kind === 'embedded' ? 1 : undefined });
  const queueErrors: unknown[] = [];
  const name = `outage-journey-${Date.now().toString(36)}`;
  const streamBase = name.toUpperCase().replaceAll('-', '_');
  const queue = await JetStreamQueue.connect(proxy.url(nats.url), {
    ...QUEUE,
    name,
    publishTimeoutMs: 1000,
    onError: (error) => queueErrors.push(error),
  });
  return {
    database,
    queue,
    proxy,
    queueErrors,
    async close() {
      await queue.close();
      // A NATS server the environment names outlives the file: leave no journey streams on it.
      const connection = await connect({ servers: nats.url });
      const manager = await connection.jetstreamManager();
      for (const suffix of ['EVENTS', 'DEAD']) await manager.streams.delete(`${streamBase}_${suffix}`);
      await connection.close();
      await database.close();
      await proxy.close();
    },
  };
}

const BACKENDS = [
  { backend: 'outbox', skipReason: undefined, open: outboxBehindProxy },
  { backend: 'jetstream', skipReason: nats.skipReason, open: jetStreamBehindProxy },
];

describe.each(BACKENDS)('a queue outage ($backend)', ({ backend, skipReason, open }) => {
  // JetStream needs a NATS server (NATS_URL, or a `nats-server` to start): without one a developer's
  // run skips that backend with the reason; in CI test/queue/nats-server.ts fails instead.
  if (skipReason !== undefined) {
    it.skip(`should lose or duplicate no message across an outage ${skipReason}`, () => undefined);
    return;
  }

  it(`should send the messages whose handler keeps failing to the dead-letter queue, replay them, and lose or duplicate none`, async () => {
    // Arrange
    const broker = await open();
    const { proxy, queue, database } = broker;
    const desk = await buildDesk(database, { events: queue });
    try {
      const tenant = await desk.createTenant(`Outage Traders (${backend})`);
      const user = await desk.createUser(tenant.id, { email: 'olga@outage.test', name: 'Olga' });
      /** The client's books: every order acknowledged (201), by its Idempotency-Key. */
      const acknowledged = new Map<string, string>();
      const place = (key: string, unitPriceCents: number) =>
        desk.app.inject({
          method: 'POST',
          url: '/orders',
          headers: { [TENANT_HEADER]: tenant.id, [IDEMPOTENCY_KEY_HEADER]: key },
          payload: { userId: user.id, currency: 'EUR', lines: [{ sku: key, quantity: 1, unitPriceCents }] },
        });
      const price = (key: string) => (key.startsWith('poison') ? POISON_CENTS : 990);
      /** A careful client: on a 503, the same request with the same key again, a little later (20 tries at most). */
      async function placeAcknowledged(key: string) {
        let response = await place(key, price(key));
        for (let attempt = 1; attempt < 20 && response.statusCode === 503; attempt++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          response = await place(key, price(key));
        }
        expect(response.statusCode).toBe(201);
        acknowledged.set(key, response.json<Order>().id);
        return response;
      }

      // Orders placed before anything consumes them: two will poison the fulfilment system.
      for (const key of ['o1', 'poison-1', 'o2', 'o3', 'poison-2', 'o4']) await placeAcknowledged(key);

      // Act 1: the broker goes down mid-flow, as the notifier handles its third message.
      let fixed = false;
      let handled = 0;
      let outage: Promise<void> | undefined;
      const notifier = await startOrderNotifier(queue, database, (payload: OrderPlacedPayload) => {
        if (++handled === 3) outage ??= proxy.down();
        if (!fixed && payload.totalCents === POISON_CENTS) throw new Error(`fulfilment refused order ${payload.orderId}`);
      });
      await waitFor('the outage', () => outage !== undefined);
      await outage;

      // Act 2: orders placed during the outage fail with a 503 (the database, or the queue once
      // the order is stored); the client retries each with its key once the broker is back.
      const duringOutage = await Promise.all(
        ['o5', 'o6', 'poison-3'].map(async (key) => ({ key, response: await place(key, price(key)) })),
      );
      await proxy.up();
      for (const { key } of duringOutage) await placeAcknowledged(key);
      // A client retrying an order it already got (its answer lost): the event is published again, and dropped.
      const retried = await place('o1', price('o1'));

      const poisonIds = [...acknowledged].filter(([key]) => key.startsWith('poison')).map(([, id]) => `${ORDER_PLACED}:${id}`);
      const healthy = [...acknowledged].filter(([key]) => !key.startsWith('poison')).map(([, id]) => id);
      await waitFor(
        'the healthy orders notified and three dead letters',
        async () => new Set(await notifiedOrders(database, tenant.id)).size === healthy.length && (await queue.deadLetters()).length === 3,
      );
      const deadLetters = await queue.deadLetters();
      const notifiedBeforeReplay = await notifiedOrders(database, tenant.id);

      // Act 3: the fulfilment system is fixed, and the dead letters are replayed.
      fixed = true;
      const replayed = await queue.replayDeadLetters();
      await waitFor('every order notified', async () => new Set(await notifiedOrders(database, tenant.id)).size === acknowledged.size);
      await notifier.stop();

      // Assert
      expect(duringOutage.map(({ response }) => response.statusCode)).toEqual([503, 503, 503]);
      expect(duringOutage.map(({ response }) => response.json<{ type: string }>().type)).toEqual(
        Array(3).fill(`${PROBLEM_TYPE_BASE}${backend === 'outbox' ? 'database-unavailable' : 'queue-unavailable'}`),
      );
      expect(retried.statusCode).toBe(201);
      expect(retried.headers[IDEMPOTENT_REPLAYED_HEADER]).toBe('true');
      expect(broker.queueErrors.length).toBeGreaterThan(0);
      expectNoLossNoDuplicates(
        poisonIds,
        deadLetters.map((letter) => letter.id),
        { name: 'dead letters' },
      );
      expect(deadLetters.map((letter) => [letter.subject, letter.deliveries, letter.error])).toEqual(
        deadLetters.map((letter) => [ORDER_PLACED, 3, `Error: fulfilment refused order ${letter.payload['orderId'] as string}`]),
      );
      expect(notifiedBeforeReplay.sort()).toEqual(healthy.sort());
      expect(replayed).toBe(3);
      expect(await queue.deadLetters()).toEqual([]);
      // The ledger: every order the client got a 201 for notified exactly once, and nothing else.
      const ledger = createLedger({ name: `${ORDER_PLACED} events` });
      for (const id of acknowledged.values()) ledger.sent(id);
      for (const id of await notifiedOrders(database, tenant.id)) ledger.seen(id);
      expect(ledger.verify()).toMatchObject({ sent: 9, seen: 9, ok: true });
    } finally {
      await proxy.up();
      await desk.close();
      await broker.close();
    }
  }, 60_000);
});

/** The order of every notification row of the tenant, one entry per row (a duplicate shows twice). */
async function notifiedOrders(database: Database, tenantId: string): Promise<string[]> {
  return database.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<{ order_id: string }>('SELECT order_id FROM order_notifications ORDER BY created_at');
    return rows.rows.map((row) => row.order_id);
  });
}

afterAll(async () => {
  await postgres.stop();
  await nats.stop();
});
