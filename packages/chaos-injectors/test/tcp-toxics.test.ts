import { describe, expect, it } from '@jest/globals';
import { performance } from 'node:perf_hooks';
import { createProxy, type TcpProxy } from '../src/index.js';
import { dial, Reader, startServer } from './tcp-servers.js';

/** Open `count` connections one after another, send a byte on each, and say which were reset. */
async function resetPattern(proxy: TcpProxy, count: number): Promise<boolean[]> {
  const pattern: boolean[] = [];
  for (let i = 0; i < count; i++) {
    const reader = new Reader(await dial(proxy.port));
    reader.socket.write('x');
    await reader.until(() => reader.text === 'x' || reader.error !== undefined, 'an echo or a reset');
    pattern.push(reader.error?.code === 'ECONNRESET');
    reader.socket.destroy();
  }
  return pattern;
}

describe('toxics', () => {
  it('should delay data by the latency', async () => {
    await using server = await startServer();
    await using proxy = await createProxy({ upstream: server.address });
    proxy.addToxic({ type: 'latency', attributes: { latency: 120 } });
    const reader = new Reader(await dial(proxy.port));

    const started = performance.now();
    reader.socket.write('ping');
    await reader.receive('ping');

    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    reader.socket.destroy();
  });

  it('should let held data through at once when a toxic is removed, without closing the connection', async () => {
    await using server = await startServer();
    await using proxy = await createProxy({ upstream: server.address });
    const reader = new Reader(await dial(proxy.port));
    const latency = proxy.addToxic({ type: 'latency', attributes: { latency: 600_000 } });

    reader.socket.write('held');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(reader.text).toBe('');
    latency.remove();

    await reader.receive('held');
    reader.socket.write(' and more');
    await reader.receive('held and more');
    expect(reader.socket.destroyed).toBe(false);
    reader.socket.destroy();
  });

  it('should roll toxicity per connection from the seed, the same on every run and whatever other toxics come and go', async () => {
    await using server = await startServer();
    const run = async (seed: number, withOther: boolean): Promise<boolean[]> => {
      await using proxy = await createProxy({ upstream: server.address, name: 'db', seed });
      proxy.addToxic({ type: 'reset_peer', stream: 'upstream', toxicity: 0.5 });
      if (!withOther) return await resetPattern(proxy, 16);
      const first = await resetPattern(proxy, 8);
      const other = proxy.addToxic({ type: 'latency', attributes: { latency: 1 } });
      const second = await resetPattern(proxy, 4);
      other.remove();
      return [...first, ...second, ...(await resetPattern(proxy, 4))];
    };

    const pattern = await run(42, false);

    expect(await run(42, true)).toEqual(pattern);
    expect(pattern.filter(Boolean).length).toBeGreaterThan(2);
    expect(pattern.filter(Boolean).length).toBeLessThan(14);
    expect(await run(7, false)).not.toEqual(pattern);
  });

  it('should roll per chunk when asked, so a connection can be reset part of the way through', async () => {
    await using server = await startServer();
    await using proxy = await createProxy({ upstream: server.address, seed: 3 });
    proxy.addToxic({ type: 'reset_peer', stream: 'upstream', toxicity: 0.5, per: 'chunk' });
    const reader = new Reader(await dial(proxy.port));

    let sent = 0;
    while (reader.error === undefined && sent < 200) {
      reader.socket.write(String(sent % 10));
      sent++;
      await reader.until(() => reader.text.length === sent || reader.error !== undefined, 'an echo or a reset');
    }

    expect(reader.error?.code).toBe('ECONNRESET');
    expect(sent).toBeLessThan(200);
  });

  it('should apply an update to waits under way on live connections', async () => {
    await using server = await startServer();
    await using proxy = await createProxy({ upstream: server.address });
    const reader = new Reader(await dial(proxy.port));
    proxy.addToxic({ type: 'latency', name: 'slow', attributes: { latency: 600_000 } });

    reader.socket.write('soon');
    await new Promise((resolve) => setTimeout(resolve, 50));
    proxy.updateToxic('slow', { attributes: { latency: 0 } });

    await reader.receive('soon');
    expect(proxy.toxic('slow').attributes).toEqual({ latency: 0, jitter: 0 });
    reader.socket.destroy();
  });

  it('should drop data and close the connection after the timeout', async () => {
    await using server = await startServer();
    await using proxy = await createProxy({ upstream: server.address });
    proxy.addToxic({ type: 'timeout', stream: 'upstream', attributes: { timeout: 100 } });
    const reader = new Reader(await dial(proxy.port));

    const started = performance.now();
    reader.socket.write('lost');

    expect(await reader.closed()).toBeUndefined();
    expect(reader.ended).toBe(true);
    expect(reader.text).toBe('');
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('should hold a connection with timeout 0 until the toxic goes, then close only the ones that lost data', async () => {
    await using server = await startServer();
    await using proxy = await createProxy({ upstream: server.address });
    const quiet = new Reader(await dial(proxy.port));
    const timeout = proxy.addToxic({ type: 'timeout', stream: 'upstream' });
    const talking = new Reader(await dial(proxy.port));

    talking.socket.write('lost');
    await new Promise((resolve) => setTimeout(resolve, 50));
    timeout.remove();

    expect(await talking.closed()).toBeUndefined();
    quiet.socket.write('still here');
    await quiet.receive('still here');
    quiet.socket.destroy();
  });

  it('should close the connection after limit_data bytes', async () => {
    await using server = await startServer();
    await using proxy = await createProxy({ upstream: server.address });
    proxy.addToxic({ type: 'limit_data', attributes: { bytes: 5 } });
    const reader = new Reader(await dial(proxy.port));

    reader.socket.write('0123456789');

    expect(await reader.closed()).toBeUndefined();
    expect(reader.text).toBe('01234');
  });

  it('should cut data into slices that arrive whole and in order', async () => {
    const body = 'abcdefghij'.repeat(100);
    await using server = await startServer();
    await using proxy = await createProxy({ upstream: server.address, seed: 1 });
    proxy.addToxic({ type: 'slicer', attributes: { average_size: 10, size_variation: 5, delay: 1000 } });
    const reader = new Reader(await dial(proxy.port));
    let pieces = 0;
    reader.socket.on('data', () => pieces++);

    reader.socket.write(body);
    await reader.receive(body);

    expect(reader.text).toBe(body);
    expect(pieces).toBeGreaterThan(10);
    reader.socket.destroy();
  });

  it('should slow data to the bandwidth and hold the close for slow_close', async () => {
    const body = 'z'.repeat(20_000);
    await using server = await startServer((socket) => socket.end(body));
    await using proxy = await createProxy({ upstream: server.address });
    proxy.addToxic({ type: 'bandwidth', attributes: { rate: 100 } });
    proxy.addToxic({ type: 'slow_close', attributes: { delay: 100 } });
    const reader = new Reader(await dial(proxy.port));

    const started = performance.now();
    await reader.receive(body);
    const received = performance.now() - started;
    await reader.closed();

    expect(received).toBeGreaterThanOrEqual(150);
    expect(performance.now() - started - received).toBeGreaterThanOrEqual(90);
    expect(reader.ended).toBe(true);
  });
});
