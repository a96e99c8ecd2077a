import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createJestProject, type JestProject } from './jest-project.js';

// A service whose three options are real TCP servers on 127.0.0.1; the test prints how it resolved.
const SERVICE_TEST = `
const net = require('node:net');
const { defineService } = require('@proving-ground/test-modes');

async function listen(label) {
  const server = net.createServer((socket) => socket.end(label));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: 'tcp://127.0.0.1:' + server.address().port, stop: () => new Promise((resolve) => server.close(resolve)) };
}

const cache = defineService('cache', {
  container: async () => listen('container'),
  embedded: async () => listen('embedded'),
});

test('resolves the cache', async () => {
  const handle = await cache.start();
  const url = new URL(handle.url);
  const greeting = await new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    let text = '';
    socket.on('data', (chunk) => (text += chunk));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
  console.log('RESOLVED ' + JSON.stringify({ kind: handle.kind, greeting, passedOver: handle.passedOver.map((p) => p.kind + ': ' + p.reason) }));
  await handle.stop();
});
`;

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
      'jest.config.js': `module.exports = { testEnvironment: 'node', setupFiles: ['@proving-ground/test-modes/setup'] };`,
      'cache.test.js': SERVICE_TEST,
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
