// Replay speed of @proving-ground/cassettes against the tools users would pick instead, all in this
// one process, with the same client and the same interaction (an OpenAI-style chat completion POST
// to a real server on 127.0.0.1), each tool recording it its own way; the server is then stopped, so
// a request that is not replayed fails the benchmark. Run with `npm run bench:cassettes -w bench`
// after building test-modes and cassettes.
//
// 1. per request (global fetch): one replay from a cassette in use, against a hand-written msw handler;
//    then per request by client (global fetch, node:http, axios and got if installed), cassette in use: node:http,
//    axios and got on the guard's fast path and, side by side, on the interceptors' socket path (fast path
//    off); each client against the live server too (no cassette), for what the client itself costs.
// 2. per test (global fetch): load the recording, replay the request, finish, against nock.back.
// 3. per test (node:http, the only client Polly.js's Node adapter sees), against Polly.js.
// 4. loading a cassette of 1,000 interactions.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CASSETTE_VERSION, readCassette, withCassette, writeCassetteAtomically } from '@proving-ground/cassettes';
import { networkGuard } from '@proving-ground/test-modes';
import { postWithHttp } from './http-post.mjs';
import nock from 'nock';
import { Bench } from 'tinybench';

// nock patches the http modules when imported: keep it off until its own benchmark.
nock.restore();

const TIME = Number(process.env.BENCH_TIME_MS ?? 1500);
const PATH = '/v1/chat/completions';
const REQUEST_BODY = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'How do refunds work?' }] });
const COMPLETION = {
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [
    { index: 0, message: { role: 'assistant', content: 'Refunds take 5 business days once the parcel is back.' }, finish_reason: 'stop' },
  ],
  usage: { prompt_tokens: 12, completion_tokens: 11, total_tokens: 23 },
};
const COMPLETION_TEXT = JSON.stringify(COMPLETION);
const work = mkdtempSync(join(tmpdir(), 'pg-cassettes-bench-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

let hits = 0;
const server = createServer((incoming, outgoing) => {
  hits += 1;
  incoming.resume();
  incoming.on('end', () => {
    outgoing.setHeader('content-type', 'application/json');
    outgoing.end(COMPLETION_TEXT);
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}${PATH}`;

function check(text) {
  if (JSON.parse(text).id !== COMPLETION.id) throw new Error(`unexpected answer ${text}`);
}

async function callFetch() {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: REQUEST_BODY });
  check(await response.text());
}

async function callHttp() {
  check(await postWithHttp(url, REQUEST_BODY));
}

async function measure(title, tasks) {
  const bench = new Bench({ time: TIME, warmupTime: 300, warmupIterations: 50, throws: true });
  for (const [name, fn, hooks] of tasks) bench.add(name, fn, hooks);
  await bench.run();
  const results = Object.fromEntries(bench.tasks.map((task) => [task.name, task.result.latency.mean]));
  console.log(`\n${title}`);
  for (const [name, mean] of Object.entries(results)) console.log(`  ${name.padEnd(48)} ${(mean * 1000).toFixed(1).padStart(8)} µs/op`);
  return results;
}

/**
 * Side by side on a shared machine: rounds of `batch` calls of each task in turn (the order rotating
 * each round), so every task sees the same load. Each task's mean per call is the median of its
 * round means; each ratio to `reference` is the median of the per-round ratios; the same for the CPU
 * time this process spent per call. `task.before` runs before each of its batches (e.g. switching
 * the node:http fast path on or off).
 */
async function interleaved(title, tasks, reference, { rounds = 25, batch = 40, warmup = 200 } = {}) {
  for (const task of tasks) {
    await task.before?.();
    for (let index = 0; index < warmup; index += 1) await task.fn();
  }
  const means = Object.fromEntries(tasks.map((task) => [task.name, []]));
  const cpu = Object.fromEntries(tasks.map((task) => [task.name, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (let offset = 0; offset < tasks.length; offset += 1) {
      const task = tasks[(round + offset) % tasks.length];
      await task.before?.();
      const started = performance.now();
      const cpuStarted = process.cpuUsage();
      for (let index = 0; index < batch; index += 1) await task.fn();
      const { user, system } = process.cpuUsage(cpuStarted);
      means[task.name].push((performance.now() - started) / batch);
      cpu[task.name].push((user + system) / 1000 / batch);
    }
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const medians = (samples) => Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
  const ratiosOf = (samples) =>
    Object.fromEntries(
      Object.entries(samples).map(([name, values]) => [name, median(values.map((value, round) => value / samples[reference][round]))]),
    );
  const results = medians(means);
  const ratios = ratiosOf(means);
  // CPU time of this process per call: much less moved than wall time by other processes on the machine.
  const cpuResults = medians(cpu);
  const cpuRatios = ratiosOf(cpu);
  console.log(`\n${title}`);
  for (const [name, mean] of Object.entries(results)) {
    console.log(
      `  ${name.padEnd(32)} ${(mean * 1000).toFixed(1).padStart(8)} µs/op ${ratios[name].toFixed(2).padStart(6)}x` +
        ` | CPU ${(cpuResults[name] * 1000).toFixed(1).padStart(8)} µs/op ${cpuRatios[name].toFixed(2).padStart(6)}x  (x ${reference})`,
    );
  }
  return { results, ratios, cpuResults, cpuRatios };
}

// --- each tool records the interaction from the live server --------------------------------------

const nockFixtures = join(work, 'nock');
mkdirSync(nockFixtures);
nock.back.fixtures = nockFixtures;
nock.back.setMode('record');
{
  const { nockDone } = await nock.back('chat.json');
  await callFetch();
  nockDone();
}
nock.restore();
nock.cleanAll();

let polly;
let pollyProblem;
try {
  const [{ Polly }, { default: NodeHttpAdapter }, { default: FSPersister }] = await Promise.all([
    import('@pollyjs/core'),
    import('@pollyjs/adapter-node-http'),
    import('@pollyjs/persister-fs'),
  ]);
  Polly.register(NodeHttpAdapter);
  Polly.register(FSPersister);
  polly = (mode) =>
    new Polly('chat', {
      adapters: ['node-http'],
      persister: 'fs',
      persisterOptions: { fs: { recordingsDir: join(work, 'polly') } },
      mode,
      recordIfMissing: false,
      logLevel: 'silent',
    });
  const recorder = polly('record');
  await callHttp();
  await recorder.stop();
  if (!existsSync(join(work, 'polly'))) {
    polly = undefined;
    pollyProblem =
      'its Node adapter (@pollyjs/adapter-node-http 6, built on nock 13) does not intercept node:http requests on this Node version: the request reached the server, nothing was recorded, and a replay-mode Polly sends requests to the real server.';
  }
} catch (error) {
  pollyProblem = error;
}

// Peers first, before the test-modes network guard (which @proving-ground/cassettes replays
// through) is installed for the life of the process, so they are measured without it. The server
// keeps running for our recording below, so every peer benchmark checks that none of its requests
// reached it.
function untouched(name) {
  const before = hits;
  return () => {
    if (hits !== before) throw new Error(`${name} sent ${hits - before} request(s) to the real server instead of replaying`);
  };
}

const { setupServer } = await import('msw/node');
const { http, HttpResponse } = await import('msw');
const mswServer = setupServer(http.post(url, () => HttpResponse.json(COMPLETION)));
let checkMsw;
const mswResult = await measure('1a. one request answered by a hand-written msw handler (global fetch)', [
  [
    'msw handler',
    callFetch,
    {
      beforeAll: () => ((checkMsw = untouched('msw')), mswServer.listen({ onUnhandledFrame: 'error' })),
      afterAll: () => (mswServer.close(), checkMsw()),
    },
  ],
]);

let checkNock;
const nockResult = await measure('2a. one test with nock.back (lockdown): load the fixture, replay one request (global fetch), done', [
  [
    'nock.back (lockdown)',
    async () => {
      const { nockDone } = await nock.back('chat.json');
      await callFetch();
      nockDone();
    },
    {
      beforeAll: () => ((checkNock = untouched('nock.back')), nock.back.setMode('lockdown')),
      afterAll: () => (nock.restore(), nock.cleanAll(), nock.enableNetConnect(), checkNock()),
    },
  ],
]);

let pollyResult;
if (polly !== undefined) {
  let checkPolly;
  pollyResult = await measure(
    '3a. one test with Polly.js (replay, fs persister): load the recording, replay one request (node:http), stop',
    [
      [
        'Polly.js',
        async () => {
          const instance = polly('replay');
          await callHttp();
          await instance.stop();
        },
        { beforeAll: () => void (checkPolly = untouched('Polly.js')), afterAll: () => checkPolly() },
      ],
    ],
  );
}

// --- @proving-ground/cassettes records, then the server stops ------------------------------------
const cassette = join(work, 'chat.json');
const httpCassette = join(work, 'chat-http.json');
await withCassette(cassette, callFetch, { mode: 'record-all' });
await withCassette(httpCassette, callHttp, { mode: 'record-all' });

let axios;
try {
  ({ default: axios } = await import('axios'));
} catch {
  axios = undefined; // not installed next to the bench: its rows are left out
}
async function callAxios() {
  const response = await axios.post(url, REQUEST_BODY, { headers: { 'content-type': 'application/json' }, responseType: 'text' });
  check(response.data);
}

let got;
try {
  ({ default: got } = await import('got'));
  got = got.extend({ retry: { limit: 0 } });
} catch {
  got = undefined; // not installed next to the bench: its rows are left out
}
async function callGot() {
  const response = await got.post(url, { body: REQUEST_BODY, headers: { 'content-type': 'application/json' } });
  check(response.body);
}

// What each client costs against the live server (no cassette in use: the guard lets loopback
// connections go straight to Node), to read the replay figures below against.
const { results: liveByClient } = await interleaved(
  '1c (live). one request to the live server on 127.0.0.1, by client, no cassette (interleaved)',
  [
    { name: 'global fetch', fn: callFetch },
    { name: 'node:http', fn: callHttp },
    ...(axios === undefined ? [] : [{ name: 'axios', fn: callAxios }]),
    ...(got === undefined ? [] : [{ name: 'got', fn: callGot }]),
  ],
  'global fetch',
);

server.closeAllConnections();
await new Promise((resolve) => server.close(resolve));
// Let the clients see their keep-alive connections close, so no replay reuses a live socket.
await new Promise((resolve) => setTimeout(resolve, 100));

// --- a cassette of 1,000 interactions --------------------------------------------------------------
const one = readCassette(cassette).interactions[0];
const thousand = join(work, 'thousand.json');
writeCassetteAtomically(thousand, {
  version: CASSETTE_VERSION,
  recordedAt: new Date().toISOString(),
  recordedWith: 'bench',
  interactions: Array.from({ length: 1000 }, (_, index) => ({
    ...one,
    id: `i${index}`,
    request: {
      ...one.request,
      body: { json: { ...JSON.parse(REQUEST_BODY), messages: [{ role: 'user', content: `Question ${index}?` }] } },
    },
  })),
});

/** Run each iteration inside one cassette in use for the whole task (opened in beforeAll, closed in afterAll). */
function insideCassette(path) {
  let release;
  let opened;
  return {
    beforeAll: () =>
      new Promise((ready) => {
        opened = withCassette(path, () => new Promise((resolve) => ((release = resolve), ready())), {
          mode: 'replay',
          match: { repeats: true },
        });
      }),
    afterAll: async () => {
      release();
      await opened;
    },
  };
}

const rows = [];

const perRequest = await measure('1b. one request replayed by @proving-ground/cassettes (global fetch), cassette in use', [
  ['@proving-ground/cassettes', callFetch, insideCassette(cassette)],
]);
rows.push([
  'replay one request (fetch)',
  'msw 3 handler',
  perRequest['@proving-ground/cassettes'] / mswResult['msw handler'],
  '<= 1.25x',
  (r) => r <= 1.25,
]);

// Per replayed request by client: global fetch is answered at the fetch level, without a socket;
// node:http and axios (node:http underneath) on the guard's fast path, and on the interceptors'
// socket path with the fast path switched off, interleaved in this one run.
const fastPath = networkGuard().clientRequestFastPath;
const fast = () => void (fastPath.enabled = true);
const socketPathOnly = () => void (fastPath.enabled = false);
const answeredBefore = fastPath.answered;
// One cassette in use for every client: the recorded request matches each client's.
const {
  results: byClient,
  ratios,
  cpuRatios,
} = await withCassette(
  httpCassette,
  () =>
    interleaved(
      '1c. one request replayed by @proving-ground/cassettes, by client, cassette in use (interleaved)',
      [
        { name: 'global fetch', fn: callFetch, before: fast },
        { name: 'node:http', fn: callHttp, before: fast },
        { name: 'node:http (socket path)', fn: callHttp, before: socketPathOnly },
        ...(axios === undefined
          ? []
          : [
              { name: 'axios', fn: callAxios, before: fast },
              { name: 'axios (socket path)', fn: callAxios, before: socketPathOnly },
            ]),
        ...(got === undefined
          ? []
          : [
              { name: 'got', fn: callGot, before: fast },
              { name: 'got (socket path)', fn: callGot, before: socketPathOnly },
            ]),
      ],
      'global fetch',
    ),
  { mode: 'replay', match: { repeats: true } },
);
fastPath.enabled = true;
if (fastPath.answered === answeredBefore) throw new Error('no node:http replay took the fast path');
for (const [name, mean] of Object.entries(byClient)) {
  rows.push([`replay one request (${name})`, '(absolute)', mean, 'none', () => true]);
}
for (const client of ['node:http', 'axios', 'got']) {
  if (byClient[client] === undefined) continue;
  rows.push([`replay one request: ${client} / fetch`, '(ratio)', ratios[client], '<= 2x', (r) => r <= 2]);
  rows.push([`replay one request: ${client} / fetch, CPU time`, '(ratio)', cpuRatios[client], '<= 2x', (r) => r <= 2]);
  rows.push([`replay one request: ${client} socket path / fetch`, '(ratio)', ratios[`${client} (socket path)`], 'none', () => true]);
  rows.push([
    `replay one request: ${client} socket path / fetch, CPU time`,
    '(ratio)',
    cpuRatios[`${client} (socket path)`],
    'none',
    () => true,
  ]);
}
for (const client of Object.keys(liveByClient)) {
  rows.push([`replay one request / live request: ${client}`, '(ratio)', byClient[client] / liveByClient[client], 'none', () => true]);
}

const perTest = await measure('2b. one test with @proving-ground/cassettes: load the cassette, replay one request (global fetch), finish', [
  ['@proving-ground/cassettes', () => withCassette(cassette, callFetch, { mode: 'replay' })],
]);
rows.push([
  'replay one test (fetch)',
  'nock.back 15',
  nockResult['nock.back (lockdown)'] / perTest['@proving-ground/cassettes'],
  '>= 3x faster',
  (r) => r >= 3,
]);

if (pollyResult !== undefined) {
  const perPolly = await measure('3b. one test with @proving-ground/cassettes: load, replay one request (node:http), finish', [
    ['@proving-ground/cassettes', () => withCassette(httpCassette, callHttp, { mode: 'replay' })],
  ]);
  rows.push([
    'replay one test (node:http)',
    'Polly.js 6',
    pollyResult['Polly.js'] / perPolly['@proving-ground/cassettes'],
    '>= 3x faster',
    (r) => r >= 3,
  ]);
} else {
  console.log(`\n3. Polly.js did not run: ${pollyProblem?.stack ?? pollyProblem}`);
}

// 4. loading 1,000 interactions
const loading = await measure('4. loading a cassette of 1,000 interactions', [
  ['readCassette (parse and validate)', () => readCassette(thousand)],
  ['withCassette: load, index, replay the last one', () => withCassette(thousand, callLast, { mode: 'replay' }), silenceStderr()],
]);
/** The 999 unused interactions are reported on stderr at the end of each run: keep them off the console. */
function silenceStderr() {
  const write = process.stderr.write;
  return { beforeAll: () => void (process.stderr.write = () => true), afterAll: () => void (process.stderr.write = write) };
}
async function callLast() {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...JSON.parse(REQUEST_BODY), messages: [{ role: 'user', content: 'Question 999?' }] }),
  });
  check(await response.text());
}
rows.push(['load 1,000 interactions', '(absolute)', loading['withCassette: load, index, replay the last one'], '< 50 ms', (ms) => ms < 50]);

console.log('\n| benchmark | peer | result | target | met? |\n| --- | --- | --- | --- | --- |');
for (const [name, peer, value, target, met] of rows) {
  const shown =
    peer === '(absolute)' ? `${value < 1 ? (value * 1000).toFixed(0) + ' µs' : value.toFixed(1) + ' ms'}` : `${value.toFixed(2)}x`;
  console.log(`| ${name} | ${peer} | ${shown} | ${target} | ${target === 'none' ? 'n/a' : met(value) ? 'yes' : 'no'} |`);
}
