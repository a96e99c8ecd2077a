import { connect, createServer, type LookupFunction, type Server } from 'node:net';
import { runInThisContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { networkGuard } from '../network-guard/network-guard.js';
import { createServiceDefinition, defaultServiceEnvironment } from './define-service.js';

describe('defineService with the network guard', () => {
  const guard = networkGuard();
  const previous = guard.config;
  let upstream: Server;
  let port: number;

  /** Resolves every name to 127.0.0.1, so a "remote" host is reached without leaving this machine. */
  const toLoopback = ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) =>
    options?.all === true
      ? callback(null, [{ address: '127.0.0.1', family: 4 }])
      : callback(null, '127.0.0.1', 4)) as unknown as LookupFunction;

  /** One request/response exchange with the upstream: 'pong', or the code of the error that ended it. */
  const exchange = (host: string): Promise<string> =>
    new Promise((resolve) => {
      const socket = connect({ host, port, lookup: toLoopback }, () => socket.write('ping'));
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString());
      });
      socket.once('error', (error: Error & { code?: string }) => resolve(error.code ?? error.message));
    });

  beforeAll(async () => {
    upstream = createServer((socket) => socket.once('data', () => socket.end('pong')));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    ({ port } = upstream.address() as { port: number });
    guard.configure({ mode: 'mock', allowHosts: [] });
  });

  afterAll(async () => {
    guard.configure(previous);
    guard.takeViolations();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  });

  it('should let a remote service resolved by URL through the guard until it is stopped', async () => {
    // Arrange
    const env = { SEARCH_URL: `http://search.example.com:${port}/` };
    const service = createServiceDefinition('search', {}, { ...defaultServiceEnvironment, env: () => env });
    const before = await exchange('search.example.com');

    // Act
    const handle = await service.start();
    const during = await exchange('search.example.com');
    const otherHost = await exchange('other.example.com');
    await handle.stop();
    const after = await exchange('search.example.com');

    // Assert
    expect(before).toBe('TEST_MODES_NETWORK_BLOCKED');
    expect(during).toBe('pong');
    expect(otherHost).toBe('TEST_MODES_NETWORK_BLOCKED');
    expect(after).toBe('TEST_MODES_NETWORK_BLOCKED');
  });

  it('should not install a network guard when none is installed', () => {
    // Arrange
    const realm = runInThisContext('globalThis') as Record<symbol, unknown>;
    const key = Symbol.for('@proving-ground/test-modes/runtime');
    const installed = realm[key];
    delete realm[key];

    // Act
    let seen: unknown;
    try {
      seen = defaultServiceEnvironment.networkGuard();
    } finally {
      realm[key] = installed;
    }

    // Assert
    expect(seen).toBeUndefined();
    expect(defaultServiceEnvironment.networkGuard()).toBe(guard);
  });
});
