import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createLedger, createProxy, type TcpProxy, type ToxicStream } from '@proving-ground/chaos-injectors';
import { postgresService } from '@proving-ground/test-modes';
import type { QueryResultRow } from 'pg';
import { openDatabase, type Database, type Sql } from '../../src/database.ts';
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER, type Order } from '../../src/orders.ts';
import { TENANT_HEADER, type Tenant } from '../../src/tenancy.ts';
import { buildDesk, type RunningSupportDesk } from '../support-desk.ts';

/** Where, in the transaction of `POST /orders`, the connection is reset. */
interface Cut {
  /** After this many statements of the route (1 the tenant, 2 the user, 3 the key, 4 the order, 5 its lines, 6-7 reading it back), or as it commits. */
  after: number | 'commit';
  /** `upstream`: the next statement never reaches the database; `downstream`: it runs there, and its answer is lost. */
  stream: ToxicStream;
}

/**
 * The app's database, with a way to reset the connection at an exact point of the next tenant
 * transaction: the proxy gets a `reset_peer` toxic once the route has run `cut.after` statements.
 */
function withCutPoint(database: Database, proxy: TcpProxy): Database & { arm(cut: Cut): void } {
  let armed: Cut | undefined;
  const reset = (cut: Cut) => proxy.addToxic({ name: 'mid-order-reset', type: 'reset_peer', stream: cut.stream });
  return {
    ...database,
    arm: (cut) => {
      armed = cut;
    },
    withTenant: (tenantId, work) =>
      database.withTenant(tenantId, async (sql) => {
        const cut = armed;
        armed = undefined;
        if (cut === undefined) return work(sql);
        let statements = 0;
        const counting: Sql = {
          async query<R extends QueryResultRow = QueryResultRow>(text: string, values?: readonly unknown[]) {
            const result = await sql.query<R>(text, values);
            if (++statements === cut.after) reset(cut);
            return result;
          },
        };
        const result = await work(counting);
        if (cut.after === 'commit') reset(cut);
        return result;
      }),
  };
}

describe('placing orders while the database connection is reset', () => {
  const postgres = postgresService();
  let proxy: TcpProxy;
  let database: ReturnType<typeof withCutPoint>;
  let closeDatabase: () => Promise<void>;
  let desk: RunningSupportDesk;
  let tenant: Tenant;
  let userId: string;
  /** The client's books: each order acknowledged (201), by its reference, with the id it was given. */
  const acknowledged = new Map<string, string>();
  const idleConnectionErrors: Error[] = [];

  beforeAll(async () => {
    const service = await postgres.start();
    const target = new URL(service.url);
    proxy = await createProxy({ upstream: `${target.hostname}:${target.port}`, name: 'postgres', seed: 2026 });
    const opened = await openDatabase({
      url: proxy.url(service.url),
      poolSize: service.kind === 'embedded' ? 1 : undefined,
      onIdleConnectionError: (error) => idleConnectionErrors.push(error),
    });
    closeDatabase = () => opened.close();
    database = withCutPoint(opened, proxy);
    desk = await buildDesk(database);
    tenant = await desk.createTenant('Unbroken Orders Ltd');
    userId = (await desk.createUser(tenant.id, { email: 'uma@unbroken.test', name: 'Uma' })).id;
  });

  afterEach(() => {
    for (const toxic of proxy.toxics()) proxy.removeToxic(toxic.name);
  });

  afterAll(async () => {
    await desk?.close();
    await closeDatabase?.();
    await proxy?.close();
    await postgres.stop();
  });

  /** POST /orders as a careful client does: the same Idempotency-Key on every retry of one order. */
  async function placeWithRetries(reference: string, options: { afterFailure?: () => void | Promise<void>; attempts?: number } = {}) {
    const responses = [];
    for (let attempt = 1; attempt <= (options.attempts ?? 5); attempt++) {
      const response = await desk.app.inject({
        method: 'POST',
        url: '/orders',
        headers: { [TENANT_HEADER]: tenant.id, [IDEMPOTENCY_KEY_HEADER]: `key-${reference}` },
        payload: { userId, currency: 'EUR', lines: [{ sku: reference, quantity: 1, unitPriceCents: 990 }] },
      });
      responses.push(response);
      if (response.statusCode === 201) {
        acknowledged.set(reference, response.json<Order>().id);
        break;
      }
      await options.afterFailure?.();
    }
    return responses;
  }

  /** Every order of the tenant, by the reference the client put in it (its one line's SKU). */
  async function storedOrders(): Promise<{ id: string; reference: string }[]> {
    return database.withTenant(tenant.id, async (sql) => {
      const found = await sql.query<{ id: string; reference: string | null }>(
        'SELECT o.id, l.sku AS reference FROM orders o LEFT JOIN order_lines l ON l.order_id = o.id',
      );
      return found.rows.map((row) => ({ id: row.id, reference: row.reference ?? `(order ${row.id} without lines)` }));
    });
  }

  /**
   * The ledger: every acknowledged order stored exactly once and nothing stored that was not
   * acknowledged (`CHAOS_LEDGER_MISMATCH` naming the lost, duplicated and unexpected otherwise);
   * returns the acknowledged orders stored under another id than the one the client was given.
   */
  async function reconcile(): Promise<string[]> {
    const stored = await storedOrders();
    const ledger = createLedger({ name: 'orders' });
    for (const reference of acknowledged.keys()) ledger.sent(reference);
    for (const order of stored) ledger.seen(order.reference);
    ledger.verify();
    const storedIds = new Map(stored.map((order) => [order.reference, order.id]));
    return [...acknowledged].filter(([reference, id]) => storedIds.get(reference) !== id).map(([reference]) => reference);
  }

  it.each<{ name: string; cut: Cut; replayed: boolean }>([
    { name: 'before the order row is sent', cut: { after: 3, stream: 'upstream' }, replayed: false },
    { name: 'after the order row is inserted, its answer lost', cut: { after: 3, stream: 'downstream' }, replayed: false },
    { name: 'between the order and its lines', cut: { after: 4, stream: 'upstream' }, replayed: false },
    { name: 'as the COMMIT is sent', cut: { after: 'commit', stream: 'upstream' }, replayed: false },
    { name: 'after the COMMIT applied, its answer lost', cut: { after: 'commit', stream: 'downstream' }, replayed: true },
  ])('should lose no order and duplicate none when the connection is reset $name', async ({ cut, replayed }) => {
    // Arrange
    const reference = `CUT-${String(cut.after).toUpperCase()}-${cut.stream.toUpperCase()}`;
    const eventsBefore = proxy.events.length;
    database.arm(cut);

    // Act: the first attempt is cut; the retry runs once the connection is back.
    const responses = await placeWithRetries(reference, { afterFailure: () => proxy.removeToxic('mid-order-reset') });

    // Assert
    expect(responses.map((response) => response.statusCode)).toEqual([503, 201]);
    expect(await reconcile()).toEqual([]);
    expect(responses[0]!.json()).toMatchObject({ type: 'https://support-desk.example/problems/database-unavailable', status: 503 });
    expect(responses[1]!.headers[IDEMPOTENT_REPLAYED_HEADER]).toBe(replayed ? 'true' : undefined);
    const resets = proxy.events.slice(eventsBefore).filter((event) => event.detail === 'mid-order-reset: reset the connection');
    expect(resets).toHaveLength(1);
  });

  it('should lose no order and duplicate none across a burst of orders under random resets and an outage', async () => {
    // Arrange: a tenth of the chunks sent to the database reset their connection (rolled from the seed).
    using resets = proxy.addToxic({ name: 'random-resets', type: 'reset_peer', stream: 'upstream', toxicity: 0.1, per: 'chunk' });
    const references = Array.from({ length: 12 }, (_, index) => `BURST-${index + 1}`);

    // Act
    for (const [index, reference] of references.entries()) {
      if (index === 6) {
        await proxy.down({ connections: 'reset' });
        await placeWithRetries(`${reference}-DOWN`, { attempts: 1 });
        await proxy.up();
      }
      await placeWithRetries(reference, { attempts: 20 });
    }
    resets.remove();

    // Assert
    expect(references.filter((reference) => !acknowledged.has(reference))).toEqual([]);
    expect(proxy.events.some((event) => event.detail === 'random-resets: reset the connection')).toBe(true);
    expect(await reconcile()).toEqual([]);
  });

  it('should refuse a retry whose key was used for another order, and place nothing', async () => {
    const [placed] = await placeWithRetries('KEY-REUSE');
    const before = (await storedOrders()).length;

    const reused = await desk.app.inject({
      method: 'POST',
      url: '/orders',
      headers: { [TENANT_HEADER]: tenant.id, [IDEMPOTENCY_KEY_HEADER]: 'key-KEY-REUSE' },
      payload: { userId, currency: 'EUR', lines: [{ sku: 'KEY-REUSE', quantity: 2, unitPriceCents: 990 }] },
    });

    expect(placed!.statusCode).toBe(201);
    expect(reused.statusCode).toBe(422);
    expect(reused.json()).toMatchObject({
      type: 'https://support-desk.example/problems/idempotency-key-reused',
      pointer: '/headers/idempotency-key',
    });
    expect((await storedOrders()).length).toBe(before);
  });
});
