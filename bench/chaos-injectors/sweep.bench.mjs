// A seed sweep of a small chaos suite in one Jest process, next to one Jest process per seed (what a
// shell loop over CHAOS_SEED does). The suite has three chaos tests: a file fault rolled from the
// seed, a TCP proxy with a jittered latency toxic in front of an echo server (a real socket per
// seed), and a clock skew. Before every test it samples what a leak would leave behind: active
// faults, sockets and servers (`process.getActiveResourcesInfo()`), patched globals (`Date`,
// `fs.writeFileSync`, `net.Socket.prototype.connect` compared with the start of the file) and the
// heap after a full GC. Run with `npm run build -w packages/chaos-injectors` first, then
// `node chaos-injectors/sweep.bench.mjs` from bench/.
//
// 1. 50 seeds in one Jest process (`proving-ground-chaos run --seeds 50 -- --runInBand`): wall time,
//    seed tests run, leaks between seeds, heap before and after
// 2. the same sweep with empty test bodies (BENCH_PLAIN=1): the heap growth of Jest's own bookkeeping
// 3. one Jest process per seed, for BENCH_PROCESSES seeds: wall time per seed, scaled to 50
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const SEEDS = Number(process.env.BENCH_SEEDS ?? 50);
const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 5);
const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const cli = join(dirname(require.resolve('@proving-ground/chaos-injectors/package.json')), 'dist', 'cli.mjs');
const jestBin = join(dirname(require.resolve('jest/package.json')), 'bin', 'jest.js');

// The suite, as a user would write it (CommonJS, no transform).
const SUITE = String.raw`
const { afterAll, beforeAll, beforeEach, expect } = require('@jest/globals');
const { activeFaults, chaosTest, createProxy, injectFsFault, skewClock } = require('@proving-ground/chaos-injectors');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const v8 = require('node:v8');
const vm = require('node:vm');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
const dir = path.join(__dirname, 'data');
fs.mkdirSync(dir, { recursive: true });
const originals = { Date, now: Date.now, writeFileSync: fs.writeFileSync, connect: net.Socket.prototype.connect };
const samples = [];
let echo;

async function sample(label) {
  // Sockets destroyed by the test before close in the next turns of the loop (libuv lists a handle until its close callback ran).
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  gc();
  const resources = process.getActiveResourcesInfo().filter((name) => name !== 'Timeout' && name !== 'TTYWrap');
  samples.push({
    label,
    heapUsed: process.memoryUsage().heapUsed,
    rss: process.memoryUsage().rss,
    faults: activeFaults().length,
    resources: resources.length,
    sockets: resources.filter((name) => name === 'TCPSocketWrap').length,
    patched:
      Date !== originals.Date || Date.now !== originals.now || fs.writeFileSync !== originals.writeFileSync || net.Socket.prototype.connect !== originals.connect,
  });
}

beforeAll(async () => {
  echo = net.createServer((socket) => socket.pipe(socket)).listen(0, '127.0.0.1');
  await new Promise((resolve) => echo.once('listening', resolve));
  await sample('start');
});
beforeEach(() => sample(expect.getState().currentTestName));
afterAll(async () => {
  await sample('end');
  await new Promise((resolve) => echo.close(resolve));
  fs.writeFileSync(process.env.BENCH_OUT, JSON.stringify(samples));
});

// The control run (BENCH_PLAIN=1) declares the same tests with empty bodies: Jest's own per-test bookkeeping.
const body = (fn) => (process.env.BENCH_PLAIN === '1' ? () => undefined : fn);

function save() {
  try {
    fs.writeFileSync(path.join(dir, 'orders.db'), 'order');
    return 'ok';
  } catch {
    return 'degraded';
  }
}

chaosTest('orders degrade on a flaky disk', body(async () => {
  const disk = injectFsFault({ path: dir, error: 'EIO', probability: 0.5 });
  const outcomes = Array.from({ length: 4 }, save);
  expect(outcomes.filter((outcome) => outcome === 'degraded').length).toBe(disk.fired);
  await disk.restore();
}));

chaosTest('the echo answers through a jittery proxy', body(async () => {
  const proxy = await createProxy({ upstream: '127.0.0.1:' + echo.address().port });
  proxy.addToxic({ type: 'latency', attributes: { latency: 1, jitter: 1 }, toxicity: 0.5 });
  const socket = net.connect(proxy.port, '127.0.0.1');
  socket.write('ping');
  const answer = await new Promise((resolve) => socket.once('data', (data) => resolve(String(data))));
  socket.destroy();
  await proxy.close();
  expect(answer).toBe('ping');
}));

chaosTest('tokens expire when the clock runs ahead', body(async () => {
  const expiresAt = Date.now() + 60_000;
  const skew = skewClock(120_000);
  expect(Date.now() > expiresAt).toBe(true);
  await skew.restore();
}));
`;

function run(command, args, env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [command, ...args], {
      cwd: project,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ code, output }));
  });
}

mkdirSync(join(here, '.tmp'), { recursive: true });
const project = mkdtempSync(join(here, '.tmp', 'sweep-'));
writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'sweep-bench', private: true, type: 'commonjs' }));
writeFileSync(
  join(project, 'jest.config.js'),
  `module.exports = ${JSON.stringify({ testEnvironment: 'node', transform: {}, setupFilesAfterEnv: ['@proving-ground/chaos-injectors/setup'] })};\n`,
);
writeFileSync(join(project, 'sweep.test.js'), SUITE);
const cacheArgs = ['--ci', `--cacheDirectory=${join(project, '.cache')}`];

try {
  // Warm Jest's transform cache, so neither side pays for the first run.
  await run(jestBin, [...cacheArgs, '--runInBand'], { CHAOS_SEED: '0', BENCH_OUT: join(project, 'warm.json') });

  const out = join(project, 'sweep.json');
  const started = performance.now();
  const sweep = await run(
    cli,
    ['run', '--seeds', String(SEEDS), '--report', join(project, 'report.json'), '--', ...cacheArgs, '--runInBand'],
    {
      BENCH_OUT: out,
    },
  );
  const sweepMs = performance.now() - started;
  const plainOut = join(project, 'plain.json');
  await run(cli, ['run', '--seeds', String(SEEDS), '--', ...cacheArgs, '--runInBand'], { BENCH_OUT: plainOut, BENCH_PLAIN: '1' });
  const plain = JSON.parse(readFileSync(plainOut, 'utf8'));
  const report = JSON.parse(readFileSync(join(project, 'report.json'), 'utf8'));
  const samples = JSON.parse(readFileSync(out, 'utf8'));

  let processMs = 0;
  for (let seed = 1; seed <= PROCESSES; seed++) {
    const began = performance.now();
    await run(jestBin, [...cacheArgs, '--runInBand'], { CHAOS_SEED: String(seed), BENCH_OUT: join(project, `process-${seed}.json`) });
    processMs += performance.now() - began;
  }
  const perProcess = processMs / PROCESSES;

  const between = samples.slice(1, -1);
  const mib = (bytes) => (bytes / 1024 ** 2).toFixed(1);
  const first = samples[0];
  const last = samples.at(-1);
  const tenth = Math.max(1, Math.floor(between.length / 10));
  const avg = (list) => list.reduce((sum, s) => sum + s.heapUsed, 0) / list.length;
  console.log(`Node ${process.version}, ${SEEDS} seeds x 3 chaos tests, exit code ${sweep.code}`);
  console.log(
    `one Jest process, ${report.seedTests} seed tests: ${(sweepMs / 1000).toFixed(2)} s (${(sweepMs / SEEDS).toFixed(1)} ms per seed)`,
  );
  console.log(
    `one Jest process per seed (${PROCESSES} runs): ${(perProcess / 1000).toFixed(2)} s per seed, ~${((perProcess * SEEDS) / 1000).toFixed(1)} s for ${SEEDS}`,
  );
  console.log(`ratio: the per-seed processes take ${((perProcess * SEEDS) / sweepMs).toFixed(1)}x the one-process sweep`);
  console.log(
    `between tests: max active faults ${Math.max(...between.map((s) => s.faults))}, max client sockets ${Math.max(...between.map((s) => s.sockets))}, handles ${Math.max(...between.map((s) => s.resources))} at most (${first.resources} at the start), patched globals seen ${between.filter((s) => s.patched).length} times`,
  );
  console.log(
    `heap after GC: start ${mib(first.heapUsed)} MiB, end ${mib(last.heapUsed)} MiB (${last.heapUsed >= first.heapUsed ? '+' : ''}${mib(last.heapUsed - first.heapUsed)} MiB); first tenth of tests ${mib(avg(between.slice(0, tenth)))} MiB, last tenth ${mib(avg(between.slice(-tenth)))} MiB`,
  );
  // Each test's first seeds warm its code up (compiled functions, lazily loaded modules); a leak keeps growing after that.
  const byTest = Map.groupBy(between, (x) => x.label.replace(/ \[seed \d+\]$/, ''));
  const plateau = [...byTest].map(
    ([name, list]) => `${name}: ${mib(list.at(-1).heapUsed - list[Math.floor(list.length * 0.4)].heapUsed)} MiB`,
  );
  console.log(`heap from the 40% seed of each test to its last seed: ${plateau.join('; ')}`);
  console.log(
    `control, the same tests with empty bodies: heap after GC start ${mib(plain[0].heapUsed)} MiB, end ${mib(plain.at(-1).heapUsed)} MiB (${mib(plain.at(-1).heapUsed - plain[0].heapUsed)} MiB)`,
  );
  console.log(`rss: start ${mib(first.rss)} MiB, end ${mib(last.rss)} MiB`);
  if (report.otherFailures.length > 0 || report.failures.length > 0) console.log(sweep.output);
  if (process.env.BENCH_DEBUG)
    console.log(
      samples
        .filter((_, k) => k % 10 === 1)
        .map((x) => `${x.label}: heap ${mib(x.heapUsed)}`)
        .join('\n'),
    );
} finally {
  rmSync(project, { recursive: true, force: true });
}
