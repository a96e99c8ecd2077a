import { describe, expect, it } from '@jest/globals';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { createProxy, isChaosError, type ChaosError } from '../src/index.js';
import { connectError, dial, Reader, roundTrip, startServer } from './tcp-servers.js';

/** Sockets of this process whose handles are not closed yet. */
const activeSockets = (): number => process.getActiveResourcesInfo().filter((type) => type === 'TCPSocketWrap').length;

function thrown(run: () => unknown): ChaosError {
  try {
    run();
  } catch (error) {
    if (isChaosError(error)) return error;
    throw error;
  }
  throw new Error('expected a ChaosError');
}

describe('createProxy', () => {
  it('should pass data both ways and point URLs at its own port', async () => {
    await using server = await startServer();
    await using proxy = await createProxy({ upstream: server.address, name: 'echo' });

    expect(await roundTrip(proxy.port, 'hello through the proxy')).toBe('hello through the proxy');
    expect(proxy.host).toBe('127.0.0.1');
    expect(proxy.listen).toBe(`127.0.0.1:${proxy.port}`);
    expect(proxy.url()).toBe(`tcp://127.0.0.1:${proxy.port}`);
    expect(proxy.url('http')).toBe(`http://127.0.0.1:${proxy.port}`);
    expect(proxy.url('postgres://app:secret@db.internal:5432/orders?sslmode=disable')).toBe(
      `postgres://app:secret@127.0.0.1:${proxy.port}/orders?sslmode=disable`,
    );
  });

  it('should refuse new connections with a real ECONNREFUSED while down, and take them again on the same port when up', async () => {
    await using server = await startServer();
    await using proxy = await createProxy({ upstream: server.address });
    const port = proxy.port;
    const open = new Reader(await dial(port));

    await proxy.down();

    const refused = await connectError(port);
    expect(refused?.code).toBe('ECONNREFUSED');
    expect(refused?.message).toBe(`connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(await open.closed()).toBeUndefined();
    expect(open.ended).toBe(true);

    await proxy.up();

    expect(proxy.port).toBe(port);
    expect(await roundTrip(port, 'back')).toBe('back');
  });

  it('should hold the port while down, so the system hands a free port to other servers instead', async () => {
    await using server = await startServer();
    await using proxy = await createProxy({ upstream: server.address });
    await proxy.down();

    const other = createServer();
    other.listen(0, '127.0.0.1');
    await once(other, 'listening');
    const port = (other.address() as { port: number }).port;
    await new Promise<void>((resolve) => other.close(() => resolve()));

    expect(port).not.toBe(proxy.port);
    expect(proxy.events.map((event) => event.event)).toContain('port reserved');
  });

  it('should accept and then hang while paused, and let the held data through once up', async () => {
    await using server = await startServer();
    await using proxy = await createProxy({ upstream: server.address });
    const before = new Reader(await dial(proxy.port));
    before.socket.write('one ');
    await before.receive('one ');

    proxy.pause();
    const during = new Reader(await dial(proxy.port));
    during.socket.write('held');
    before.socket.write('two');
    await new Promise((resolve) => setTimeout(resolve, 150));

    expect(during.text).toBe('');
    expect(before.text).toBe('one ');
    expect(server.accepted).toHaveLength(1);

    await proxy.up();

    await during.receive('held');
    await before.receive('one two');
    before.socket.destroy();
    during.socket.destroy();
  });

  it('should keep its port while the server behind it restarts on another port', async () => {
    const first = await startServer();
    await using proxy = await createProxy({ upstream: first.address });
    expect(await roundTrip(proxy.port, 'before')).toBe('before');

    await first.close();
    const orphan = new Reader(await dial(proxy.port));
    expect((await orphan.closed())?.code).toBe('ECONNRESET');

    await using second = await startServer();
    proxy.setUpstream(second.address);

    expect(await roundTrip(proxy.port, 'after')).toBe('after');
    expect(second.accepted).toHaveLength(1);
    expect(proxy.events.map((event) => event.event)).toContain('upstream unreachable');
  });

  it('should close every socket when disposed', async () => {
    await using server = await startServer();
    let port: number;
    let client: Reader;
    {
      await using proxy = await createProxy({ upstream: server.address });
      port = proxy.port;
      client = new Reader(await dial(port));
      client.socket.write('x');
      await client.receive('x');
    }

    await client.closed();
    expect((await connectError(port))?.code).toBe('ECONNREFUSED');
  });

  it.each([
    ['up', false],
    ['down, keeping its connections', true],
  ])('should resolve close() only once every socket it accepted or opened is closed (proxy %s)', async (_state, down) => {
    // Both ends of the test stay half-open when the proxy closes its sides, so every socket that
    // disappears from the active resources on the next line is one of the proxy's.
    await using server = await startServer((socket) => socket.on('data', (data) => socket.write(data)), 0, { allowHalfOpen: true });
    const proxy = await createProxy({ upstream: server.address });
    const clients: Reader[] = [];
    for (const text of ['a', 'b', 'c']) {
      const client = new Reader(await dial(proxy.port, { allowHalfOpen: true }));
      client.socket.write(text);
      await client.receive(text);
      clients.push(client);
    }
    if (down) await proxy.down({ connections: 'keep' });
    const before = activeSockets();

    await proxy.close();

    const proxySockets = 2 * clients.length + (down ? 1 : 0);
    expect(activeSockets()).toBe(before - proxySockets);
    for (const client of clients) client.socket.destroy();
  });
});

describe('createProxy options', () => {
  it('should report every problem of its options at once', async () => {
    const error = await createProxy({ upstream: 'db:five', listen: '127.0.0.1', tiemout: 3 } as never).catch((caught: unknown) => caught);

    expect(isChaosError(error) && error.code).toBe('CHAOS_INVALID_PROXY_OPTIONS');
    expect((error as Error).message).toBe(
      [
        '[chaos-injectors] Failed to create the TCP proxy "proxy-' +
          (error as Error).message.split('proxy-')[1]!.split('"')[0] +
          '": 3 problems.',
        '- upstream: expected "host:port", got "db:five".',
        '- listen: expected "host:port", got "127.0.0.1".',
        '- tiemout: unknown option. Known options: upstream, listen, name, seed, toxics.',
        'Pass { upstream: "host:port" } and optionally listen ("127.0.0.1:0"), name, seed and toxics.',
      ].join('\n'),
    );
  });

  it('should say clearly that a port is in use', async () => {
    await using server = await startServer();

    const error = await createProxy({ name: 'orders-db', listen: server.address, upstream: '127.0.0.1:1' }).catch(
      (caught: unknown) => caught,
    );

    expect(isChaosError(error) && error.code).toBe('CHAOS_PORT_IN_USE');
    expect((error as Error).message).toBe(
      `[chaos-injectors] Failed to start the TCP proxy "orders-db" on ${server.address}: the port is in use by another server. Pick another port, or listen on port 0 to get a free one (proxy.port tells which).`,
    );
    expect(((error as Error).cause as NodeJS.ErrnoException).code).toBe('EADDRINUSE');
  });

  it('should list the valid toxic types and attributes when one is wrong', async () => {
    await using proxy = await createProxy({ upstream: '127.0.0.1:1', name: 'db' });

    const unknownType = thrown(() => proxy.addToxic({ type: 'latancy' } as never));
    const unknownAttribute = thrown(() => proxy.addToxic({ type: 'latency', attributes: { jiter: 5 } as never }));

    expect(unknownType.code).toBe('CHAOS_UNKNOWN_TOXIC');
    expect(unknownType.message).toBe(
      [
        '[chaos-injectors] Failed to add the toxic to the proxy "db": 1 problem.',
        '- type: unknown toxic type "latancy" (did you mean "latency"?). Valid types: "latency", "bandwidth", "slow_close", "timeout", "reset_peer", "slicer" and "limit_data".',
        'Use one of the types "latency", "bandwidth", "slow_close", "timeout", "reset_peer", "slicer" and "limit_data" with the attributes documented for it (all whole numbers).',
      ].join('\n'),
    );
    expect(unknownAttribute.code).toBe('CHAOS_INVALID_TOXIC');
    expect(unknownAttribute.message).toContain(
      '- attributes.jiter: unknown attribute of latency. Did you mean "jitter"? Valid attributes: latency, jitter.',
    );
  });

  it('should refuse a second toxic of the same name and name a missing one', async () => {
    await using proxy = await createProxy({ upstream: '127.0.0.1:1', name: 'db' });
    proxy.addToxic({ type: 'latency', attributes: { latency: 10 } });

    expect(thrown(() => proxy.addToxic({ type: 'latency' })).code).toBe('CHAOS_TOXIC_EXISTS');
    expect(thrown(() => proxy.removeToxic('latency_upstream')).message).toBe(
      '[chaos-injectors] Failed to find the toxic "latency_upstream" (did you mean "latency_downstream"?) on the proxy "db": its toxics are latency_downstream. Use the name addToxic() gave it (by default <type>_<stream>, such as latency_downstream).',
    );
    await proxy.close();
    expect(thrown(() => proxy.addToxic({ type: 'timeout' })).code).toBe('CHAOS_PROXY_CLOSED');
  });
});
