import { describe, expect, it } from '@jest/globals';
import { realService } from '@proving-ground/test-kit';
import pg from 'pg';
import { createProxy, type TcpProxy } from '../src/index.js';

// A real PostgreSQL server (.ci/run starts one from Debian's packages): the driver's errors and
// recovery through the proxy are what production sees, not an embedded stand-in's.
const postgres = realService('postgres');
const describeWithPostgres = postgres.url === undefined ? describe.skip : describe;
const upstreamOf = (url: string): string => new URL(url).host;

async function failure(action: () => Promise<unknown>): Promise<{ code: unknown; message: string }> {
  try {
    await action();
  } catch (error) {
    return { code: (error as { code?: unknown }).code, message: (error as Error).message };
  }
  throw new Error('expected the action to fail');
}

async function answer(client: pg.Client | pg.Pool): Promise<number | undefined> {
  return (await client.query<{ answer: number }>('select 40 + 2 as answer')).rows[0]?.answer;
}

describeWithPostgres(`pg through the proxy to a real PostgreSQL server ${postgres.skipReason ?? ''}`, () => {
  const url = postgres.url ?? '';
  const connect = async (proxy: TcpProxy): Promise<pg.Client> => {
    const client = new pg.Client({ connectionString: proxy.url(url) });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };

  it('should query through it, then see ECONNREFUSED while it is down', async () => {
    // Arrange
    await using proxy = await createProxy({ upstream: upstreamOf(url) });
    const client = await connect(proxy);
    const before = await answer(client);
    await client.end();

    // Act
    await proxy.down();
    const refused = await failure(() => connect(proxy));

    // Assert
    expect(before).toBe(42);
    expect(refused).toEqual({ code: 'ECONNREFUSED', message: `connect ECONNREFUSED 127.0.0.1:${proxy.port}` });
  });

  it(`should fail a live query with ECONNRESET under reset_peer and recover on a new connection once it is removed ${postgres.skipReason ?? ''}`, async () => {
    // Arrange
    await using proxy = await createProxy({ upstream: upstreamOf(url) });
    const pool = new pg.Pool({ connectionString: proxy.url(url), max: 1 });
    pool.on('error', () => undefined);
    expect(await answer(pool)).toBe(42);

    // Act
    proxy.addToxic({ name: 'cut', type: 'reset_peer', stream: 'downstream' });
    const reset = await failure(() => answer(pool));
    proxy.removeToxic('cut');
    const after = await answer(pool);
    await pool.end();

    // Assert
    expect(reset.message).toMatch(/ECONNRESET|Connection terminated unexpectedly/);
    expect(after).toBe(42);
  });

  it('should hold each reply for the latency toxic', async () => {
    // Arrange
    await using proxy = await createProxy({ upstream: upstreamOf(url) });
    const client = await connect(proxy);
    proxy.addToxic({ type: 'latency', stream: 'downstream', attributes: { latency: 150, jitter: 0 } });

    // Act
    const started = performance.now();
    const value = await answer(client);
    const elapsed = performance.now() - started;
    await client.end();

    // Assert: a lower bound only (a loaded machine may be slower, never faster)
    expect(value).toBe(42);
    expect(elapsed).toBeGreaterThanOrEqual(145);
  });
});
