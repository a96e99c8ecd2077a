import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commonJsModule, jestConfigModule, testModule } from '@proving-ground/test-kit';
import { createJestProject, type JestProject } from './jest-project.js';

// --- Code that runs inside the temporary project (typed here, written there with testModule) ---

/** A loopback server answering JSON with the path it was asked, slowly for `slow` paths. */
async function startServer(): Promise<{ seen: string[]; origin: string; close: () => Promise<void> }> {
  const http = require('node:http') as typeof import('node:http');
  const seen: string[] = [];
  const server = http.createServer((request, response) => {
    seen.push(`${request.method} ${request.url}`);
    const delay = request.url?.includes('slow') === true ? 60 : 5;
    setTimeout(() => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ path: request.url, at: 'server' }));
    }, delay);
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as import('node:net').AddressInfo;
  return {
    seen,
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((closed) => {
        server.closeAllConnections();
        server.close(() => closed());
      }),
  };
}

function usersTests(): void {
  const { afterAll, beforeAll, describe, expect, test } = require('@jest/globals') as typeof import('@jest/globals');
  const { live, currentMode } = require('@proving-ground/test-modes') as typeof import('@proving-ground/test-modes');
  const { aliasOrigin } = require('@proving-ground/cassettes') as typeof import('@proving-ground/cassettes');
  const { startServer } = require('./server.cjs') as { startServer: () => Promise<{ origin: string; close: () => Promise<void> }> };

  let server: { origin: string; close: () => Promise<void> } | undefined;
  let origin = 'http://users.test';
  beforeAll(async () => {
    if (currentMode() === 'golden') return; // replay: no server at all, and users.test is not loopback
    server = await startServer();
    aliasOrigin(server.origin, 'http://users.test');
    origin = server.origin;
  });
  afterAll(() => server?.close());

  const getJson = async (path: string, init?: RequestInit): Promise<{ at?: string; path?: string }> =>
    (await fetch(origin + path, init)).json() as Promise<{ at?: string; path?: string }>;
  const postWho = (path: string, who: string): Promise<{ at?: string; path?: string }> =>
    getJson(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ who }) });

  const suite = (): void => {
    test('should list users', async () => {
      const body = await getJson(`/users?page=${process.env['PAGE'] ?? '1'}&sort=name`);
      expect(body.at).toBe('server');
      if (process.env['SKIP_SECOND'] !== '1') await getJson('/users/count');
    });

    test('should fail on purpose while recording', async () => {
      await getJson('/users/flaky');
      if (process.env['FAIL_ON_PURPOSE'] === '1') throw new Error('failing on purpose');
    });

    test.concurrent('should get the slow one concurrently', async () => {
      expect((await postWho('/users/slow', 'slow')).path).toBe('/users/slow');
    });

    test.concurrent('should get the fast one concurrently', async () => {
      expect((await postWho('/users/fast', 'fast')).path).toBe('/users/fast');
    });
  };
  // live_smoke runs only tests marked live; golden runs them all.
  if (currentMode() === 'live_smoke') live.describe('users api', suite);
  else describe('users api', suite);
}

// --- The checks ---

/** The quick start of the README, run as is. */
const SETUP = readFileSync(join(import.meta.dirname, '..', 'examples', 'cassettes.setup.cjs'), 'utf8');

describe('per-test cassettes in a real Jest run', () => {
  let project: JestProject;
  const cassettesDir = (): string => join(project.dir, '__cassettes__', 'users.test.js');
  const files = (): string[] => (existsSync(cassettesDir()) ? readdirSync(cassettesDir()).sort() : []);
  const failureOf = (run: Awaited<ReturnType<JestProject['run']>>, title: string): string =>
    run.tests.find((test) => test.title === title)?.failureMessages.join('\n') ?? '';

  let recording: Awaited<ReturnType<JestProject['run']>>;

  beforeAll(async () => {
    project = createJestProject({
      'server.cjs': commonJsModule({ startServer }),
      'users.test.js': testModule(usersTests),
      'cassettes.setup.cjs': SETUP,
      'jest.config.js': jestConfigModule({
        setupFiles: ['@proving-ground/test-modes/setup'],
        setupFilesAfterEnv: ['./cassettes.setup.cjs'],
        testEnvironment: 'node',
      }),
    });
    recording = await project.run({ env: { TEST_MODE: 'live_smoke', TEST_RECORD: 'missing', FAIL_ON_PURPOSE: '1' } });
  });

  it('should record in live_smoke, failing only the test that fails on purpose', () => {
    expect(recording.tests.map((test) => [test.title, test.status])).toEqual([
      ['should list users', 'passed'],
      ['should fail on purpose while recording', 'failed'],
      ['should get the slow one concurrently', 'passed'],
      ['should get the fast one concurrently', 'passed'],
    ]);
  });

  afterAll(() => project?.remove());

  it('should write one cassette per passing test, named after the full test name, and nothing for the failed test', () => {
    expect(files()).toEqual([
      expect.stringMatching(/^users-api-should-get-the-fast-one-concurrently-[0-9a-f]{8}\.json$/),
      expect.stringMatching(/^users-api-should-get-the-slow-one-concurrently-[0-9a-f]{8}\.json$/),
      expect.stringMatching(/^users-api-should-list-users-[0-9a-f]{8}\.json$/),
    ]);
  });

  it('should keep concurrent tests apart: each cassette holds only the request of its own test, under the alias', () => {
    const bodies = files().map((file) => {
      const cassette = JSON.parse(readFileSync(join(cassettesDir(), file), 'utf8')) as {
        interactions: { request: { url: string; body?: unknown } }[];
      };
      return cassette.interactions.map((interaction) => [interaction.request.url, interaction.request.body]);
    });

    expect(bodies).toEqual([
      [['http://users.test/users/fast', { json: { who: 'fast' } }]],
      [['http://users.test/users/slow', { json: { who: 'slow' } }]],
      [
        ['http://users.test/users?page=1&sort=name', undefined],
        ['http://users.test/users/count', undefined],
      ],
    ]);
  });

  it('should replay in golden with no server and the network blocked, failing only the test that has no cassette', async () => {
    const run = await project.run({ env: { TEST_MODE: 'golden' } });

    expect(run.tests.map((test) => [test.title, test.status])).toEqual([
      ['should list users', 'passed'],
      ['should fail on purpose while recording', 'failed'],
      ['should get the slow one concurrently', 'passed'],
      ['should get the fast one concurrently', 'passed'],
    ]);
    const failure = failureOf(run, 'should fail on purpose while recording');
    expect(failure).toContain(
      '[cassettes] Failed to replay "GET http://users.test/users/flaky" in test "users api should fail on purpose while recording"',
    );
    expect(failure).toContain('no cassette exists at __cassettes__/users.test.js/users-api-should-fail-on-purpose-while-recording-');
    expect(failure).toContain(
      '1. Re-record: TEST_MODE=live_smoke TEST_RECORD=missing npx jest users.test.js -t "users api should fail on purpose while recording"',
    );
  });

  it('should fail an unmatched request with a diff against the closest recording and numbered suggestions', async () => {
    const run = await project.run({ env: { TEST_MODE: 'golden', PAGE: '2' } });

    const failure = failureOf(run, 'should list users');
    expect(failure).toContain('CassettesError: [cassettes] Failed to replay "GET http://users.test/users?page=2&sort=name"');
    expect(failure).toContain('Closest recorded on GET http://users.test/users:');
    expect(failure).toContain('query.page: recorded "1", got "2"');
    expect(failure).toContain('2. If query parameter "page" changes on every run, ignore it: match: { ignoreQuery: ["page"] }');
  });

  it('should report unused interactions as a warning, and fail the test with strict', async () => {
    const lenient = await project.run({ env: { TEST_MODE: 'golden', SKIP_SECOND: '1' } });
    const strict = await project.run({ env: { TEST_MODE: 'golden', SKIP_SECOND: '1', STRICT: '1' } });

    expect(lenient.tests.find((test) => test.title === 'should list users')?.status).toBe('passed');
    expect(lenient.stderr).toContain('1 recorded interaction(s) in __cassettes__/users.test.js/users-api-should-list-users-');
    expect(lenient.stderr).toContain('GET http://users.test/users/count');
    expect(failureOf(strict, 'should list users')).toContain('were not used by test "users api should list users"');
  });

  it('should fail on a truncated cassette with its path and never overwrite it while recording', async () => {
    const file = join(
      cassettesDir(),
      files().find((name) => name.startsWith('users-api-should-list-users'))!,
    );
    const truncated = readFileSync(file, 'utf8').slice(0, 120);
    writeFileSync(file, truncated);

    const replay = await project.run({ env: { TEST_MODE: 'golden' } });
    const record = await project.run({ env: { TEST_MODE: 'live_smoke', TEST_RECORD: 'missing' } });

    expect(failureOf(replay, 'should list users')).toMatch(
      /\[cassettes\] Failed to read cassette __cassettes__\/users\.test\.js\/users-api-should-list-users-[0-9a-f]{8}\.json: it is not valid JSON/,
    );
    expect(failureOf(record, 'should list users')).toContain('possibly truncated');
    expect(readFileSync(file, 'utf8')).toBe(truncated);
  });
});
