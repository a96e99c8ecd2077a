import { readdir, readFile } from 'node:fs/promises';
import type { Pool } from 'pg';
import { inTransaction } from './transactions.ts';

/** Where the SQL migrations live: `NNNN_name.sql`, applied in name order. */
export const MIGRATIONS_DIRECTORY = new URL('./migrations/', import.meta.url);

/** Any number: it only has to be the same for every instance of the service. */
const MIGRATION_LOCK_KEY = 7_305_113;

/**
 * Apply the SQL migrations not applied yet, in one transaction, recording each in
 * `schema_migrations`. An advisory lock keeps two instances starting at once from racing.
 *
 * @param pool - a pool connected as the schema owner
 * @returns the names of the migrations applied by this call
 * @example
 * const applied = await migrate(pool) // ['0001_tenants_users_orders.sql'] on an empty database
 */
export async function migrate(pool: Pool): Promise<string[]> {
  const names = (await readdir(MIGRATIONS_DIRECTORY)).filter((name) => name.endsWith('.sql')).sort();
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = await client.query<{ name: string }>('SELECT name FROM schema_migrations');
    const applied = new Set(done.rows.map((row) => row.name));
    const pending = names.filter((name) => !applied.has(name));
    for (const name of pending) {
      await client.query(await readFile(new URL(name, MIGRATIONS_DIRECTORY), 'utf8'));
      await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name]);
    }
    return pending;
  });
}
