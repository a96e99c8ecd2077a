import type { Pool, PoolClient } from 'pg';

/**
 * Run `work` in a transaction on one connection of `pool`: commit when it resolves, roll back
 * when it throws. A connection that was lost, or whose rollback fails, is discarded rather than
 * returned to the pool.
 *
 * @param pool - where to take the connection from
 * @param work - the statements to run; receives the connection, already inside `BEGIN`
 * @example
 * const count = await inTransaction(pool, async (client) => (await client.query('SELECT 1')).rowCount)
 */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // pg emits a lost connection as an 'error' event on the client as well as rejecting the query
  // under way; the pool listens only while the client is idle, and an 'error' event nobody
  // listens to would crash the process. The query's rejection carries the failure on.
  const onConnectionError = (error: Error) => {
    broken = error;
  };
  client.on('error', onConnectionError);
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
    client.off('error', onConnectionError);
    client.release(broken);
  }
}
