import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createProxy } from '@proving-ground/chaos-injectors';
import type { AddressInfo } from 'node:net';
import { RealtimeHub } from '../../src/realtime/realtime-hub.ts';
import { SLOW_CONSUMER_CLOSE_CODE } from '../../src/realtime/send-queue.ts';
import { TENANT_HEADER } from '../../src/tenancy.ts';
import { buildDesk, openDeskDatabase, type DeskDatabase, type RunningSupportDesk } from '../support-desk.ts';
import { droppedOrderIds, TrackingFeed, trackedOrderId } from './order-traffic.ts';
import { openRealtime, realtimeUrl } from './realtime-client.ts';

/** Bounds the feed: the policy acts long before this many updates on any machine. */
const MAX_UPDATES = 400_000;

describe('realtime slow consumer', () => {
  let db: DeskDatabase;
  let desk: RunningSupportDesk | undefined;

  beforeAll(async () => {
    db = await openDeskDatabase();
  });

  afterEach(async () => {
    await desk?.close();
    desk = undefined;
  });

  afterAll(async () => {
    await db?.close();
  });

  async function start(hub: RealtimeHub): Promise<{ desk: RunningSupportDesk; port: number }> {
    desk = await buildDesk(db.database, { realtime: hub });
    await desk.app.listen({ host: '127.0.0.1', port: 0 });
    return { desk, port: (desk.app.server.address() as AddressInfo).port };
  }

  it('should coalesce and drop non-terminal updates behind a slow link, keep the socket buffer bounded, and still deliver every final status', async () => {
    // Arrange: the consumer reads through the chaos proxy at 64 KB/s.
    const hub = new RealtimeHub({ limits: { slowConsumerTimeoutMs: 60_000 } });
    const { desk, port } = await start(hub);
    const tenant = await desk.createTenant('Slow Link Ltd');
    const ann = await desk.createUser(tenant.id, { email: 'ann@slow.test', name: 'Ann' });
    const placed = await Promise.all(
      [1, 2, 3].map(() =>
        desk.createOrder(tenant.id, { userId: ann.id, currency: 'EUR', lines: [{ sku: 'MUG', quantity: 1, unitPriceCents: 900 }] }),
      ),
    );
    await using proxy = await createProxy({ upstream: `127.0.0.1:${port}`, seed: 14 });
    const slowLink = proxy.addToxic({ type: 'bandwidth', attributes: { rate: 64 } });
    const client = await openRealtime(realtimeUrl(proxy.port), tenant.id);
    const feed = new TrackingFeed(hub, tenant.id, ann.id, 1_000);

    // Act: the feed outruns the link until the policy has dropped updates, while real orders move over HTTP.
    const move = async (orderId: string, status: string) => {
      const response = await desk.app.inject({
        method: 'POST',
        url: `/orders/${orderId}/status`,
        headers: { [TENANT_HEADER]: tenant.id },
        payload: { status },
      });
      expect(response.statusCode).toBe(200);
    };
    await Promise.all([
      feed.stream(500, () => hub.stats().updatesDropped > 0 || feed.published >= MAX_UPDATES),
      (async () => {
        for (const status of ['confirmed', 'shipped', 'out_for_delivery', 'delivered'])
          for (const order of placed) await move(order.id, status);
      })(),
    ]);
    feed.finish();
    const underLoad = hub.stats();
    slowLink.remove();
    const everyOrder = [...feed.last.keys(), ...placed.map((order) => order.id)];
    const isFinal = (orderId: string) => ['delivered', 'cancelled'].includes(client.latest.get(orderId)?.status ?? '');
    await client
      .until(() => everyOrder.every(isFinal), 20_000)
      .catch((error: Error) => {
        const missing = everyOrder.filter((orderId) => !isFinal(orderId)).length;
        throw new Error(`${error.message} ${missing} orders without their final status; hub: ${JSON.stringify(hub.stats())}`);
      });

    // Assert: the policy acted...
    expect(underLoad.updatesCoalesced).toBeGreaterThan(0);
    expect(underLoad.updatesDropped).toBeGreaterThan(0);
    expect(underLoad.slowConsumersDisconnected).toBe(0);
    expect(underLoad.messagesSent).toBeLessThan(feed.published);
    // ...the socket never held more than one message past its high-water mark, the connection never passed the hard limit...
    expect(underLoad.peakBufferedAmount).toBeLessThan(hub.limits.highWaterMarkBytes + 1_024);
    expect(underLoad.peakPendingBytes).toBeLessThanOrEqual(hub.limits.softLimitBytes + feed.terminalBytes() + 1_024);
    expect(underLoad.peakPendingBytes).toBeLessThanOrEqual(hub.limits.hardLimitBytes);
    // ...and the consumer still ends with the final status of every order, and was told which orders lost updates.
    for (const [orderId, last] of feed.last)
      expect([orderId, client.latest.get(orderId)]).toEqual([orderId, { status: last.status, version: last.version }]);
    for (const order of placed) expect(client.latest.get(order.id)).toEqual({ status: 'delivered', version: 4 });
    const dropped = droppedOrderIds(client.events);
    expect(dropped.count).toBeGreaterThan(0);
    expect([...dropped.ids].every((orderId) => feed.last.has(orderId))).toBe(true);
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    await client.close();
  });

  it('should close a consumer that stays over the hard limit with 4008 and a reason, and free its queue', async () => {
    // Arrange: a link so slow the consumer all but stops reading, and only updates the policy may not drop (terminal ones).
    const hub = new RealtimeHub({ limits: { slowConsumerTimeoutMs: 300 } });
    const { desk, port } = await start(hub);
    const tenant = await desk.createTenant('Stalled Reader Ltd');
    const bob = await desk.createUser(tenant.id, { email: 'bob@stalled.test', name: 'Bob' });
    await using proxy = await createProxy({ upstream: `127.0.0.1:${port}`, seed: 14 });
    const stalled = proxy.addToxic({ type: 'bandwidth', attributes: { rate: 1 } });
    const client = await openRealtime(realtimeUrl(proxy.port), tenant.id);
    let next = 0;
    const feed = new TrackingFeed(hub, tenant.id, bob.id, MAX_UPDATES);

    // Act: every update ends a new order, so none can be dropped or coalesced.
    while (hub.stats().slowConsumersDisconnected === 0 && next < MAX_UPDATES) {
      for (const end = next + 500; next < end; next++) feed.update(next, 'cancelled');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const atClose = hub.stats();
    stalled.remove();
    const closed = await client.closed;

    // Assert
    expect(atClose.slowConsumersDisconnected).toBe(1);
    expect(atClose.updatesDropped).toBe(0);
    expect(atClose.peakBufferedAmount).toBeLessThan(hub.limits.highWaterMarkBytes + 1_024);
    expect(closed).toEqual({
      code: SLOW_CONSUMER_CLOSE_CODE,
      reason: expect.stringMatching(/^slow consumer: over 262144 bytes for 300 ms$/),
    });
    expect(client.latest.has(trackedOrderId(next - 1))).toBe(false);
    // Publishing goes on for the others: the closed connection holds nothing.
    feed.update(0, 'delivered');
    expect(hub.stats().connectionsOpen).toBe(0);
  });
});
