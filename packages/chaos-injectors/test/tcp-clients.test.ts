import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, get, type Server } from 'node:http';
import { once } from 'node:events';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import { createProxy, type TcpProxy } from '../src/index.js';

/** What a client saw: the error's name, code and message, and its cause's. */
interface Seen {
  name: string;
  code: string | undefined;
  message: string;
  cause?: { code: string | undefined; message: string };
}

function seen(error: unknown): Seen {
  const failure = error as Error & { code?: string; cause?: Error & { code?: string } };
  const result: Seen = { name: failure.name, code: failure.code, message: failure.message };
  if (failure.cause !== undefined) result.cause = { code: failure.cause.code, message: failure.cause.message };
  return result;
}

function httpGet(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const request = get(url, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

async function failure(run: () => Promise<unknown>): Promise<Seen> {
  try {
    await run();
  } catch (error) {
    return seen(error);
  }
  throw new Error('expected the client to fail');
}

describe('what real clients see through the proxy', () => {
  let server: Server;
  let upstream: string;

  beforeAll(async () => {
    server = createServer((request, response) => response.end('ok'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    upstream = `127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const clients = {
    'node:http': (proxy: TcpProxy) => failure(() => httpGet(proxy.url('http'))),
    fetch: (proxy: TcpProxy) => failure(() => fetch(proxy.url('http')).then((response) => response.text())),
  };

  it('should make node:http and fetch see ECONNREFUSED when the proxy is down', async () => {
    await using proxy = await createProxy({ upstream });
    await proxy.down();

    expect(await clients['node:http'](proxy)).toEqual({
      name: 'Error',
      code: 'ECONNREFUSED',
      message: `connect ECONNREFUSED 127.0.0.1:${proxy.port}`,
    });
    expect(await clients.fetch(proxy)).toEqual({
      name: 'TypeError',
      code: undefined,
      message: 'fetch failed',
      cause: { code: 'ECONNREFUSED', message: `connect ECONNREFUSED 127.0.0.1:${proxy.port}` },
    });
  });

  it('should make node:http and fetch see ECONNRESET for reset_peer', async () => {
    await using proxy = await createProxy({ upstream, toxics: [{ type: 'reset_peer', stream: 'upstream' }] });

    expect(await clients['node:http'](proxy)).toEqual({ name: 'Error', code: 'ECONNRESET', message: 'read ECONNRESET' });
    expect(await clients.fetch(proxy)).toEqual({
      name: 'TypeError',
      code: undefined,
      message: 'fetch failed',
      cause: { code: 'ECONNRESET', message: 'read ECONNRESET' },
    });
  });

  it('should make node:http see "socket hang up" and fetch "other side closed" for timeout', async () => {
    await using proxy = await createProxy({ upstream, toxics: [{ type: 'timeout', attributes: { timeout: 50 } }] });

    expect(await clients['node:http'](proxy)).toEqual({ name: 'Error', code: 'ECONNRESET', message: 'socket hang up' });
    expect(await clients.fetch(proxy)).toEqual({
      name: 'TypeError',
      code: undefined,
      message: 'fetch failed',
      cause: { code: 'UND_ERR_SOCKET', message: 'other side closed' },
    });
  });
});

describe('pg through the proxy to PGlite', () => {
  let db: PGlite;
  let postgres: PGLiteSocketServer;
  let upstream: string;

  beforeAll(async () => {
    db = await PGlite.create();
    postgres = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
    await postgres.start();
    upstream = postgres.getServerConn();
  });

  afterAll(async () => {
    await postgres.stop();
    await db.close();
  });

  const query = async (proxy: TcpProxy): Promise<unknown> => {
    const client = new pg.Client({ connectionString: proxy.url(`postgres://postgres@${upstream}/postgres`) });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.query<{ answer: number }>('select 1 + 1 as answer')).rows[0]?.answer;
    } finally {
      await client.end().catch(() => undefined);
    }
  };

  it('should query through the proxy, and see ECONNREFUSED when it is down and ECONNRESET for reset_peer', async () => {
    await using proxy = await createProxy({ upstream });

    expect(await query(proxy)).toBe(2);

    await proxy.down();
    expect(await failure(() => query(proxy))).toEqual({
      name: 'Error',
      code: 'ECONNREFUSED',
      message: `connect ECONNREFUSED 127.0.0.1:${proxy.port}`,
    });

    await proxy.up();
    proxy.addToxic({ type: 'reset_peer', stream: 'upstream' });
    expect(await failure(() => query(proxy))).toEqual({ name: 'Error', code: 'ECONNRESET', message: 'read ECONNRESET' });
  });
});
