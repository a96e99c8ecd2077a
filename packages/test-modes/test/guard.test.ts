import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createJestProject, jestConfigModule, LOCAL_SERVER_MODULE, testModule, type JestProject, type JestRun } from './jest-project.js';

// --- Code that runs inside the temporary projects (typed here, written there with testModule) ---

/** The guard's checks, run in a CommonJS project with api.allowed.test in allowHosts. */
function guardTests(): void {
  const { afterAll, beforeAll, describe, expect, test } = require('@jest/globals') as typeof import('@jest/globals');
  const http = require('node:http') as typeof import('node:http');
  const net = require('node:net') as typeof import('node:net');
  const tls = require('node:tls') as typeof import('node:tls');
  const { Agent, ProxyAgent, request: undiciRequest, fetch: undiciFetch } = require('undici') as typeof import('undici');
  const { networkGuard, currentMode, isTestModesError } =
    require('@proving-ground/test-modes') as typeof import('@proving-ground/test-modes');
  const { startLocalServer, lookup } = require('./local-server.cjs') as import('./jest-project.js').LocalServerModule;
  type Failure = Error & { code?: string; cause?: { message?: unknown } };

  let local: import('./jest-project.js').LocalServer;
  beforeAll(async () => {
    local = await startLocalServer();
  });
  afterAll(() => local.close());

  const failureOf = <T>(start: (done: (value: T) => void) => void): Promise<T> => new Promise((resolve) => start(resolve));
  const textOf = (response: import('node:http').IncomingMessage, done: (text: string) => void): void => {
    let text = '';
    response.on('data', (chunk: Buffer) => (text += String(chunk)));
    response.on('end', () => done(text));
  };

  test('http.get to a remote host is blocked', async () => {
    const error = await failureOf<Failure | null>((done) => {
      const request = http.get({ host: 'api.example.com', port: local.port, path: '/http', lookup }, (response) => {
        response.resume();
        done(null);
      });
      request.on('error', done);
    });
    expect(error?.message).toContain(`[test-modes] Blocked GET http://api.example.com:${local.port}/http in ${currentMode()} mode`);
    expect(error?.code).toBe('TEST_MODES_NETWORK_BLOCKED');
    expect(isTestModesError(error)).toBe(true); // across realms: the guard runs outside Jest's sandbox
    expect(local.seen).toEqual([]);
    expect(
      networkGuard()
        .takeViolations()
        .map((attempt) => attempt.method),
    ).toEqual(['GET']);
  });

  test('undici.request to a remote host is blocked', async () => {
    const dispatcher = new Agent({ connect: { lookup } });
    const error = (await undiciRequest(`http://api.example.com:${local.port}/undici`, { method: 'POST', body: '{}', dispatcher }).catch(
      (caught: unknown) => caught,
    )) as Failure;
    expect(String(error.message)).toContain(`[test-modes] Blocked POST http://api.example.com:${local.port}/undici`);
    expect(local.seen).toEqual([]);
    networkGuard().takeViolations();
    await dispatcher.close();
  });

  test('undici.fetch fails with the guard message', async () => {
    const dispatcher = new Agent({ connect: { lookup } });
    const error = (await undiciFetch(`http://api.example.com:${local.port}/undici-fetch`, { dispatcher }).catch(
      (caught: unknown) => caught,
    )) as Failure;
    expect(error.message).toBe('fetch failed');
    expect(String(error.cause?.message)).toContain(`[test-modes] Blocked GET http://api.example.com:${local.port}/undici-fetch`);
    expect(local.seen).toEqual([]);
    networkGuard().takeViolations();
    await dispatcher.close();
  });

  test('a raw TCP connection to a remote host is blocked', async () => {
    const error = await failureOf<Error>((done) => {
      const socket = net.connect({ host: 'db.example.com', port: local.port, lookup }, () => socket.write('\u0000\u0000\u0000\u0008'));
      socket.on('error', done);
      socket.on('data', () => done(new Error('the remote host answered')));
    });
    expect(error.message).toContain(`[test-modes] Blocked TCP connection to db.example.com:${local.port}`);
    expect(local.connections).toHaveLength(0);
    networkGuard().takeViolations();
  });

  test('a raw TCP connection is blocked before any DNS lookup of the remote host', async () => {
    const error = await failureOf<Error>((done) => {
      const socket = net.connect({ host: 'no-lookup.example.com', port: 5432 }, () => socket.write('hello'));
      socket.on('error', done);
    });
    expect(error.message).toContain('[test-modes] Blocked TCP connection to no-lookup.example.com:5432');
    networkGuard().takeViolations();
  });

  test('a raw TLS connection to a remote host is blocked', async () => {
    const error = await failureOf<Error>((done) => {
      // Like the interceptors it builds on, the guard lets the handshake look done and fails the first exchange.
      const socket = tls.connect({ host: 'secure.example.com', servername: 'secure.example.com', port: local.port, lookup }, () =>
        socket.write('ping'),
      );
      socket.on('error', done);
      socket.on('data', () => done(new Error('the remote host answered')));
    });
    expect(error.message).toContain(`[test-modes] Blocked TLS connection to secure.example.com:${local.port}`);
    expect(local.connections).toHaveLength(0);
    networkGuard().takeViolations();
  });

  test('loopback stays reachable', async () => {
    const body = await failureOf<string>((done) =>
      http.get(`http://127.0.0.1:${local.port}/loopback`, (response) => textOf(response, done)),
    );
    expect(body).toBe('local');
    expect(local.seen).toContain('GET /loopback');
  });

  test('an allowed host is reachable', async () => {
    const status = await failureOf<number | undefined | Error>((done) => {
      const request = http.get({ host: 'api.allowed.test', port: local.port, path: '/allowed', lookup }, (response) => {
        response.resume();
        done(response.statusCode);
      });
      request.on('error', done);
    });
    expect(status).toBe(200);
    expect(local.seen).toContain('GET /allowed');
  });

  describe('through a proxy on loopback', () => {
    let proxy: import('node:http').Server;
    const proxied: string[] = [];
    beforeAll(async () => {
      proxy = http.createServer((request, response) => {
        proxied.push(`${request.method} ${request.url}`);
        response.end('proxied');
      });
      proxy.on('connect', (request: import('node:http').IncomingMessage, socket: import('node:net').Socket) => {
        proxied.push(`CONNECT ${request.url}`);
        socket.end('HTTP/1.1 200 Connection Established\r\n\r\n');
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    });
    afterAll(
      () =>
        new Promise<void>((resolve) => {
          proxy.closeAllConnections();
          proxy.close(() => resolve());
        }),
    );
    const proxyPort = (): number => (proxy.address() as { port: number }).port;

    test.each([
      ['without', false],
      ['with', true],
    ])('CONNECT to a remote host is blocked (%s a request handler)', async (_, withHandler) => {
      const remove = withHandler ? networkGuard().addRequestHandler(() => undefined) : () => undefined;
      const dispatcher = new ProxyAgent(`http://127.0.0.1:${proxyPort()}`);
      const error = (await undiciRequest('https://api.example.com/v1/secret', { dispatcher }).catch(
        (caught: unknown) => caught,
      )) as Failure;
      remove();
      await dispatcher.close();
      expect(String(error.message)).toContain('[test-modes] Blocked CONNECT api.example.com:443');
      expect(proxied).toEqual([]);
      networkGuard().takeViolations();
    });

    test('an absolute-form request to a remote host is blocked', async () => {
      const error = await failureOf<Error>((done) => {
        const request = http.get(
          { host: '127.0.0.1', port: proxyPort(), path: 'http://api.example.com/v3', headers: { host: 'api.example.com' } },
          () => done(new Error('answered')),
        );
        request.on('error', done);
      });
      expect(error.message).toContain(
        `[test-modes] Blocked GET http://api.example.com/v3 through the proxy at 127.0.0.1:${proxyPort()} in ${currentMode()} mode`,
      );
      expect(proxied).toEqual([]);
      networkGuard().takeViolations();
    });

    test('an allowed destination goes through the proxy', async () => {
      const body = await failureOf<string | Error>((done) => {
        http
          .get({ host: '127.0.0.1', port: proxyPort(), path: 'http://api.allowed.test/ok' }, (response) => textOf(response, done))
          .on('error', done);
      });
      expect(body).toBe('proxied');
      expect(proxied).toEqual(['GET http://api.allowed.test/ok']);
    });
  });

  test('swallowed blocked request still fails the test', async () => {
    await undiciRequest(`http://swallowed.example.com:${local.port}/swallowed`, { dispatcher: new Agent({ connect: { lookup } }) }).catch(
      () => undefined,
    );
  });
}

/** A live test next to the guard's checks: it reaches a "remote" host for real in live_smoke. */
function liveTest(): void {
  const { expect } = require('@jest/globals') as typeof import('@jest/globals');
  const http = require('node:http') as typeof import('node:http');
  const { live } = require('@proving-ground/test-modes') as typeof import('@proving-ground/test-modes');
  const { startLocalServer, lookup } = require('./local-server.cjs') as import('./jest-project.js').LocalServerModule;
  live.test('reaches a remote host for real', async () => {
    const local = await startLocalServer();
    const status = await new Promise<number | undefined | Error>((done) =>
      http
        .get({ host: 'api.example.com', port: local.port, path: '/live', lookup }, (response) => {
          response.resume();
          done(response.statusCode);
        })
        .on('error', done),
    );
    await local.close();
    expect(status).toBe(200);
    expect(local.seen).toEqual(['GET /live']);
  });
}

/** Blocks in a hook and in a test, with `injectGlobals: false`. */
function hookTests(): void {
  const { beforeAll, test, expect } = require('@jest/globals') as typeof import('@jest/globals');
  const { Agent, request } = require('undici') as typeof import('undici');
  const { lookup } = require('./local-server.cjs') as import('./jest-project.js').LocalServerModule;
  const dispatcher = new Agent({ connect: { lookup } });
  beforeAll(async () => {
    await request('http://from-hook.example.com:9/x', { dispatcher }).catch(() => undefined);
  });
  test('innocent', () => {
    expect('no network here').toHaveLength(15); // passes: the hook's block must not be charged to it
  });
  test('swallows its own block', async () => {
    await request('http://from-test.example.com:9/y', { dispatcher }).catch(() => undefined);
  });
}

// --- The checks ---

function outcome(run: JestRun, title: string): { status: string; failure: string } {
  const test = run.tests.find((candidate) => candidate.title.startsWith(title));
  if (test === undefined) throw new Error(`no test titled "${title}" in:\n${run.tests.map((t) => t.title).join('\n')}\n${run.stderr}`);
  return { status: test.status, failure: test.failureMessages.join('\n') };
}

describe('network guard (CommonJS project)', () => {
  let project: JestProject;

  beforeAll(() => {
    project = createJestProject({
      'jest.config.js': jestConfigModule({ testEnvironment: 'node', setupFiles: ['@proving-ground/test-modes/setup'] }),
      'test-modes.config.json': JSON.stringify({ allowHosts: ['api.allowed.test'] }),
      'local-server.cjs': LOCAL_SERVER_MODULE,
      'guard.test.js': testModule(guardTests),
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
    project.write('live.test.js', testModule(liveTest));

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
      'jest.config.js': jestConfigModule({
        testEnvironment: 'node',
        injectGlobals: false,
        setupFiles: ['@proving-ground/test-modes/setup'],
      }),
      'local-server.cjs': LOCAL_SERVER_MODULE,
      'hooks.test.js': testModule(hookTests),
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
