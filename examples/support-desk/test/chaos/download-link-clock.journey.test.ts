import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { skewClock } from '@proving-ground/chaos-injectors';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DownloadLinks } from '../../src/download-links.ts';
import type { OrderExport } from '../../src/exports.ts';
import { TENANT_HEADER } from '../../src/tenancy.ts';
import { startSupportDesk, type RunningSupportDesk } from '../support-desk.ts';

const TTL_S = 60;
const LEEWAY_S = 30;

describe('export download links when clocks disagree', () => {
  const directory = mkdtempSync(join(tmpdir(), 'support-desk-links-'));
  const links = new DownloadLinks({ secret: randomBytes(32), ttlSeconds: TTL_S, leewaySeconds: LEEWAY_S });
  let desk: RunningSupportDesk;
  let tenantId: string;

  beforeAll(async () => {
    desk = await startSupportDesk({ exports: { directory, links } });
    tenantId = (await desk.createTenant('Skewed Clocks AB')).id;
  });

  afterAll(async () => {
    await desk?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  async function newLink(): Promise<string> {
    const created = await desk.app.inject({ method: 'POST', url: '/orders/export', headers: { [TENANT_HEADER]: tenantId } });
    return created.json<OrderExport>().download.url;
  }

  it.each([
    { when: 'just before it expires', skewS: TTL_S - 5, status: 200, type: undefined },
    { when: 'past its expiry, within the leeway', skewS: TTL_S + LEEWAY_S / 2, status: 200, type: undefined },
    { when: 'past its expiry and the leeway', skewS: TTL_S + LEEWAY_S + 5, status: 403, type: 'link-expired' },
    {
      when: 'on a server whose clock runs behind the issuing one by more than the leeway',
      skewS: -(LEEWAY_S + 5),
      status: 403,
      type: 'link-invalid',
    },
  ])('should answer $status to a link used $when', async ({ skewS, status, type }) => {
    const url = await newLink();

    await using skew = skewClock(skewS * 1000);
    const response = await desk.app.inject({ method: 'GET', url });

    expect(response.statusCode).toBe(status);
    expect(status === 200 ? undefined : response.json<{ type: string }>().type).toBe(
      type && `https://support-desk.example/problems/${type}`,
    );
    expect(skew.active).toBe(true);
  });
});
