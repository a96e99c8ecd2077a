import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { injectFsFault } from '@proving-ground/chaos-injectors';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DownloadLinks } from '../../src/download-links.ts';
import type { OrderExport } from '../../src/exports.ts';
import { PROBLEM_CONTENT_TYPE } from '../../src/problems.ts';
import { TENANT_HEADER, type Tenant } from '../../src/tenancy.ts';
import { startSupportDesk, type RunningSupportDesk } from '../support-desk.ts';

describe('exporting orders when the disk fills up', () => {
  const directory = mkdtempSync(join(tmpdir(), 'support-desk-exports-'));
  let desk: RunningSupportDesk;
  let tenant: Tenant;
  let tenantFolder: string;

  beforeAll(async () => {
    desk = await startSupportDesk({ exports: { directory, links: new DownloadLinks({ secret: randomBytes(32) }) } });
    tenant = await desk.createTenant('Full Disk Furniture');
    tenantFolder = join(directory, tenant.id);
    const user = await desk.createUser(tenant.id, { email: 'fay@furniture.test', name: 'Fay' });
    for (let index = 1; index <= 20; index++) {
      await desk.createOrder(tenant.id, {
        userId: user.id,
        currency: 'EUR',
        lines: [{ sku: `CHAIR-${index}`, quantity: index, unitPriceCents: 4900 }],
      });
    }
  });

  afterAll(async () => {
    await desk?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  function exportOrders() {
    return desk.app.inject({ method: 'POST', url: '/orders/export', headers: { [TENANT_HEADER]: tenant.id } });
  }

  const filesInTenantFolder = () => readdirSync(tenantFolder).sort();

  it('should answer 507 with a clear problem, and leave neither a partial export nor a temporary file, when the disk is full', async () => {
    // Arrange: room for about two orders under the export folder.
    await using disk = injectFsFault({ path: `${directory}/**`, diskQuota: 512 });

    // Act
    const response = await exportOrders();

    // Assert
    expect(response.statusCode).toBe(507);
    expect(response.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
    expect(response.json()).toEqual({
      type: 'https://support-desk.example/problems/insufficient-storage',
      title: 'The server has no room left to store the result',
      status: 507,
      detail: 'The export of 20 orders could not be written: the disk is full (ENOSPC). Nothing was kept; try again once space is freed.',
      instance: '/orders/export',
    });
    expect(disk.fired).toBeGreaterThanOrEqual(1);
    expect(filesInTenantFolder()).toEqual([]);
  });

  it('should write the whole export, and nothing else, once the disk has room again', async () => {
    const response = await exportOrders();

    expect(response.statusCode).toBe(201);
    const created = response.json<OrderExport>();
    expect(created).toMatchObject({ orderCount: 20 });
    expect(filesInTenantFolder()).toEqual([`${created.id}.ndjson`]);
    const exported = readFileSync(join(tenantFolder, `${created.id}.ndjson`), 'utf8');
    expect(Buffer.byteLength(exported)).toBe(created.bytes);
    expect(
      exported
        .trimEnd()
        .split('\n')
        .map((line) => (JSON.parse(line) as { lines: { sku: string }[] }).lines[0]!.sku),
    ).toEqual(Array.from({ length: 20 }, (_, index) => `CHAIR-${index + 1}`));
  });
});
