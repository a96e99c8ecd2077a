// A PostgreSQL server on 127.0.0.1 for a bench: the one PROVING_GROUND_POSTGRES_URL names, else a
// throwaway cluster (initdb in a temporary folder, a free port, fsync off) that stop() removes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, chownSync } from 'node:fs';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The folder holding initdb and pg_ctl: on PATH, else the newest Debian one. */
function findBin() {
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  if (onPath !== '') return { initdb: onPath, pgCtl: onPath.replace(/initdb$/, 'pg_ctl') };
  const debian = '/usr/lib/postgresql';
  const versions = existsSync(debian) ? readdirSync(debian).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const bin = join(debian, version, 'bin');
    if (existsSync(join(bin, 'initdb'))) return { initdb: join(bin, 'initdb'), pgCtl: join(bin, 'pg_ctl') };
  }
  return undefined;
}

async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A PostgreSQL server for the bench: `{ url, origin, stop() }`.
 *
 * @example
 * const postgres = await startPostgres(); try { ... } finally { await postgres.stop() }
 */
export async function startPostgres() {
  const given = process.env.PROVING_GROUND_POSTGRES_URL;
  if (given !== undefined && given !== '') return { url: given, origin: 'PROVING_GROUND_POSTGRES_URL', stop: async () => undefined };
  const bin = findBin();
  if (bin === undefined) {
    throw new Error(
      '[bench] Failed to start PostgreSQL: initdb is not on PATH nor in /usr/lib/postgresql. Install it, or set PROVING_GROUND_POSTGRES_URL.',
    );
  }
  // initdb refuses to run as root: the cluster belongs to the postgres user then.
  const root = process.getuid?.() === 0;
  const run = (command, args) => {
    const [file, argv] = root ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
    const result = spawnSync(file, argv, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`[bench] Failed to run ${command}: ${result.stderr || result.error?.message}`);
  };
  const directory = mkdtempSync(join(tmpdir(), 'bench-postgres-'));
  if (root) {
    const owner = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim();
    const group = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim();
    chownSync(directory, Number(owner), Number(group));
  }
  const port = await freePort();
  const data = join(directory, 'data');
  run(bin.initdb, ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  run(bin.pgCtl, [
    '-D',
    data,
    '-o',
    `-h 127.0.0.1 -p ${port} -k ${directory} -c fsync=off`,
    '-l',
    join(directory, 'server.log'),
    '-w',
    'start',
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    origin: `a throwaway cluster (${bin.initdb.replace(/\/initdb$/, '')})`,
    stop: async () => {
      run(bin.pgCtl, ['-D', data, '-m', 'fast', '-w', 'stop']);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
