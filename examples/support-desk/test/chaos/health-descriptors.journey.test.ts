import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { limitDescriptors } from '@proving-ground/chaos-injectors';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HealthReport } from '../../src/health.ts';
import { TENANT_HEADER, type Tenant } from '../../src/tenancy.ts';
import { startSupportDesk, type RunningSupportDesk } from '../support-desk.ts';

/** About what seed 000's test allowed a service: a few dozen descriptors beyond what it already holds. */
const DESCRIPTOR_BUDGET = 50;

describe('health when file descriptors run out', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'support-desk-descriptors-'));
  let desk: RunningSupportDesk;
  let tenant: Tenant;

  beforeAll(async () => {
    desk = await startSupportDesk();
    tenant = await desk.createTenant('Busy Handles GmbH');
  });

  afterAll(async () => {
    await desk?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  async function health(): Promise<{ status: number; report: HealthReport }> {
    const response = await desk.app.inject({ method: 'GET', url: '/health' });
    return { status: response.statusCode, report: response.json<HealthReport>() };
  }

  it('should report degraded with a resource warning while descriptors are exhausted, keep serving, and recover', async () => {
    // Arrange: a budget of 50 descriptors, all taken by a leak elsewhere in the process.
    const before = await health();
    const descriptors = limitDescriptors({ budget: DESCRIPTOR_BUDGET });
    const leaked = Array.from({ length: DESCRIPTOR_BUDGET }, (_, index) => openSync(join(scratch, `leak-${index}`), 'w'));

    // Act
    const exhausted = await health();
    const ordersMeanwhile = await desk.app.inject({ method: 'GET', url: '/orders', headers: { [TENANT_HEADER]: tenant.id } });
    for (const fd of leaked) closeSync(fd);

    // Assert
    expect(before).toMatchObject({ status: 200, report: { status: 'ok', checks: { resources: { status: 'ok', warnings: [] } } } });
    // Counted from /proc on Linux; null where the system does not say.
    const counted = process.platform === 'linux' ? 'number' : 'object';
    expect([typeof before.report.checks.resources.openDescriptors, typeof before.report.checks.resources.descriptorLimit]).toEqual([
      counted,
      counted,
    ]);
    expect(exhausted.status).toBe(200);
    expect(exhausted.report).toEqual({
      status: 'degraded',
      checks: {
        database: { status: 'ok' },
        resources: {
          status: 'warning',
          // Listing /proc/self/fd takes a descriptor too: the count is unknown while none is left.
          openDescriptors: null,
          descriptorLimit: before.report.checks.resources.descriptorLimit,
          warnings: ['file descriptors exhausted: opening a file fails with EMFILE'],
        },
      },
    });
    expect(descriptors.refused).toBeGreaterThanOrEqual(1);
    expect(ordersMeanwhile.statusCode).toBe(200);
    // Recovered once the leaked descriptors are closed, the budget still in force; and once it is disposed.
    await expect(async () => expect((await health()).report.status).toBe('ok')).toRecoverWithin(1_000);
    await descriptors.restore();
    await expect(async () =>
      expect((await health()).report).toMatchObject({ status: 'ok', checks: { database: { status: 'ok' }, resources: { warnings: [] } } }),
    ).toRecoverWithin(1_000);
  });
});
