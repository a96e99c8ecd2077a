import { expect, it } from '@jest/globals';
import { closeSync, mkdtempSync, openSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chaosExperiment, limitDescriptors } from '../src/index.js';

// The service under test: its health check opens a file, as any request that touches the disk
// does, and reports a resource warning when the process is out of descriptors.
const dataDir = mkdtempSync(join(tmpdir(), 'descriptors-'));

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

it('should report a resource warning when descriptors run out, and recover when they return', async () => {
  const held: number[] = [];

  await chaosExperiment({
    name: 'descriptor exhaustion',
    steadyState: async () => expect(await health()).toEqual({ status: 'ok', warnings: [] }),
    inject: () => {
      // A limit of 50 descriptors, then a leak that holds all of them.
      const limit = limitDescriptors({ budget: 50, path: dataDir });
      for (let i = 0; i < 50; i++) held.push(openSync(join(dataDir, `leak-${i}`), 'w'));
      return limit;
    },
    verify: async () => expect(await health()).toEqual({ status: 'warning', warnings: ['file descriptors exhausted'] }),
    // The leak is fixed: the descriptors return.
    rollback: () => held.splice(0).forEach((fd) => closeSync(fd)),
  });

  expect(await health()).toEqual({ status: 'ok', warnings: [] });
});
