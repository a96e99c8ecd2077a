import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { RealtimeHub } from '../../src/realtime/realtime-hub.ts';
import { TENANT_HEADER } from '../../src/tenancy.ts';
import { startSupportDesk, type RunningSupportDesk } from '../support-desk.ts';
import { droppedOrderIds, TrackingFeed } from './order-traffic.ts';
import { openRealtime, realtimeUrl } from './realtime-client.ts';

describe('realtime burst', () => {
  let desk: RunningSupportDesk;
  let hub: RealtimeHub;
  let port: number;

  beforeAll(async () => {
    hub = new RealtimeHub();
    desk = await startSupportDesk({ realtime: hub });
    await desk.app.listen({ host: '127.0.0.1', port: 0 });
    port = (desk.app.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await desk?.close();
  });

  it('should leave the consumer of a burst of 60 000 updates with the final status of every order, and account for every update', async () => {
    // Arrange
    const tenant = await desk.createTenant('Burst Co');
    const user = await desk.createUser(tenant.id, { email: 'burst@burst.test', name: 'Burst' });
    const client = await openRealtime(realtimeUrl(port), tenant.id);
    const feed = new TrackingFeed(hub, tenant.id, user.id, 2_000);
    const before = hub.stats();

    // Act: one synchronous loop, no turn of the event loop until the last update is queued.
    feed.burst(60_000);
    feed.finish();
    await client.until(() =>
      [...feed.last.keys()].every((orderId) => ['delivered', 'cancelled'].includes(client.latest.get(orderId)?.status ?? '')),
    );

    // Assert
    const after = hub.stats();
    const counts = {
      published: feed.published,
      sent: after.messagesSent - before.messagesSent,
      coalesced: after.updatesCoalesced - before.updatesCoalesced,
      dropped: after.updatesDropped - before.updatesDropped,
    };
    const notices = client.events.filter((event) => event.type === 'updates.dropped').length;
    console.info(`[realtime burst] ${JSON.stringify({ ...counts, notices, received: client.events.length })}`);
    for (const [orderId, last] of feed.last) expect(client.latest.get(orderId)).toEqual({ status: last.status, version: last.version });
    // Every update was sent, coalesced into a later one, or dropped (and announced): none vanished.
    expect(counts.sent).toBe(counts.published - counts.coalesced - counts.dropped + notices);
    expect(client.events.length).toBe(counts.sent);
    expect(droppedOrderIds(client.events).count).toBe(counts.dropped);
    expect(counts.coalesced).toBeGreaterThan(0);
    expect(counts.dropped).toBeGreaterThan(0);
    // Memory: the socket held at most one message past its mark; the queue passed its soft limit by final statuses only.
    expect(after.peakBufferedAmount).toBeLessThan(hub.limits.highWaterMarkBytes + 1_024);
    expect(after.peakPendingBytes).toBeLessThanOrEqual(hub.limits.softLimitBytes + feed.terminalBytes() + 1_024);
    await client.close();
  });

  it('should deliver the final status of every order when status changes arrive over HTTP all at once', async () => {
    // Arrange
    const tenant = await desk.createTenant('Concurrent Co');
    const user = await desk.createUser(tenant.id, { email: 'many@concurrent.test', name: 'Many' });
    const orders = [];
    for (let index = 0; index < 30; index++) {
      orders.push(
        await desk.createOrder(tenant.id, { userId: user.id, currency: 'EUR', lines: [{ sku: 'PEN', quantity: 1, unitPriceCents: 150 }] }),
      );
    }
    const client = await openRealtime(realtimeUrl(port), tenant.id);
    const move = (orderId: string, status: string) =>
      desk.app.inject({ method: 'POST', url: `/orders/${orderId}/status`, headers: { [TENANT_HEADER]: tenant.id }, payload: { status } });

    // Act: every order's whole path at once; each order's steps in order.
    await Promise.all(
      orders.map(async (order, index) => {
        for (const status of ['confirmed', 'shipped', index % 3 === 0 ? 'delivered' : 'out_for_delivery']) {
          expect((await move(order.id, status)).statusCode).toBe(200);
        }
      }),
    );
    const finals = await Promise.all(
      orders.map(async (order) =>
        (await desk.app.inject({ method: 'GET', url: `/orders/${order.id}/status`, headers: { [TENANT_HEADER]: tenant.id } })).json<{
          orderId: string;
          status: string;
          version: number;
        }>(),
      ),
    );
    await client.until(() => finals.every((final) => client.latest.get(final.orderId)?.version === final.version));

    // Assert
    for (const final of finals) expect(client.latest.get(final.orderId)).toEqual({ status: final.status, version: 3 });
    await client.close();
  });
});
