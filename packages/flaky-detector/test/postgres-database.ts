import pg from 'pg';

/** A database of its own on the test server, so suites running at once never see each other's tables. */
export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A new, empty database on the server at `serverUrl`, dropped again by `drop()`.
 *
 * @example
 * const database = await scratchDatabase(postgres.url, 'store');
 */
export async function scratchDatabase(serverUrl: string, label: string): Promise<ScratchDatabase> {
  const name = `flaky_${label}_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
