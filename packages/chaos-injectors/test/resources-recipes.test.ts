import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, openSync, closeSync, existsSync, readdirSync } from 'node:fs';
import { open, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allocateMemory, injectFsFault, limitDescriptors, memorySnapshot, skewClock } from '../src/index.js';

// A small service, as a user's would be: health, metrics, an export and token checks.
const dataDir = mkdtempSync(join(tmpdir(), 'service-'));

async function health(): Promise<{ status: 'ok' | 'warning'; warnings: string[] }> {
  try {
    const probe = await open(join(dataDir, 'health.probe'), 'w');
    await probe.close();
    return { status: 'ok', warnings: [] };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EMFILE') return { status: 'warning', warnings: ['file descriptors exhausted'] };
    throw error;
  }
}

function memoryMetrics(limitBytes: number): { rss: number; status: 'ok' | 'warning' } {
  const { rss } = memorySnapshot();
  return { rss, status: rss > 0.8 * limitBytes ? 'warning' : 'ok' };
}

async function exportOrders(file: string, rows: string[]): Promise<void> {
  const partial = `${file}.partial`;
  try {
    await writeFile(partial, rows.join('\n'));
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw new Error(`export failed: ${(error as NodeJS.ErrnoException).code}`, { cause: error });
  }
}

function isTokenValid(token: { exp: number }): boolean {
  return token.exp * 1000 > Date.now();
}

describe('the service under resource faults', () => {
  it('should report a resource warning when descriptors run out, and recover when they return', async () => {
    await using descriptors = limitDescriptors({ budget: 50 });
    const held = Array.from({ length: 50 }, (_, i) => openSync(join(dataDir, `held-${i}`), 'w'));

    const exhausted = await health();
    held.forEach((fd) => closeSync(fd));
    const recovered = await health();

    expect(exhausted).toEqual({ status: 'warning', warnings: ['file descriptors exhausted'] });
    expect(recovered.status).toBe('ok');
    expect(descriptors.refused).toBe(1);
  });

  it('should see memory pressure in its own metrics, and not crash', async () => {
    const limit = memorySnapshot().rss + 100 * 1024 * 1024; // what the service may use

    await using pressure = allocateMemory({ targetRss: Math.ceil(0.9 * limit) });

    expect(memoryMetrics(limit).status).toBe('warning');
    expect(pressure.metrics.during.rss).toBeGreaterThan(0.8 * limit);
  });

  it('should leave no partial file and a clear error when the disk fills during an export', async () => {
    const file = join(dataDir, 'orders.csv');
    await using disk = injectFsFault({ path: `${dataDir}/*.partial`, diskQuota: 64 });

    await expect(
      exportOrders(
        file,
        Array.from({ length: 100 }, (_, i) => `order-${i},42.00`),
      ),
    ).rejects.toThrow('export failed: ENOSPC');

    expect(existsSync(file)).toBe(false);
    expect(readdirSync(dataDir).filter((name) => name.endsWith('.partial'))).toEqual([]);
    expect(disk.fired).toBe(1);
  });

  it('should treat a token as expired when the clock runs an hour ahead', async () => {
    const token = { exp: Math.floor(Date.now() / 1000) + 30 * 60 };

    await using skew = skewClock(60 * 60 * 1000);

    expect(isTokenValid(token)).toBe(false);
    expect(skew.active).toBe(true);
  });
});
