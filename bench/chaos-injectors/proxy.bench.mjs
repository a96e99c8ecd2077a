// Overhead of the pure-Node TCP fault proxy of @proving-ground/chaos-injectors with no toxic, side
// by side with a direct connection, in one process (as in a Jest test: client, proxy and server
// share the event loop) on 127.0.0.1 with TCP_NODELAY on every hop. Runs interleave direct and
// proxied rounds so machine noise hits both. Run with `npm run bench:chaos-injectors -w bench`
// after `npm run build -w packages/chaos-injectors`.
//
// 1. round trip of a 64-byte message (ping-pong on one connection): median and p99
// 2. one-way throughput: 64 KiB writes to a counting sink, MiB/s
// 3. connect + a 1-byte round trip on a new connection: median and p99
// 4. `pg` against a real PostgreSQL server (PROVING_GROUND_POSTGRES_URL, else a throwaway cluster
//    started here; BENCH_PG=0 skips it): `select 1` on one connection, a 1,000-row result, and
//    connect + `select 1` + end on a new connection, direct and through the proxy, taken in turn
//    (a paired sample: the server is another process, so the machine's load hits both alike)
import { connect, createServer } from 'node:net';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createProxy } from '@proving-ground/chaos-injectors';
import { startPostgres } from './postgres-server.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PINGS = Number(process.env.BENCH_PINGS ?? 2000);
const CONNECTS = Number(process.env.BENCH_CONNECTS ?? 300);
const BULK_MIB = Number(process.env.BENCH_BULK_MIB ?? 256);
const PG = process.env.BENCH_PG !== '0';
const PG_QUERIES = Number(process.env.BENCH_PG_QUERIES ?? 2000);
const PG_ROWS_QUERIES = Number(process.env.BENCH_PG_ROWS_QUERIES ?? 200);
const PG_CONNECTS = Number(process.env.BENCH_PG_CONNECTS ?? 100);

async function listen(handler) {
  const server = createServer({ noDelay: true }, handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

const echo = await listen((socket) => socket.pipe(socket));
let received = 0;
const sink = await listen((socket) => socket.on('data', (data) => (received += data.length)));
const echoPort = echo.address().port;
const sinkPort = sink.address().port;
const echoProxy = await createProxy({ upstream: `127.0.0.1:${echoPort}`, name: 'echo' });
const sinkProxy = await createProxy({ upstream: `127.0.0.1:${sinkPort}`, name: 'sink' });

async function open(port) {
  const socket = connect({ host: '127.0.0.1', port, noDelay: true });
  await once(socket, 'connect');
  return socket;
}

async function pingPong(port, count) {
  const socket = await open(port);
  const message = Buffer.alloc(64, 1);
  const times = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    socket.write(message);
    let got = 0;
    while (got < message.length) {
      const [data] = await once(socket, 'data');
      got += data.length;
    }
    times.push((performance.now() - started) * 1000);
  }
  socket.destroy();
  return times.slice(Math.floor(count / 10));
}

async function throughput(port) {
  const socket = await open(port);
  const block = Buffer.alloc(64 * 1024, 7);
  const total = BULK_MIB * 1024 * 1024;
  received = 0;
  const started = performance.now();
  for (let sent = 0; sent < total; sent += block.length) {
    if (!socket.write(block)) await once(socket, 'drain');
  }
  while (received < total) await new Promise((resolve) => setImmediate(resolve));
  const seconds = (performance.now() - started) / 1000;
  socket.destroy();
  return BULK_MIB / seconds;
}

async function connects(port, count) {
  const times = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const socket = await open(port);
    socket.write('x');
    await once(socket, 'data');
    times.push((performance.now() - started) * 1000);
    socket.destroy();
  }
  return times.slice(Math.floor(count / 10));
}

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const median = (values) => quantile(values, 0.5);

const results = { direct: { rtt: [], mib: [], connect: [] }, proxy: { rtt: [], mib: [], connect: [] } };
await pingPong(echoPort, 500);
await pingPong(echoProxy.port, 500);
for (let round = 0; round < ROUNDS; round++) {
  for (const [kind, rttPort, bulkPort] of [
    ['direct', echoPort, sinkPort],
    ['proxy', echoProxy.port, sinkProxy.port],
  ]) {
    results[kind].rtt.push(...(await pingPong(rttPort, PINGS)));
    results[kind].mib.push(await throughput(bulkPort));
    results[kind].connect.push(...(await connects(rttPort, CONNECTS)));
  }
}

const row = (kind) => ({
  'rtt p50 µs': median(results[kind].rtt).toFixed(1),
  'rtt p99 µs': quantile(results[kind].rtt, 0.99).toFixed(1),
  'MiB/s (median)': median(results[kind].mib).toFixed(0),
  'connect p50 µs': median(results[kind].connect).toFixed(1),
  'connect p99 µs': quantile(results[kind].connect, 0.99).toFixed(1),
});
console.log(`Node ${process.version}, ${ROUNDS} interleaved rounds, ${PINGS} pings, ${BULK_MIB} MiB, ${CONNECTS} connects per round`);
console.table({ direct: row('direct'), proxy: row('proxy') });
const added = median(results.proxy.rtt) - median(results.direct.rtt);
const kept = median(results.proxy.mib) / median(results.direct.mib);
console.log(`added median round trip: ${added.toFixed(1)} µs (target <= 50 µs: ${added <= 50 ? 'met' : 'missed'})`);
console.log(`throughput kept: ${(kept * 100).toFixed(0)}% of direct (target >= 50%: ${kept >= 0.5 ? 'met' : 'missed'})`);
console.log(`connect ratio (p50): ${(median(results.proxy.connect) / median(results.direct.connect)).toFixed(2)}x`);

await echoProxy.close();
await sinkProxy.close();
echo.close();
sink.close();

const ROWS_SQL = 'select g as id, md5(g::text) as digest from generate_series(1, 1000) g';

/** Time `action` for direct and proxied in turn, `count` times each: a paired sample, so a busy moment of the machine hits both. */
async function paired(action, count) {
  const times = { direct: [], proxy: [] };
  for (let i = 0; i < count; i++) {
    for (const kind of i % 2 === 0 ? ['direct', 'proxy'] : ['proxy', 'direct']) {
      const started = performance.now();
      await action(kind);
      times[kind].push((performance.now() - started) * 1000);
    }
  }
  const skip = Math.floor(count / 10);
  return { direct: times.direct.slice(skip), proxy: times.proxy.slice(skip) };
}

async function connectQueryEnd(connectionString) {
  const client = new pg.Client({ connectionString });
  await client.connect();
  await client.query('select 1');
  await client.end();
}

if (PG) {
  const postgres = await startPostgres();
  try {
    const upstream = new URL(postgres.url).host;
    const pgProxy = await createProxy({ upstream, name: 'postgres' });
    const urls = { direct: postgres.url, proxy: pgProxy.url(postgres.url) };
    const clients = {};
    for (const [kind, url] of Object.entries(urls)) {
      clients[kind] = new pg.Client({ connectionString: url });
      await clients[kind].connect();
    }
    await paired((kind) => clients[kind].query('select 1'), 200);
    await paired((kind) => clients[kind].query(ROWS_SQL), 20);
    const version = (await clients.direct.query('show server_version')).rows[0].server_version;
    const pgResults = { direct: { one: [], rows: [], connect: [] }, proxy: { one: [], rows: [], connect: [] } };
    const add = (key, times) => {
      for (const kind of ['direct', 'proxy']) pgResults[kind][key].push(...times[kind]);
    };
    for (let round = 0; round < ROUNDS; round++) {
      add('one', await paired((kind) => clients[kind].query('select 1'), PG_QUERIES));
      add('rows', await paired((kind) => clients[kind].query(ROWS_SQL), PG_ROWS_QUERIES));
      add('connect', await paired((kind) => connectQueryEnd(urls[kind]), PG_CONNECTS));
    }
    for (const client of Object.values(clients)) await client.end();
    await pgProxy.close();

    const pgRow = (kind) => ({
      'select 1 p50 µs': median(pgResults[kind].one).toFixed(1),
      'select 1 p99 µs': quantile(pgResults[kind].one, 0.99).toFixed(1),
      '1,000 rows p50 µs': median(pgResults[kind].rows).toFixed(1),
      'connect+query+end p50 µs': median(pgResults[kind].connect).toFixed(1),
      'connect+query+end p99 µs': quantile(pgResults[kind].connect, 0.99).toFixed(1),
    });
    console.log(
      `\npg against PostgreSQL ${version} (${postgres.origin}), ${ROUNDS} interleaved rounds, ${PG_QUERIES} x select 1, ${PG_ROWS_QUERIES} x 1,000 rows, ${PG_CONNECTS} connects per round`,
    );
    console.table({ direct: pgRow('direct'), proxy: pgRow('proxy') });
    const ratio = (key, q = 0.5) => quantile(pgResults.proxy[key], q) / quantile(pgResults.direct[key], q);
    const pgAdded = median(pgResults.proxy.one) - median(pgResults.direct.one);
    console.log(
      `pg select 1: ${pgAdded >= 0 ? '+' : ''}${pgAdded.toFixed(1)} µs median (${ratio('one').toFixed(2)}x), p99 ${ratio('one', 0.99).toFixed(2)}x`,
    );
    console.log(`pg 1,000 rows: ${ratio('rows').toFixed(2)}x median`);
    console.log(`pg connect + select 1 + end: ${ratio('connect').toFixed(2)}x median, ${ratio('connect', 0.99).toFixed(2)}x p99`);
  } finally {
    await postgres.stop();
  }
}
