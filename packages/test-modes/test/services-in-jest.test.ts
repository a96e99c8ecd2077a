import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createJestProject, jestConfigModule, testModule, type JestProject } from './jest-project.js';

// --- Code that runs inside the temporary project (typed here, written there with testModule) ---

/** A service whose three options are real TCP servers on 127.0.0.1; the test prints how it resolved. */
function resolvesTheCache(): void {
  const { test } = require('@jest/globals') as typeof import('@jest/globals');
  const net = require('node:net') as typeof import('node:net');
  const { defineService } = require('@proving-ground/test-modes') as typeof import('@proving-ground/test-modes');

  async function listen(label: string): Promise<{ url: string; stop: () => Promise<void> }> {
    const server = net.createServer((socket) => socket.end(label));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `tcp://127.0.0.1:${(server.address() as { port: number }).port}`,
      stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  const cache = defineService('cache', {
    container: async () => listen('container'),
    embedded: async () => listen('embedded'),
  });

  test('resolves the cache', async () => {
    const handle = await cache.start();
    const url = new URL(handle.url);
    const greeting = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(url.port), url.hostname);
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += String(chunk)));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    const passedOver = handle.passedOver.map((option) => `${option.kind}: ${option.reason}`);
    console.log(`RESOLVED ${JSON.stringify({ kind: handle.kind, greeting, passedOver })}`);
    await handle.stop();
  });
}

// --- The checks ---

function resolution(output: string): { kind: string; greeting: string; passedOver: string[] } {
  const line = /RESOLVED (\{.*\})/.exec(output);
  if (line === null) throw new Error(`the test printed no resolution:\n${output}`);
  return JSON.parse(line[1]!) as { kind: string; greeting: string; passedOver: string[] };
}

describe('defineService in a real Jest run', () => {
  let project: JestProject;
  let external: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    project = createJestProject({
      'jest.config.js': jestConfigModule({ testEnvironment: 'node', setupFiles: ['@proving-ground/test-modes/setup'] }),
      'cache.test.js': testModule(resolvesTheCache),
    });
    const { createServer } = await import('node:net');
    const server = createServer((socket) => socket.end('from CACHE_URL'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    external = {
      url: `tcp://127.0.0.1:${(server.address() as { port: number }).port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  });
  afterAll(async () => {
    project.remove();
    await external.close();
  });

  it('should use the URL from the environment first', async () => {
    const run = await project.run({ env: { CACHE_URL: external.url } });

    expect(resolution(run.stdout + run.stderr)).toEqual({ kind: 'url', greeting: 'from CACHE_URL', passedOver: [] });
  });

  it('should pass over the container without a Docker engine, saying why, and fall back to embedded', async () => {
    const run = await project.run();

    const resolved = resolution(run.stdout + run.stderr);
    expect(resolved.kind).toBe('embedded');
    expect(resolved.greeting).toBe('embedded');
    expect(resolved.passedOver[0]).toMatch(/^url: CACHE_URL is not set/);
    expect(resolved.passedOver[1]).toMatch(/^container: no Docker engine answered: /);
  });

  it('should honour a forced option', async () => {
    const run = await project.run({ env: { CACHE_URL: external.url, TEST_SERVICE_CACHE: 'embedded' } });

    expect(resolution(run.stdout + run.stderr).kind).toBe('embedded');
  });
});
