import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { realService } from '@proving-ground/test-kit';
import { isFlakyError, openHistoryStore } from '../src/index.js';
import { scratchDatabase, type ScratchDatabase } from './postgres-database.js';

const postgres = realService('postgres');
const describeWithPostgres = postgres.url === undefined ? describe.skip : describe;

/** `url` with a password in it (the test server trusts local connections, so any password is accepted). */
function withPassword(url: string): string {
  const parsed = new URL(url);
  parsed.username = 'postgres';
  parsed.password = 'hunter2';
  return parsed.toString();
}

describe('openHistoryStore (PostgreSQL server)', () => {
  it('should report a server it cannot reach without printing the password', async () => {
    const error = await openHistoryStore({ url: 'postgres://ci:hunter2@127.0.0.1:1/history' }).catch((caught: unknown) => caught);

    expect(isFlakyError(error) && error.code).toBe('FLAKY_STORE_UNREACHABLE');
    expect(String(error)).toContain('Failed to connect to the history store postgres://ci:***@127.0.0.1:1/history');
    expect(String(error)).not.toContain('hunter2');
  });

  it('should say to install pg when it is missing', async () => {
    // The built package copied where no node_modules folder above has pg.
    const outside = mkdtempSync(join(tmpdir(), 'flaky-no-pg-'));
    cpSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'dist'), join(outside, 'dist'), { recursive: true });
    const script = [
      `const { openHistoryStore } = await import(${JSON.stringify(pathToFileURL(join(outside, 'dist', 'index.mjs')).href)});`,
      `await openHistoryStore({ url: 'postgres://ci:hunter2@127.0.0.1:1/history', cwd: ${JSON.stringify(outside)} })`,
      '  .catch((error) => console.log(JSON.stringify({ code: error.code, message: error.message })));',
    ].join('\n');

    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: outside });

      expect(JSON.parse(stdout)).toEqual({
        code: 'FLAKY_MISSING_PEER',
        message:
          '[flaky-detector] Failed to open a PostgreSQL history store: the optional peer `pg` is not installed. Install it next to flaky-detector: npm i -D pg.',
      });
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

describeWithPostgres(`openHistoryStore (PostgreSQL server) ${postgres.skipReason ?? ''}`.trim(), () => {
  let database: ScratchDatabase | undefined;
  beforeAll(async () => {
    database = await scratchDatabase(postgres.url!, 'server');
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('should name the store by its URL with the password masked', async () => {
    const store = await openHistoryStore({ url: withPassword(database!.url) });
    await store.close();

    expect(store.location).toContain('postgres:***@127.0.0.1');
    expect(store.location).not.toContain('hunter2');
  });

  it('should create its tables once when eight connections open the store at the same moment', async () => {
    const fresh = await scratchDatabase(postgres.url!, 'schema_race');
    try {
      const stores = await Promise.all(Array.from({ length: 8 }, () => openHistoryStore({ url: fresh.url })));
      await Promise.all(stores.map((store) => store.close()));

      const client = new pg.Client({ connectionString: fresh.url });
      await client.connect();
      const { rows } = await client.query<{ version: number }>('SELECT version FROM flaky_schema');
      await client.end();
      expect(rows).toEqual([{ version: 2 }]);
    } finally {
      await fresh.drop();
    }
  });

  it('should refuse a store written by a newer version', async () => {
    const fresh = await scratchDatabase(postgres.url!, 'newer');
    try {
      await (await openHistoryStore({ url: fresh.url })).close();
      const client = new pg.Client({ connectionString: fresh.url });
      await client.connect();
      await client.query('UPDATE flaky_schema SET version = 7');
      await client.end();

      const error = await openHistoryStore({ url: fresh.url }).catch((caught: unknown) => caught);

      expect(isFlakyError(error) && error.code).toBe('FLAKY_STORE_TOO_NEW');
      expect(String(error)).toContain('it has schema version 7, and this flaky-detector reads up to version 2');
    } finally {
      await fresh.drop();
    }
  });
});
