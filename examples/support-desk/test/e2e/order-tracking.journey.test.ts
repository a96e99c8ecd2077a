import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import type { OrderStatusEvent, OrderStatusState } from '../../src/realtime/events.ts';
import { TENANT_HEADER, type Tenant } from '../../src/tenancy.ts';
import type { User } from '../../src/users.ts';
import { openRealtime, realtimeUrl } from '../realtime/realtime-client.ts';
import { startSupportDesk, type RunningSupportDesk } from '../support-desk.ts';

const isStatus = (event: { type: string }): event is OrderStatusEvent => event.type === 'order.status';

describe('order tracking journey', () => {
  let desk: RunningSupportDesk;
  let port: number;
  let tenant: Tenant;
  let ann: User;

  beforeAll(async () => {
    desk = await startSupportDesk();
    await desk.app.listen({ host: '127.0.0.1', port: 0 });
    port = (desk.app.server.address() as AddressInfo).port;
    tenant = await desk.createTenant('Tracked Parcels Ltd');
    ann = await desk.createUser(tenant.id, { email: 'ann@parcels.test', name: 'Ann' });
  });

  afterAll(async () => {
    await desk?.close();
  });

  const move = (orderId: string, status: string) =>
    desk.http({ method: 'POST', url: `/orders/${orderId}/status`, headers: { [TENANT_HEADER]: tenant.id }, payload: { status } });
  const statusOf = (orderId: string) =>
    desk.http({ method: 'GET', url: `/orders/${orderId}/status`, headers: { [TENANT_HEADER]: tenant.id } });

  it('should show the customer every status of their order live, from placed to delivered, as the HTTP API reports it', async () => {
    // Arrange: Ann places an order and follows her orders on a socket of her own.
    const order = await desk.createOrder(tenant.id, {
      userId: ann.id,
      currency: 'EUR',
      lines: [{ sku: 'LAMP', quantity: 1, unitPriceCents: 4900 }],
    });
    const placed = await statusOf(order.id);
    const annSocket = await openRealtime(realtimeUrl(port, ann.id), tenant.id);

    // Act: the warehouse moves the order along, one step at a time.
    const answers: OrderStatusState[] = [];
    for (const status of ['confirmed', 'shipped', 'out_for_delivery', 'delivered']) {
      const moved = await move(order.id, status);
      expect(moved.statusCode).toBe(200);
      answers.push(moved.json<OrderStatusState>());
    }
    await annSocket.until(() => annSocket.latest.get(order.id)?.status === 'delivered');
    const delivered = await statusOf(order.id);

    // Assert
    expect(placed.json()).toEqual({ orderId: order.id, status: 'placed', version: 0, updatedAt: order.createdAt });
    const pushed = annSocket.events.filter(isStatus);
    expect(pushed.map((event) => [event.status, event.version])).toEqual([
      ['confirmed', 1],
      ['shipped', 2],
      ['out_for_delivery', 3],
      ['delivered', 4],
    ]);
    // What the socket pushed is what the API answered, field for field.
    expect(
      pushed.map((event) => ({ orderId: event.orderId, status: event.status, version: event.version, updatedAt: event.updatedAt })),
    ).toEqual(answers);
    expect(pushed.every((event) => event.userId === ann.id)).toBe(true);
    expect(delivered.json()).toEqual(answers.at(-1));
    await annSocket.close();
  });

  it('should refuse a move the order cannot make, and push nothing for it', async () => {
    const order = await desk.createOrder(tenant.id, {
      userId: ann.id,
      currency: 'EUR',
      lines: [{ sku: 'DESK', quantity: 1, unitPriceCents: 19900 }],
    });
    const annSocket = await openRealtime(realtimeUrl(port, ann.id), tenant.id);

    const shipped = await move(order.id, 'shipped');
    const cancelLate = await move(order.id, 'cancelled');
    const back = await move(order.id, 'placed');
    const delivered = await move(order.id, 'delivered');
    const afterDelivery = await move(order.id, 'out_for_delivery');
    await annSocket.until(() => annSocket.latest.get(order.id)?.status === 'delivered');

    expect(shipped.json()).toMatchObject({ status: 'shipped', version: 1 });
    expect(cancelLate.statusCode).toBe(409);
    expect(cancelLate.json()).toMatchObject({
      type: 'https://support-desk.example/problems/invalid-transition',
      currentStatus: 'shipped',
      allowedStatuses: ['out_for_delivery', 'delivered'],
    });
    expect(back.statusCode).toBe(409);
    expect(delivered.json()).toMatchObject({ status: 'delivered', version: 2 });
    expect(afterDelivery.json()).toMatchObject({ status: 409, currentStatus: 'delivered', allowedStatuses: [] });
    expect(annSocket.events.filter(isStatus).map((event) => event.status)).toEqual(['shipped', 'delivered']);
    await annSocket.close();
  });

  it('should let a customer who opens the socket late catch up over HTTP, then follow the rest live', async () => {
    // Arrange: the order is confirmed while nobody listens.
    const order = await desk.createOrder(tenant.id, {
      userId: ann.id,
      currency: 'EUR',
      lines: [{ sku: 'CHAIR', quantity: 2, unitPriceCents: 7500 }],
    });
    await move(order.id, 'confirmed');

    // Act
    const annSocket = await openRealtime(realtimeUrl(port, ann.id), tenant.id);
    const caughtUp = (await statusOf(order.id)).json<OrderStatusState>();
    await move(order.id, 'cancelled');
    await annSocket.until(() => annSocket.latest.has(order.id));

    // Assert: the socket carries only what happened after it opened; the version says nothing was missed in between.
    expect(caughtUp).toMatchObject({ status: 'confirmed', version: 1 });
    expect(annSocket.events.filter(isStatus).map((event) => [event.status, event.version])).toEqual([['cancelled', caughtUp.version + 1]]);
    await annSocket.close();
  });

  it("should not push another customer's orders to a customer's socket, nor another tenant's to anyone", async () => {
    const bob = await desk.createUser(tenant.id, { email: 'bob@parcels.test', name: 'Bob' });
    const other = await desk.createTenant('Other Parcels Ltd');
    const olga = await desk.createUser(other.id, { email: 'olga@other.test', name: 'Olga' });
    const bobOrder = await desk.createOrder(tenant.id, {
      userId: bob.id,
      currency: 'EUR',
      lines: [{ sku: 'BOX', quantity: 1, unitPriceCents: 300 }],
    });
    const olgaOrder = await desk.createOrder(other.id, {
      userId: olga.id,
      currency: 'EUR',
      lines: [{ sku: 'BOX', quantity: 1, unitPriceCents: 300 }],
    });
    const annOrder = await desk.createOrder(tenant.id, {
      userId: ann.id,
      currency: 'EUR',
      lines: [{ sku: 'BOX', quantity: 1, unitPriceCents: 300 }],
    });
    const annSocket = await openRealtime(realtimeUrl(port, ann.id), tenant.id);
    const staffSocket = await openRealtime(realtimeUrl(port), tenant.id);

    await move(bobOrder.id, 'confirmed');
    const foreign = await desk.http({
      method: 'POST',
      url: `/orders/${olgaOrder.id}/status`,
      headers: { [TENANT_HEADER]: other.id },
      payload: { status: 'confirmed' },
    });
    const crossTenant = await move(olgaOrder.id, 'shipped');
    await move(annOrder.id, 'confirmed');
    await annSocket.until(() => annSocket.latest.has(annOrder.id));
    await staffSocket.until(() => staffSocket.latest.has(annOrder.id));

    expect(foreign.statusCode).toBe(200);
    expect(crossTenant.statusCode).toBe(404);
    expect(annSocket.events.filter(isStatus).map((event) => event.orderId)).toEqual([annOrder.id]);
    expect(staffSocket.events.filter(isStatus).map((event) => event.orderId)).toEqual([bobOrder.id, annOrder.id]);
    await annSocket.close();
    await staffSocket.close();
  });
});
