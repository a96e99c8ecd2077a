import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createJestProject, jestConfigModule, LOCAL_SERVER_MODULE, testModule, type JestProject, type JestRun } from './jest-project.js';

// --- Code that runs inside the temporary project (typed here, written there with testModule) ---

/** msw next to the guard, guarded fetch and mode-scoped tests, in a native ESM project that disallows loopback. */
async function modeTests(): Promise<void> {
  const { afterAll, beforeAll, expect, test } = await import('@jest/globals');
  const { createRequire } = await import('node:module');
  const { setupServer } = await import('msw/node');
  const { http: mswHttp, HttpResponse } = await import('msw');
  const { currentMode, live, networkGuard, onlyIn, whenMode } = await import('@proving-ground/test-modes');
  const localRequire = createRequire(import.meta.url);
  const { startLocalServer, lookup } = localRequire('./local-server.cjs') as import('./jest-project.js').LocalServerModule;
  const http = localRequire('node:http') as typeof import('node:http');
  const net = localRequire('node:net') as typeof import('node:net');

  const msw = setupServer(mswHttp.get('http://mocked.example.com/hello', () => HttpResponse.json({ from: 'msw' })));
  let local: import('./jest-project.js').LocalServer;
  beforeAll(async () => {
    local = await startLocalServer();
    msw.listen({ onUnhandledFrame: 'bypass' });
  });
  afterAll(async () => {
    msw.close();
    await local.close();
  });

  test('msw answers its handlers while the guard blocks what msw lets through', async () => {
    const mocked = await fetch('http://mocked.example.com/hello');
    expect(await mocked.json()).toEqual({ from: 'msw' });

    const error = await new Promise<Error | null>((done) =>
      http.get({ host: 'unmocked.example.com', port: local.port, path: '/through', lookup }, () => done(null)).on('error', done),
    );
    expect(error?.message).toContain(`[test-modes] Blocked GET http://unmocked.example.com:${local.port}/through in ${currentMode()} mode`);
    expect(local.seen).toEqual([]);
    expect(networkGuard().takeViolations()).toHaveLength(1);
  });

  test('raw TCP to a loopback server works while msw is listening (database drivers)', async () => {
    const echo = net.createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const port = (echo.address() as { port: number }).port;
    networkGuard().allowHost(`127.0.0.1:${port}`);

    const reply = await new Promise<string>((resolve, reject) => {
      const client = net.connect(port, '127.0.0.1', () => client.write('ping'));
      client.on('data', (data) => {
        resolve(String(data));
        client.end();
      });
      client.on('error', reject);
    });
    await new Promise((resolve) => echo.close(resolve));

    expect(reply).toBe('ping');
  });

  test('global fetch is guarded (loopback disallowed by the config here)', async () => {
    const error = (await fetch(`http://127.0.0.1:${local.port}/fetch`).catch((caught: unknown) => caught)) as {
      cause?: { message?: unknown };
    };
    expect(String(error.cause?.message)).toContain(`[test-modes] Blocked GET http://127.0.0.1:${local.port}/fetch`);
    expect(local.seen).toEqual([]);
    networkGuard().takeViolations();
  });

  test('whenMode picks the value of the current mode', () => {
    expect(whenMode({ mock: 'from-mock', golden: 'from-golden', live_smoke: 'from-live' })).toBe(
      `from-${currentMode() === 'live_smoke' ? 'live' : currentMode()}`,
    );
  });

  onlyIn('golden').test('runs only in golden', () => {
    expect(currentMode()).toBe('golden');
  });

  live.describe('live suite', () => {
    test('declared with the plain test() inside live.describe', () => {
      expect(currentMode()).toBe('live_smoke');
    });
  });
}

// --- The checks ---

function byTitle(run: JestRun): Record<string, string> {
  return Object.fromEntries(run.tests.map((test) => [test.title, test.status]));
}

describe('test-modes in a native ESM Jest project', () => {
  let project: JestProject;

  beforeAll(() => {
    project = createJestProject(
      {
        'jest.config.js': jestConfigModule(
          { testEnvironment: 'node', transform: {}, setupFiles: ['@proving-ground/test-modes/setup'] },
          { esm: true },
        ),
        'test-modes.config.json': JSON.stringify({ allowLoopback: false, allowHosts: ['mocked.example.com'] }),
        'local-server.cjs': LOCAL_SERVER_MODULE,
        'modes.test.js': testModule(modeTests),
      },
      { esm: true },
    );
  });
  afterAll(() => project.remove());

  it('should compose with msw, guard fetch, and skip mode-scoped tests with their reason in mock mode', async () => {
    const run = await project.run();

    expect(byTitle(run)).toEqual({
      'msw answers its handlers while the guard blocks what msw lets through': 'passed',
      'global fetch is guarded (loopback disallowed by the config here)': 'passed',
      'raw TCP to a loopback server works while msw is listening (database drivers)': 'passed',
      'whenMode picks the value of the current mode': 'passed',
      'runs only in golden [skipped: runs only in golden; TEST_MODE=mock]': 'pending',
      'declared with the plain test() inside live.describe': 'pending',
    });
    expect(run.exitCode).toBe(0);
  });

  it('should run golden-only tests in golden mode', async () => {
    const run = await project.run({ env: { TEST_MODE: 'Golden' } });

    expect(byTitle(run)['runs only in golden']).toBe('passed');
    expect(run.exitCode).toBe(0);
  });

  it('should run only live tests in live_smoke, including tests imported from @jest/globals', async () => {
    const run = await project.run({ env: { TEST_MODE: 'live_smoke' } });

    const statuses = byTitle(run);
    expect(statuses['declared with the plain test() inside live.describe']).toBe('passed');
    expect(
      statuses[
        'whenMode picks the value of the current mode [skipped: live_smoke runs only tests marked with live.test() or onlyIn(); TEST_MODE=live_smoke]'
      ],
    ).toBe('pending');
    expect(statuses['runs only in golden [skipped: runs only in golden; TEST_MODE=live_smoke]']).toBe('pending');
    expect(run.exitCode).toBe(0);
  });
});
