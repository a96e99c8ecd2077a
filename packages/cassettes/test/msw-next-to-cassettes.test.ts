import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createJestProject, type JestProject } from './jest-project.js';

/**
 * msw's default setupServer answers `/flags` (a port where nothing listens); the cassette records
 * `/users` from a loopback server (which must see each request once), then replays it with the
 * server stopped, through global fetch, node:http and axios, without any real connection attempt.
 */
const TESTS = `
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import http from 'node:http';
import { writeFileSync } from 'node:fs';
import axios from 'axios';
import { setupServer } from 'msw/node';
import { http as mswHttp, HttpResponse } from 'msw';
import { live, currentMode } from '@proving-ground/test-modes';
import { aliasOrigin } from '@proving-ground/cassettes';

const FLAGS = 'http://127.0.0.1:4013';
const msw = setupServer(mswHttp.get(FLAGS + '/flags', () => HttpResponse.json({ newInbox: true })));
let server;
const served = [];
let origin = 'http://127.0.0.1:4014'; // replay: nothing listens here either, only the cassette answers
beforeAll(async () => {
  msw.listen({ onUnhandledFrame: 'bypass' });
  if (currentMode() !== 'golden') {
    server = http.createServer((request, response) => {
      served.push(request.method + ' ' + request.url);
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ users: ['ada', 'grace'], path: request.url }));
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = 'http://127.0.0.1:' + server.address().port;
  }
  aliasOrigin(origin, 'http://users.test');
});
afterAll(async () => {
  msw.close();
  if (server) await new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); });
  if (server) writeFileSync(new URL('./served.json', import.meta.url), JSON.stringify(served));
});

const viaHttp = (url) => new Promise((resolve, reject) => {
  http.get(url, (res) => { let body = ''; res.on('data', (c) => (body += c)); res.on('end', () => resolve(JSON.parse(body))); }).on('error', reject);
});

(currentMode() === 'live_smoke' ? live.describe : describe)('msw next to cassettes', () => {
  test('should read flags from msw and users from the cassette through fetch', async () => {
    expect(await (await fetch(FLAGS + '/flags')).json()).toEqual({ newInbox: true });
    expect(await (await fetch(origin + '/users')).json()).toEqual({ users: ['ada', 'grace'], path: '/users' });
  });

  test('should read flags from msw and users from the cassette through node:http', async () => {
    expect(await viaHttp(FLAGS + '/flags')).toEqual({ newInbox: true });
    expect(await viaHttp(origin + '/users?via=http')).toEqual({ users: ['ada', 'grace'], path: '/users?via=http' });
  });

  test('should read flags from msw and users from the cassette through axios', async () => {
    expect((await axios.get(FLAGS + '/flags')).data).toEqual({ newInbox: true });
    expect((await axios.get(origin + '/users?via=axios')).data).toEqual({ users: ['ada', 'grace'], path: '/users?via=axios' });
  });
});
`;

describe('msw next to cassettes in a real Jest run', () => {
  let project: JestProject;

  beforeAll(() => {
    project = createJestProject(
      {
        'flags.test.js': TESTS,
        'cassettes.setup.cjs': `require('@proving-ground/cassettes').setupCassettes({ hosts: ['users.test'] });`,
        'jest.config.js': `export default { setupFiles: ['@proving-ground/test-modes/setup'], setupFilesAfterEnv: ['./cassettes.setup.cjs'], testEnvironment: 'node', transform: {} };`,
      },
      { esm: true },
    );
  });
  afterAll(() => project.remove());

  it('should record /users next to msw answering /flags, then replay it with the server stopped while msw still answers /flags, and exit cleanly', async () => {
    // Act
    const recording = await project.run({ env: { TEST_MODE: 'live_smoke', TEST_RECORD: 'missing' } });
    const cassettes = readdirSync(join(project.dir, '__cassettes__', 'flags.test.js')).sort();
    const served = JSON.parse(readFileSync(join(project.dir, 'served.json'), 'utf8')) as string[];
    const replay = await project.run({ env: { TEST_MODE: 'golden' } });

    // Assert
    expect(recording.tests.map((test) => test.status)).toEqual(['passed', 'passed', 'passed']);
    expect(served.sort()).toEqual(['GET /users', 'GET /users?via=axios', 'GET /users?via=http']);
    expect(cassettes).toHaveLength(3);
    expect(replay.suiteFailures).toEqual([]);
    expect(replay.tests.map((test) => [test.title, test.status, test.failureMessages.join('\n')])).toEqual(
      recording.tests.map((test) => [test.title, 'passed', '']),
    );
    for (const run of [recording, replay]) {
      expect(run.stderr).not.toMatch(/ECONNREFUSED|ECONNRESET|uncaught|unhandled|Emitted 'error' event/i);
      expect(run.exitCode).toBe(0);
    }
  });
});
