import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import type { ConversationMessageEvent, OrderStatusEvent, RealtimeErrorEvent } from '../../src/realtime/events.ts';
import { TENANT_HEADER } from '../../src/tenancy.ts';
import { buildDesk, startSupportDesk, type RunningSupportDesk } from '../support-desk.ts';
import { openRealtime, realtimeUrl, refusedUpgrade } from './realtime-client.ts';

const LINE = { sku: 'MUG', quantity: 1, unitPriceCents: 1250 };
const isStatus = (event: { type: string }): event is OrderStatusEvent => event.type === 'order.status';

describe('realtime endpoint', () => {
  let desk: RunningSupportDesk;
  let port: number;

  beforeAll(async () => {
    desk = await startSupportDesk();
    await desk.app.listen({ host: '127.0.0.1', port: 0 });
    port = (desk.app.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await desk?.close();
  });

  async function moveOrder(tenantId: string, orderId: string, status: string) {
    const response = await desk.app.inject({
      method: 'POST',
      url: `/orders/${orderId}/status`,
      headers: { [TENANT_HEADER]: tenantId },
      payload: { status },
    });
    expect(response.statusCode).toBe(200);
    return response.json<{ version: number }>();
  }

  describe('authentication', () => {
    it.each([
      { name: 'no tenant header', headers: {}, status: 400, type: 'tenant-required' },
      { name: 'a tenant header that is not a UUID', headers: { [TENANT_HEADER]: "1' OR '1'='1" }, status: 400, type: 'tenant-required' },
      {
        name: 'a tenant that does not exist',
        headers: { [TENANT_HEADER]: '00000000-0000-4000-8000-000000000000' },
        status: 404,
        type: 'unknown-tenant',
      },
    ])('should refuse the upgrade with $name as the HTTP API does ($status $type)', async ({ headers, status, type }) => {
      const refused = await refusedUpgrade(realtimeUrl(port), headers);

      expect(refused).toEqual({
        status,
        type: 'application/problem+json',
        body: {
          type: `https://support-desk.example/problems/${type}`,
          title: expect.any(String),
          status,
          detail: expect.any(String),
          instance: '/realtime',
        },
      });
    });

    it("should refuse a socket for a customer who is not the tenant's", async () => {
      const tenant = await desk.createTenant('Realtime Refusals');
      const other = await desk.createTenant('Realtime Others');
      const outsider = await desk.createUser(other.id, { email: 'out@others.test', name: 'Out' });

      const refused = await refusedUpgrade(realtimeUrl(port, outsider.id), { [TENANT_HEADER]: tenant.id });

      expect(refused).toMatchObject({ status: 422, body: { type: 'https://support-desk.example/problems/unknown-reference' } });
    });

    it('should check an API key on the upgrade as the HTTP API does: a live key opens, a forged or revoked one is refused', async () => {
      const tenant = await desk.createTenant('Realtime Keys');
      const other = await desk.createTenant('Realtime Key Thieves');
      const created = await desk.app.inject({
        method: 'POST',
        url: '/tenants/current/api-keys',
        headers: { [TENANT_HEADER]: tenant.id },
        payload: { name: 'socket client' },
      });
      const key = created.json<{ id: string; key: string }>().key;
      const secret = key.split('_').slice(2).join('_');
      const forged = `sdk_${other.id.replaceAll('-', '')}_${secret}`;

      const socket = new WebSocket(realtimeUrl(port), { headers: { authorization: `Bearer ${key}` } });
      const opened = await new Promise<boolean>((resolve) => {
        socket.once('open', () => resolve(true));
        socket.once('error', () => resolve(false));
      });
      socket.close();
      const withForged = await refusedUpgrade(realtimeUrl(port), { authorization: `Bearer ${forged}` });
      const malformed = await refusedUpgrade(realtimeUrl(port), { authorization: 'Bearer not-a-key', [TENANT_HEADER]: tenant.id });
      await desk.app.inject({
        method: 'DELETE',
        url: `/tenants/current/api-keys/${created.json<{ id: string }>().id}`,
        headers: { [TENANT_HEADER]: tenant.id },
      });
      const revoked = await refusedUpgrade(realtimeUrl(port), { authorization: `Bearer ${key}` });

      expect(opened).toBe(true);
      for (const refused of [withForged, malformed, revoked]) {
        expect(refused).toMatchObject({ status: 401, body: { type: 'https://support-desk.example/problems/invalid-credentials' } });
      }
    });

    it('should answer an upgrade on another path with a 404 problem', async () => {
      const tenant = await desk.createTenant('Realtime Paths');

      const refused = await refusedUpgrade(`ws://127.0.0.1:${port}/realtime-nope`, { [TENANT_HEADER]: tenant.id });

      expect(refused).toMatchObject({ status: 404, body: { type: 'https://support-desk.example/problems/not-found' } });
    });
  });

  describe('tenant isolation', () => {
    it("should push an order's status changes to its tenant's sockets only", async () => {
      // Arrange
      const acme = await desk.createTenant('Acme Realtime');
      const globex = await desk.createTenant('Globex Realtime');
      const ann = await desk.createUser(acme.id, { email: 'ann@acme.test', name: 'Ann' });
      const gil = await desk.createUser(globex.id, { email: 'gil@globex.test', name: 'Gil' });
      const acmeOrder = await desk.createOrder(acme.id, { userId: ann.id, currency: 'EUR', lines: [LINE] });
      const globexOrder = await desk.createOrder(globex.id, { userId: gil.id, currency: 'EUR', lines: [LINE] });
      const acmeSocket = await openRealtime(realtimeUrl(port), acme.id);
      const globexSocket = await openRealtime(realtimeUrl(port), globex.id);

      // Act: Acme's change first; Globex's own change after it is the marker that everything before it arrived.
      await moveOrder(acme.id, acmeOrder.id, 'confirmed');
      await moveOrder(acme.id, acmeOrder.id, 'shipped');
      await moveOrder(globex.id, globexOrder.id, 'cancelled');
      await acmeSocket.until(() => acmeSocket.latest.get(acmeOrder.id)?.status === 'shipped');
      await globexSocket.until(() => globexSocket.latest.get(globexOrder.id)?.status === 'cancelled');

      // Assert
      expect(acmeSocket.events.filter(isStatus).map((event) => [event.orderId, event.status, event.version])).toEqual([
        [acmeOrder.id, 'confirmed', 1],
        [acmeOrder.id, 'shipped', 2],
      ]);
      expect(globexSocket.events).toEqual([
        { type: 'order.status', orderId: globexOrder.id, userId: gil.id, status: 'cancelled', version: 1, updatedAt: expect.any(String) },
      ]);
      await acmeSocket.close();
      await globexSocket.close();
    });

    it("should push to a customer's socket (?userId=) that customer's orders only", async () => {
      const tenant = await desk.createTenant('Customer Sockets');
      const ann = await desk.createUser(tenant.id, { email: 'ann@customers.test', name: 'Ann' });
      const bob = await desk.createUser(tenant.id, { email: 'bob@customers.test', name: 'Bob' });
      const annOrder = await desk.createOrder(tenant.id, { userId: ann.id, currency: 'EUR', lines: [LINE] });
      const bobOrder = await desk.createOrder(tenant.id, { userId: bob.id, currency: 'EUR', lines: [LINE] });
      const annSocket = await openRealtime(realtimeUrl(port, ann.id), tenant.id);

      await moveOrder(tenant.id, bobOrder.id, 'confirmed');
      await moveOrder(tenant.id, annOrder.id, 'confirmed');
      await annSocket.until(() => annSocket.latest.has(annOrder.id));

      expect(annSocket.events.filter(isStatus).map((event) => event.orderId)).toEqual([annOrder.id]);
      await annSocket.close();
    });
  });

  describe('client messages', () => {
    it.each([
      { name: 'a message that is not JSON', message: '{"type":', detail: 'The message is not JSON.' },
      {
        name: 'an unknown message type',
        message: JSON.stringify({ type: 'subscribe' }),
        detail: expect.stringContaining('Unknown message type'),
      },
      {
        name: "another tenant's conversation",
        message: JSON.stringify({ type: 'message', conversationId: '00000000-0000-4000-8000-000000000000', text: 'Hello?' }),
        detail: expect.stringContaining('No conversation has the id'),
      },
    ])('should answer $name with an error event holding problem details', async ({ message, detail }) => {
      const tenant = await desk.createTenant('Socket Messages');
      const socket = await openRealtime(realtimeUrl(port), tenant.id);

      socket.socket.send(message);
      const error = await socket.waitFor((event): event is RealtimeErrorEvent => event.type === 'error');

      expect(error.problem).toMatchObject({ status: expect.any(Number), detail, instance: '/realtime' });
      expect(socket.events.filter((event): event is ConversationMessageEvent => event.type === 'conversation.message')).toEqual([]);
      await socket.close();
    });
  });

  it('should close every socket with 1001 when the service closes', async () => {
    const other = await buildDesk(desk.database);
    await other.app.listen({ host: '127.0.0.1', port: 0 });
    const tenant = await other.createTenant('Closing Time');
    const socket = await openRealtime(realtimeUrl((other.app.server.address() as AddressInfo).port), tenant.id);

    await other.close();

    expect(await socket.closed).toEqual({ code: 1001, reason: 'server shutting down' });
  });
});
