import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { withTenant, type CreatedOf } from '@proving-ground/factories';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DownloadLinks } from '../../src/download-links.ts';
import { NDJSON_CONTENT_TYPE, type OrderExport } from '../../src/exports.ts';
import { TENANT_HEADER } from '../../src/tenancy.ts';
import { Lead, Order, Tenant, User, useSupportDesk } from '../factories/index.ts';
import { startSupportDesk, type RunningSupportDesk } from '../support-desk.ts';

const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

describe('data export journey', () => {
  const directory = mkdtempSync(join(tmpdir(), 'support-desk-export-journey-'));
  let desk: RunningSupportDesk;
  let tenantA: CreatedOf<typeof Tenant>;
  let tenantB: CreatedOf<typeof Tenant>;
  let usersOfA: CreatedOf<typeof User>[];
  let ordersOfA: CreatedOf<typeof Order>[];
  let ordersOfB: CreatedOf<typeof Order>[];

  beforeAll(async () => {
    desk = await startSupportDesk({ exports: { directory, links: new DownloadLinks({ secret: randomBytes(32) }) } });
    useSupportDesk(desk);
    [tenantA, tenantB] = (await Tenant.createList(2)) as [CreatedOf<typeof Tenant>, CreatedOf<typeof Tenant>];
    ({ usersOfA, ordersOfA } = await withTenant(tenantA, async () => {
      const users = await User.createList(2);
      const orders = [
        await Order.create({ userId: users[0]! }, { traits: ['single'] }),
        await Order.create({ userId: users[1]! }),
        await Order.create({ userId: users[0]! }, { traits: ['bulk'] }),
      ];
      // Leads are personal data too, and not orders: none belongs in an order export.
      await Lead.create();
      return { usersOfA: users, ordersOfA: orders };
    }));
    ordersOfB = await withTenant(tenantB, () => Order.createList(2));
  });

  afterAll(async () => {
    await desk?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  async function exportOf(tenantId: string): Promise<{ created: OrderExport; text: string; bytes: Buffer; contentType: string }> {
    const response = await desk.http({ method: 'POST', url: '/orders/export', headers: { [TENANT_HEADER]: tenantId } });
    expect(response.statusCode).toBe(201);
    const created = response.json<OrderExport>();
    const download = await desk.http({ method: 'GET', url: created.download.url });
    expect(download.statusCode).toBe(200);
    expect(Number(download.headers['content-length'])).toBe(download.rawPayload.length);
    return { created, text: download.body, bytes: download.rawPayload, contentType: String(download.headers['content-type']) };
  }

  it("should export every order of the tenant with its lines, exactly as the API shows them, and nothing of another tenant's", async () => {
    // Act
    const { created, text, contentType } = await exportOf(tenantA.id);
    const exported = text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { id: string });
    const shown = await Promise.all(
      ordersOfA.map(async (order) =>
        (await desk.http({ method: 'GET', url: `/orders/${order.id}`, headers: { [TENANT_HEADER]: tenantA.id } })).json<{
          id: string;
        }>(),
      ),
    );

    // Assert: complete, one line per order, oldest first, each the order as GET /orders/:id shows it.
    expect(contentType).toContain(NDJSON_CONTENT_TYPE);
    expect(created.orderCount).toBe(ordersOfA.length);
    expect(text.endsWith('\n')).toBe(true);
    expect(exported.map((order) => order.id)).toEqual(ordersOfA.map((order) => order.id));
    expect(exported).toEqual(shown.map((order) => expect.objectContaining(order)));
    for (const order of ordersOfB) expect(text).not.toContain(order.id);
  });

  it('should carry user ids but no personal data: no user name or email, no lead', async () => {
    const { text } = await exportOf(tenantA.id);
    const leads = (await desk.http({ method: 'GET', url: '/leads', headers: { [TENANT_HEADER]: tenantA.id } })).json<{
      leads: { email: string; name: string }[];
    }>().leads;

    for (const user of usersOfA) {
      expect(text).toContain(user.id);
      expect(text).not.toContain(user.email);
      expect(text).not.toContain(user.name);
    }
    expect(leads).toHaveLength(1);
    expect(text).not.toContain(leads[0]!.email);
    expect(text).not.toMatch(/@/);
  });

  it('should download exactly the bytes written to the disk, in one file per export, with no temporary file left', async () => {
    const { created, bytes } = await exportOf(tenantA.id);
    const onDisk = readFileSync(join(directory, tenantA.id, `${created.id}.ndjson`));

    expect(bytes.length).toBe(created.bytes);
    expect(sha256(bytes)).toBe(sha256(onDisk));
    expect(readdirSync(join(directory, tenantA.id)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it("should export an empty file for a tenant without orders, and refuse A's export through B's link", async () => {
    const empty = await exportOf((await Tenant.create()).id);
    const ofA = (await desk.http({ method: 'POST', url: '/orders/export', headers: { [TENANT_HEADER]: tenantA.id } })).json<OrderExport>();
    const ofB = (await desk.http({ method: 'POST', url: '/orders/export', headers: { [TENANT_HEADER]: tenantB.id } })).json<OrderExport>();
    const crossed = await desk.http({ method: 'GET', url: ofB.download.url.replace(ofB.id, ofA.id) });

    expect({ orderCount: empty.created.orderCount, bytes: empty.created.bytes, text: empty.text }).toEqual({
      orderCount: 0,
      bytes: 0,
      text: '',
    });
    expect(crossed.statusCode).toBe(403);
    expect(crossed.json()).toMatchObject({ type: 'https://support-desk.example/problems/link-invalid' });
    expect(crossed.body).not.toContain(ordersOfA[0]!.id);
  });
});
