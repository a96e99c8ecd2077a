import { describe, expect, it } from '@jest/globals';
import { nativeRequireFrom } from '@proving-ground/kit';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isChaosError, type ChaosError } from '../errors.js';
import { testcontainersRuntime } from './container-runtime.js';

async function rejection(action: () => Promise<unknown>): Promise<ChaosError> {
  try {
    await action();
  } catch (error) {
    if (isChaosError(error)) return error;
    throw error;
  }
  throw new Error('expected a ChaosError');
}

describe('testcontainersRuntime', () => {
  it('should fail with CHAOS_MISSING_PEER, saying how to install it, when testcontainers cannot be found', async () => {
    // A project folder with no node_modules: Node's own resolver really fails to find the peer.
    const project = mkdtempSync(join(tmpdir(), 'chaos-no-peer-'));
    try {
      const runtime = testcontainersRuntime((specifier) => nativeRequireFrom(project, specifier));

      const error = await rejection(() => runtime.stop('0123456789abcdef', { timeout: 0 }));

      expect(error.code).toBe('CHAOS_MISSING_PEER');
      expect(error.message).toBe(
        '[chaos-injectors] Failed to stop the container 0123456789ab: testcontainers is not installed (an optional peer, needed only to stop a container behind the proxy). Install it with npm i -D testcontainers, or pass { runtime } to proxyContainer() to stop the container another way.',
      );
      expect((error.cause as { code?: string }).code).toBe('MODULE_NOT_FOUND');
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it('should not load testcontainers before a container is stopped', () => {
    const loaded: string[] = [];

    testcontainersRuntime((specifier) => loaded.push(specifier));

    expect(loaded).toEqual([]);
  });

  it('should pass on an error of the peer that is not its absence', async () => {
    const broken = new Error('Cannot find module "ssh2" from testcontainers');
    const runtime = testcontainersRuntime(() => {
      throw broken;
    });

    await expect(runtime.stop('0123456789abcdef', { timeout: 0 })).rejects.toBe(broken);
  });

  it('should fail with CHAOS_CONTAINER_FAILED when the real testcontainers finds no engine or no such container', async () => {
    // With no Docker engine (this machine, CI) the runtime client is not found; with one, the
    // container does not exist: either way the container cannot be stopped.
    const runtime = testcontainersRuntime();

    const error = await rejection(() => runtime.stop('0000000000000000deadbeef', { timeout: 0 }));

    expect(error.code).toBe('CHAOS_CONTAINER_FAILED');
    expect(error.message).toMatch(/^\[chaos-injectors\] Failed to stop the container 000000000000: /);
  });
});
