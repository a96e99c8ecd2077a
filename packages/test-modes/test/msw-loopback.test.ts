import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createJestProject, LOCAL_SERVER_MODULE, type JestProject, type JestRun } from './jest-project.js';

/** msw's default setupServer next to the guard: loopback URLs answered through http, axios and fetch. */
const DEFAULT_MSW_TESTS = `
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import http from 'node:http';
import { createRequire } from 'node:module';
import axios from 'axios';
import { setupServer } from 'msw/node';
import { http as mswHttp, HttpResponse } from 'msw';
import { networkGuard } from '@proving-ground/test-modes';

const { startLocalServer } = createRequire(import.meta.url)('./local-server.cjs');
// Nothing listens on this port: only msw can answer it.
const closed = 'http://127.0.0.1:4011';
const msw = setupServer(mswHttp.all(closed + '/hello', () => HttpResponse.json({ from: 'msw' })));
let local;
beforeAll(async () => { local = await startLocalServer(); msw.listen({ onUnhandledFrame: 'bypass' }); });
afterAll(async () => { msw.close(); await local.close(); });

const read = (url) => new Promise((resolve, reject) => {
  http.request(url, (res) => { let body = ''; res.on('data', (c) => (body += c)); res.on('end', () => resolve(body)); }).on('error', reject).end();
});

test('msw answers a loopback URL through node:http', async () => {
  expect(JSON.parse(await read(closed + '/hello'))).toEqual({ from: 'msw' });
});

test('msw answers a loopback URL through axios', async () => {
  expect((await axios.post(closed + '/hello', { q: 1 })).data).toEqual({ from: 'msw' });
});

test('msw answers a loopback URL through global fetch', async () => {
  expect(await (await fetch(closed + '/hello')).json()).toEqual({ from: 'msw' });
});

test('what msw passes through reaches the loopback server', async () => {
  expect(await read('http://127.0.0.1:' + local.port + '/real')).toBe('local');
  expect(local.seen).toContain('GET /real');
});

test('msw handlers win over guard request handlers; what msw passes through reaches them', async () => {
  const remove = networkGuard().addRequestHandler(({ request, controller }) => controller.respondWith(Response.json({ from: 'guard', path: new URL(request.url).pathname })));
  try {
    expect(await (await fetch(closed + '/hello')).json()).toEqual({ from: 'msw' });
    expect(await (await fetch(closed + '/other')).json()).toEqual({ from: 'guard', path: '/other' });
  } finally {
    remove();
  }
});

test('a request msw passes through and a guard request handler answers never reaches the real server', async () => {
  const base = 'http://127.0.0.1:' + local.port;
  // Answers after a moment, as a handler reading a recording from disk does.
  const remove = networkGuard().addRequestHandler(async ({ request, controller }) => {
    if (!new URL(request.url).pathname.startsWith('/answered')) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.respondWith(Response.json({ from: 'guard' }));
  });
  try {
    expect(JSON.parse(await read(base + '/answered/http'))).toEqual({ from: 'guard' });
    expect((await axios.get(base + '/answered/axios')).data).toEqual({ from: 'guard' });
    expect(await (await fetch(base + '/answered/fetch')).json()).toEqual({ from: 'guard' });
    // A connection made behind the guard's back would land within a few event loop turns.
    await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    remove();
  }
  expect(local.seen.filter((line) => line.includes('/answered'))).toEqual([]);
});

test('a guard request handler answers global fetch without opening a socket once msw is closed', async () => {
  msw.close();
  const sockets = [];
  const onSocket = ({ socket }) => sockets.push(socket);
  subscribe('net.client.socket', onSocket);
  const remove = networkGuard().addRequestHandler(({ controller }) => controller.respondWith(Response.json({ from: 'guard' })));
  try {
    const response = await fetch(closed + '/fast');
    expect(await response.json()).toEqual({ from: 'guard' });
    expect(response.url).toBe(closed + '/fast');
  } finally {
    remove();
    unsubscribe('net.client.socket', onSocket);
    msw.listen({ onUnhandledFrame: 'bypass' });
  }
  expect(sockets).toHaveLength(0);
});
`;

/**
 * msw told to intercept every HTTP request (@mswjs/interceptors' HttpRequestInterceptor): named
 * imports of node:http and direct undici calls too, next to a raw TCP client on loopback.
 */
const ALL_CLIENTS_MSW_TESTS = `
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { request as namedRequest } from 'node:http';
import { createRequire } from 'node:module';
import { defineNetwork, InterceptorSource } from 'msw/experimental';
import { HttpRequestInterceptor } from '@mswjs/interceptors/http';
import { http as mswHttp, HttpResponse } from 'msw';
import { fetch as undiciFetch, request as undiciRequest } from 'undici';

const net = createRequire(import.meta.url)('node:net');
const closed = 'http://127.0.0.1:4012';
const network = defineNetwork({
  sources: [new InterceptorSource({ interceptors: [new HttpRequestInterceptor()] })],
  handlers: [mswHttp.all(closed + '/hello', () => HttpResponse.json({ from: 'msw' }))],
  onUnhandledFrame: 'bypass',
});
beforeAll(() => network.enable());
afterAll(() => network.disable());

test('msw answers a loopback URL through a named node:http import', async () => {
  const body = await new Promise((resolve, reject) => {
    namedRequest(closed + '/hello', (res) => { let text = ''; res.on('data', (c) => (text += c)); res.on('end', () => resolve(text)); }).on('error', reject).end();
  });
  expect(JSON.parse(body)).toEqual({ from: 'msw' });
});

test('msw answers a loopback URL through undici.request', async () => {
  const response = await undiciRequest(closed + '/hello', { method: 'POST', body: '{}' });
  expect(await response.body.json()).toEqual({ from: 'msw' });
});

test('msw answers a loopback URL through undici.fetch', async () => {
  expect(await (await undiciFetch(closed + '/hello')).json()).toEqual({ from: 'msw' });
});

test('msw answers a loopback URL through global fetch', async () => {
  expect(await (await fetch(closed + '/hello')).json()).toEqual({ from: 'msw' });
});

test('a database-style TCP client reaches its loopback server next to msw', async () => {
  // A Postgres startup message, answered by a server that echoes it: the bytes pass untouched.
  const echo = net.createServer((socket) => socket.pipe(socket));
  await new Promise((resolve) => echo.listen(0, '127.0.0.1', resolve));
  const startup = Buffer.from([0, 0, 0, 8, 4, 210, 22, 47]);
  const reply = await new Promise((resolve, reject) => {
    const client = net.connect(echo.address().port, '127.0.0.1', () => client.write(startup));
    client.on('data', (data) => { resolve(Buffer.from(data)); client.end(); });
    client.on('error', reject);
  });
  await new Promise((resolve) => echo.close(resolve));
  expect(reply.equals(startup)).toBe(true);
});
`;

/** One plain Node process (no Jest): msw, nock and the guard share one copy of the interceptors. */
const PLAIN_NODE_SCRIPT = `
import http from 'node:http';
import { networkGuard } from '@proving-ground/test-modes';
import nock from 'nock';
import { setupServer } from 'msw/node';
import { http as mswHttp, HttpResponse } from 'msw';

nock.restore();
networkGuard().configure({ mode: 'mock', allowHosts: [] });
const results = {};
const attempt = async (name, run) => { try { results[name] = await run(); } catch (error) { results[name] = 'failed: ' + (error.cause?.message ?? error.message); } };
const get = (url) => new Promise((resolve, reject) => http.get(url, (res) => { let body = ''; res.on('data', (c) => (body += c)); res.on('end', () => resolve(JSON.parse(body))); }).on('error', reject));

const msw = setupServer(mswHttp.get('http://127.0.0.1:4013/hello', () => HttpResponse.json({ from: 'msw' })), mswHttp.get('http://remote.example.com/hello', () => HttpResponse.json({ from: 'msw' })));
msw.listen({ onUnhandledFrame: 'bypass' });
await attempt('msw fetch loopback', () => fetch('http://127.0.0.1:4013/hello').then((r) => r.json()));
await attempt('msw http loopback', () => get('http://127.0.0.1:4013/hello'));
await attempt('msw fetch remote', () => fetch('http://remote.example.com/hello').then((r) => r.json()));
await attempt('unanswered remote', () => fetch('http://unanswered.example.com/').then((r) => r.status));
msw.close();

nock.activate();
nock('http://127.0.0.1:4013').get('/nock').times(2).reply(200, { from: 'nock' });
await attempt('nock fetch loopback', () => fetch('http://127.0.0.1:4013/nock').then((r) => r.json()));
await attempt('nock http loopback', () => get('http://127.0.0.1:4013/nock'));
nock.restore();
process.stdout.write(JSON.stringify(results));
`;

function byTitle(run: JestRun): Record<string, string> {
  return Object.fromEntries(run.tests.map((test) => [test.title, test.status === 'passed' ? 'passed' : test.failureMessages.join('\n')]));
}

describe('msw next to the network guard (native ESM Jest project)', () => {
  let project: JestProject;

  beforeAll(() => {
    project = createJestProject(
      {
        'jest.config.js': `export default { testEnvironment: 'node', transform: {}, setupFiles: ['@proving-ground/test-modes/setup'] };`,
        'local-server.cjs': LOCAL_SERVER_MODULE,
        'default-msw.test.js': DEFAULT_MSW_TESTS,
        'all-clients-msw.test.js': ALL_CLIENTS_MSW_TESTS,
      },
      { esm: true },
    );
  });
  afterAll(() => project.remove());

  it.each(['mock', 'golden'])('should let msw answer loopback URLs over http, axios, fetch and undici in %s mode', async (mode) => {
    const run = await project.run({ env: { TEST_MODE: mode } });

    expect(byTitle(run)).toEqual({
      'msw answers a loopback URL through node:http': 'passed',
      'msw answers a loopback URL through axios': 'passed',
      'msw answers a loopback URL through global fetch': 'passed',
      'what msw passes through reaches the loopback server': 'passed',
      'msw handlers win over guard request handlers; what msw passes through reaches them': 'passed',
      'a request msw passes through and a guard request handler answers never reaches the real server': 'passed',
      'a guard request handler answers global fetch without opening a socket once msw is closed': 'passed',
      'msw answers a loopback URL through a named node:http import': 'passed',
      'msw answers a loopback URL through undici.request': 'passed',
      'msw answers a loopback URL through undici.fetch': 'passed',
      'a database-style TCP client reaches its loopback server next to msw': 'passed',
    });
    expect(run.exitCode).toBe(0);
  });
});

describe('msw and nock next to the network guard (one plain Node process)', () => {
  const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  let dir: string;

  beforeAll(() => {
    mkdirSync(join(packageDir, '.tmp'), { recursive: true });
    dir = mkdtempSync(join(packageDir, '.tmp', 'plain-'));
    writeFileSync(join(dir, 'script.mjs'), PLAIN_NODE_SCRIPT);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should let msw and nock answer loopback and remote URLs, and block what nobody answers', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(dir, 'script.mjs')], { cwd: dir });

    const results = JSON.parse(stdout) as Record<string, unknown>;
    expect(results).toEqual({
      'msw fetch loopback': { from: 'msw' },
      'msw http loopback': { from: 'msw' },
      'msw fetch remote': { from: 'msw' },
      'unanswered remote': expect.stringContaining('[test-modes] Blocked GET http://unanswered.example.com/ in mock mode'),
      'nock fetch loopback': { from: 'nock' },
      'nock http loopback': { from: 'nock' },
    });
  });
});
