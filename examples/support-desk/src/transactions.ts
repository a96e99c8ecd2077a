import type { Pool, PoolClient } from 'pg';

/**
 * Run `work` in a transaction on one connection of `pool`: commit when it resolves, roll back
 * when it throws. A connection whose rollback fails is discarded rather than returned to the pool.
 *
 * @param pool - where to take the connection from
 * @param work - the statements to run; receives the connection, already inside `BEGIN`
 * @example
 * const count = await inTransaction(pool, async (client) => (await client.query('SELECT 1')).rowCount)
 */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    }
    throw error;
  } finally {
    client.release(broken);
  }
}
