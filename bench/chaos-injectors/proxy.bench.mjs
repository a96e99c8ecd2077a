// Overhead of the pure-Node TCP fault proxy of @proving-ground/chaos-injectors with no toxic, side
// by side with a direct connection, in one process (as in a Jest test: client, proxy and server
// share the event loop) on 127.0.0.1 with TCP_NODELAY on every hop. Runs interleave direct and
// proxied rounds so machine noise hits both. Run with `npm run bench:chaos-injectors -w bench`
// after `npm run build -w packages/chaos-injectors`.
//
// 1. round trip of a 64-byte message (ping-pong on one connection): median and p99
// 2. one-way throughput: 64 KiB writes to a counting sink, MiB/s
// 3. connect + a 1-byte round trip on a new connection: median and p99
import { connect, createServer } from 'node:net';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { createProxy } from '@proving-ground/chaos-injectors';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PINGS = Number(process.env.BENCH_PINGS ?? 2000);
const CONNECTS = Number(process.env.BENCH_CONNECTS ?? 300);
const BULK_MIB = Number(process.env.BENCH_BULK_MIB ?? 256);

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
