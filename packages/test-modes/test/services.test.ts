import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { postgresService, type PostgresServiceHandle } from '../src/services/postgres-service.js';

const { Client, Pool } = pg;

/** Run `fn` with a connected client, and always disconnect it. */
async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe('postgresService', () => {
  const saved = {
    DATABASE_URL: process.env['DATABASE_URL'],
    TEST_SERVICES: process.env['TEST_SERVICES'],
    TEST_SERVICE_POSTGRES: process.env['TEST_SERVICE_POSTGRES'],
  };
  const handles: PostgresServiceHandle[] = [];
  const start = async (service: ReturnType<typeof postgresService>): Promise<PostgresServiceHandle> => {
    const handle = await service.start();
    handles.push(handle);
    return handle;
  };

  beforeAll(() => {
    for (const name of Object.keys(saved)) delete process.env[name];
  });

  afterAll(async () => {
    for (const handle of handles.reverse()) await handle.stop();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  const postgres = postgresService();

  it('should fall back to an embedded PGlite that a pg client can use, saying why the other options were passed over', async () => {
    // Act
    const handle = await start(postgres);
    const rows = await withClient(handle.url, async (client) => {
      await client.query('create table tickets (id serial primary key, title text not null)');
      await client.query('insert into tickets (title) values ($1), ($2)', ['Printer on fire', 'VPN down']);
      return (await client.query<{ id: number; title: string }>('select id, title from tickets order by id')).rows;
    });

    // Assert
    expect(handle.kind).toBe('embedded');
    expect(handle.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    expect(handle.passedOver[0]).toEqual({ kind: 'url', reason: 'DATABASE_URL is not set' });
    // This machine has no Docker engine; where one answers, the container option is taken instead.
    expect(handle.passedOver[1]).toEqual({ kind: 'container', reason: expect.stringMatching(/^no Docker engine answered: /) });
    expect(rows).toEqual([
      { id: 1, title: 'Printer on fire' },
      { id: 2, title: 'VPN down' },
    ]);
    expect((await handle.pglite!.query<{ count: number }>('select count(*)::int as count from tickets')).rows).toEqual([{ count: 2 }]);
  });

  it('should serve a pool of one connection (the embedded default) from the same running instance', async () => {
    // Arrange
    const handle = await postgres.start();
    const pool = new Pool({ connectionString: handle.url, max: 1 });

    // Act
    const results = await Promise.all(
      [1, 2, 3, 4].map((n) => pool.query<{ n: number }>('select $1::int as n, pg_sleep(0.05)', [n])),
    ).finally(() => pool.end());

    // Assert
    expect(handle).toBe(handles[0]);
    expect(results.map((result) => result.rows[0]!.n)).toEqual([1, 2, 3, 4]);
  });

  it('should use DATABASE_URL when it is set, and leave that server running when stopped', async () => {
    // Arrange
    const upstream = await start(postgresService({ name: 'upstream', url: 'UPSTREAM_DATABASE_URL' }));
    await upstream.pglite!.exec("create table origin (name text); insert into origin values ('upstream')");
    process.env['DATABASE_URL'] = upstream.url;

    // Act
    const handle = await postgresService().start();
    const seen = await withClient(handle.url, async (client) => {
      await client.query("insert into origin values ('written through DATABASE_URL')");
      return (await client.query<{ name: string }>('select name from origin order by name')).rows.map((row) => row.name);
    }).finally(() => {
      delete process.env['DATABASE_URL'];
    });
    await handle.stop();

    // Assert
    expect(handle).toMatchObject({ kind: 'url', url: upstream.url, passedOver: [], pglite: undefined });
    expect(seen).toEqual(['upstream', 'written through DATABASE_URL']);
    expect((await upstream.pglite!.query<{ name: string }>('select name from origin order by name')).rows).toEqual([
      { name: 'upstream' },
      { name: 'written through DATABASE_URL' },
    ]);
  });

  it('should stop the embedded server so that it refuses new connections', async () => {
    // Arrange
    const postgres = postgresService({ name: 'short-lived' });
    const handle = await postgres.start();

    // Act
    await postgres.stop();
    const error = await withClient(handle.url, () => Promise.resolve(undefined)).catch(
      (caught: unknown) => caught as Error & { code?: string },
    );

    // Assert
    expect(error).toMatchObject({ code: 'ECONNREFUSED' });
    expect((handle.pglite as PGlite).closed).toBe(true);
  });
});
