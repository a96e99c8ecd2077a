import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createJestProject, LOCAL_SERVER_HELPER, type JestProject, type JestRun } from './jest-project.js';

const GUARD_TESTS = `
const tls = require('node:tls');
const { Agent, ProxyAgent, request: undiciRequest } = require('undici');
const { networkGuard, currentMode, isTestModesError } = require('@proving-ground/test-modes');
const { fetch: undiciFetch } = require('undici');
const { startLocalServer, lookup, http, net } = require('./local-server.cjs');

let local;
beforeAll(async () => { local = await startLocalServer(); });
afterAll(() => local.close());

const failureOf = (start) => new Promise((resolve) => start(resolve));

test('http.get to a remote host is blocked', async () => {
  const error = await failureOf((done) => {
    const request = http.get({ host: 'api.example.com', port: local.port, path: '/http', lookup }, (response) => { response.resume(); done(null); });
    request.on('error', done);
  });
  expect(error.message).toContain('[test-modes] Blocked GET http://api.example.com:' + local.port + '/http in ' + currentMode() + ' mode');
  expect(error.code).toBe('TEST_MODES_NETWORK_BLOCKED');
  expect(isTestModesError(error)).toBe(true); // across realms: the guard runs outside Jest's sandbox
  expect(local.seen).toEqual([]);
  expect(networkGuard().takeViolations().map((attempt) => attempt.method)).toEqual(['GET']);
});

test('undici.request to a remote host is blocked', async () => {
  const dispatcher = new Agent({ connect: { lookup } });
  const error = await undiciRequest('http://api.example.com:' + local.port + '/undici', { method: 'POST', body: '{}', dispatcher }).catch((e) => e);
  expect(String(error.message)).toContain('[test-modes] Blocked POST http://api.example.com:' + local.port + '/undici');
  expect(local.seen).toEqual([]);
  networkGuard().takeViolations();
  await dispatcher.close();
});

test('undici.fetch fails with the guard message', async () => {
  const dispatcher = new Agent({ connect: { lookup } });
  const error = await undiciFetch('http://api.example.com:' + local.port + '/undici-fetch', { dispatcher }).catch((e) => e);
  expect(error.message).toBe('fetch failed');
  expect(String(error.cause.message)).toContain('[test-modes] Blocked GET http://api.example.com:' + local.port + '/undici-fetch');
  expect(local.seen).toEqual([]);
  networkGuard().takeViolations();
  await dispatcher.close();
});

test('a raw TCP connection to a remote host is blocked', async () => {
  const error = await failureOf((done) => {
    const socket = net.connect({ host: 'db.example.com', port: local.port, lookup }, () => socket.write('\\u0000\\u0000\\u0000\\u0008'));
    socket.on('error', done);
    socket.on('data', () => done(new Error('the remote host answered')));
  });
  expect(error.message).toContain('[test-modes] Blocked TCP connection to db.example.com:' + local.port);
  expect(local.connections).toHaveLength(0);
  networkGuard().takeViolations();
});

test('a raw TCP connection is blocked before any DNS lookup of the remote host', async () => {
  const error = await failureOf((done) => {
    const socket = net.connect({ host: 'no-lookup.example.com', port: 5432 }, () => socket.write('hello'));
    socket.on('error', done);
  });
  expect(error.message).toContain('[test-modes] Blocked TCP connection to no-lookup.example.com:5432');
  networkGuard().takeViolations();
});

test('a raw TLS connection to a remote host is blocked', async () => {
  const error = await failureOf((done) => {
    // Like the interceptors it builds on, the guard lets the handshake look done and fails the first exchange.
    const socket = tls.connect({ host: 'secure.example.com', servername: 'secure.example.com', port: local.port, lookup }, () => socket.write('ping'));
    socket.on('error', done);
    socket.on('data', () => done(new Error('the remote host answered')));
  });
  expect(error.message).toContain('[test-modes] Blocked TLS connection to secure.example.com:' + local.port);
  expect(local.connections).toHaveLength(0);
  networkGuard().takeViolations();
});

test('loopback stays reachable', async () => {
  const body = await failureOf((done) => http.get('http://127.0.0.1:' + local.port + '/loopback', (response) => { let text = ''; response.on('data', (c) => (text += c)); response.on('end', () => done(text)); }));
  expect(body).toBe('local');
  expect(local.seen).toContain('GET /loopback');
});

test('an allowed host is reachable', async () => {
  const status = await failureOf((done) => {
    const request = http.get({ host: 'api.allowed.test', port: local.port, path: '/allowed', lookup }, (response) => { response.resume(); done(response.statusCode); });
    request.on('error', done);
  });
  expect(status).toBe(200);
  expect(local.seen).toContain('GET /allowed');
});

describe('through a proxy on loopback', () => {
  let proxy;
  const proxied = [];
  beforeAll(async () => {
    proxy = http.createServer((request, response) => { proxied.push(request.method + ' ' + request.url); response.end('proxied'); });
    proxy.on('connect', (request, socket) => { proxied.push('CONNECT ' + request.url); socket.end('HTTP/1.1 200 Connection Established\\r\\n\\r\\n'); });
    await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise((resolve) => { proxy.closeAllConnections(); proxy.close(resolve); }));
  const proxyUrl = () => 'http://127.0.0.1:' + proxy.address().port;

  test.each([['without', false], ['with', true]])('CONNECT to a remote host is blocked (%s a request handler)', async (_, withHandler) => {
    const remove = withHandler ? networkGuard().addRequestHandler(() => undefined) : () => undefined;
    const dispatcher = new ProxyAgent(proxyUrl());
    const error = await undiciRequest('https://api.example.com/v1/secret', { dispatcher }).catch((e) => e);
    remove();
    await dispatcher.close();
    expect(String(error.message)).toContain('[test-modes] Blocked CONNECT api.example.com:443');
    expect(proxied).toEqual([]);
    networkGuard().takeViolations();
  });

  test('an absolute-form request to a remote host is blocked', async () => {
    const error = await failureOf((done) => {
      const request = http.get({ host: '127.0.0.1', port: proxy.address().port, path: 'http://api.example.com/v3', headers: { host: 'api.example.com' } }, () => done(new Error('answered')));
      request.on('error', done);
    });
    expect(error.message).toContain('[test-modes] Blocked GET http://api.example.com/v3 through the proxy at 127.0.0.1:' + proxy.address().port + ' in ' + currentMode() + ' mode');
    expect(proxied).toEqual([]);
    networkGuard().takeViolations();
  });

  test('an allowed destination goes through the proxy', async () => {
    const body = await failureOf((done) => {
      http.get({ host: '127.0.0.1', port: proxy.address().port, path: 'http://api.allowed.test/ok' }, (response) => { let text = ''; response.on('data', (c) => (text += c)); response.on('end', () => done(text)); }).on('error', done);
    });
    expect(body).toBe('proxied');
    expect(proxied).toEqual(['GET http://api.allowed.test/ok']);
  });
});

test('swallowed blocked request still fails the test', async () => {
  await undiciRequest('http://swallowed.example.com:' + local.port + '/swallowed', { dispatcher: new Agent({ connect: { lookup } }) }).catch(() => undefined);
});
`;

function outcome(run: JestRun, title: string): { status: string; failure: string } {
  const test = run.tests.find((candidate) => candidate.title.startsWith(title));
  if (test === undefined) throw new Error(`no test titled "${title}" in:\n${run.tests.map((t) => t.title).join('\n')}\n${run.stderr}`);
  return { status: test.status, failure: test.failureMessages.join('\n') };
}

describe('network guard (CommonJS project)', () => {
  let project: JestProject;

  beforeAll(() => {
    project = createJestProject({
      'jest.config.js': `module.exports = { testEnvironment: 'node', setupFiles: ['@proving-ground/test-modes/setup'] };`,
      'test-modes.config.json': JSON.stringify({ allowHosts: ['api.allowed.test'] }),
      'local-server.cjs': LOCAL_SERVER_HELPER,
      'guard.test.js': GUARD_TESTS,
    });
  });
  afterAll(() => project.remove());

  it.each(['mock', 'golden'])('should block http, undici, TCP and TLS to remote hosts in %s mode', async (mode) => {
    const run = await project.run({ env: { TEST_MODE: mode } });

    for (const title of [
      'http.get to a remote host is blocked',
      'undici.request to a remote host is blocked',
      'undici.fetch fails with the guard message',
      'a raw TCP connection to a remote host is blocked',
      'a raw TLS connection to a remote host is blocked',
      'a raw TCP connection is blocked before any DNS lookup of the remote host',
      'loopback stays reachable',
      'an allowed host is reachable',
      'CONNECT to a remote host is blocked (without a request handler)',
      'CONNECT to a remote host is blocked (with a request handler)',
      'an absolute-form request to a remote host is blocked',
      'an allowed destination goes through the proxy',
    ]) {
      expect({ title, ...outcome(run, title) }).toEqual({ title, status: 'passed', failure: '' });
    }
    const swallowed = outcome(run, 'swallowed blocked request still fails the test');
    expect(swallowed.status).toBe('failed');
    expect(swallowed.failure).toContain(`[test-modes] Blocked GET http://swallowed.example.com:`);
    expect(swallowed.failure).toContain(`in ${mode} mode`);
    expect(swallowed.failure).toContain(mode === 'golden' ? 'TEST_RECORD=missing' : 'request handler');
    expect(swallowed.failure).toContain('allowHosts');
  });

  it('should let every connection through in live_smoke mode, and run only live tests', async () => {
    project.write(
      'live.test.js',
      `const { live } = require('@proving-ground/test-modes');
       const { startLocalServer, lookup, http } = require('./local-server.cjs');
       live.test('reaches a remote host for real', async () => {
         const local = await startLocalServer();
         const status = await new Promise((done) => http.get({ host: 'api.example.com', port: local.port, path: '/live', lookup }, (r) => { r.resume(); done(r.statusCode); }).on('error', done));
         await local.close();
         expect(status).toBe(200);
         expect(local.seen).toEqual(['GET /live']);
       });`,
    );

    const run = await project.run({ env: { TEST_MODE: 'LIVE_SMOKE' } });
    project.delete('live.test.js');

    expect(outcome(run, 'reaches a remote host for real').status).toBe('passed');
    const unmarked = outcome(run, 'http.get to a remote host is blocked');
    expect(unmarked.status).toBe('pending');
    expect(run.tests.find((t) => t.title.startsWith('http.get'))?.title).toContain(
      '[skipped: live_smoke runs only tests marked with live.test() or onlyIn(); TEST_MODE=live_smoke]',
    );
  });
});

describe('charging blocked connections', () => {
  it('should fail the file, not an innocent test, for a block in beforeAll, and work with injectGlobals: false', async () => {
    const project = createJestProject({
      'jest.config.js': `module.exports = { testEnvironment: 'node', injectGlobals: false, setupFiles: ['@proving-ground/test-modes/setup'] };`,
      'local-server.cjs': LOCAL_SERVER_HELPER,
      'hooks.test.js': `
        const { beforeAll, test, expect } = require('@jest/globals');
        const { Agent, request } = require('undici');
        const { lookup } = require('./local-server.cjs');
        const dispatcher = new Agent({ connect: { lookup } });
        beforeAll(async () => { await request('http://from-hook.example.com:9/x', { dispatcher }).catch(() => undefined); });
        test('innocent', () => { expect('no network here').toHaveLength(15); }); // passes: the hook's block must not be charged to it
        test('swallows its own block', async () => { await request('http://from-test.example.com:9/y', { dispatcher }).catch(() => undefined); });
      `,
    });

    const run = await project.run();
    project.remove();

    const byTitle = Object.fromEntries(run.tests.map((test) => [test.title, test]));
    expect(byTitle['innocent']?.status).toBe('passed');
    expect(byTitle['swallows its own block']?.status).toBe('failed');
    expect(byTitle['swallows its own block']?.failureMessages.join('\n')).toContain('Blocked GET http://from-test.example.com:9/y');
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain('Blocked GET http://from-hook.example.com:9/x');
    expect(run.stderr).toContain('[attempted outside a test: in a beforeAll/afterAll hook or by async work left running]');
  });
});
