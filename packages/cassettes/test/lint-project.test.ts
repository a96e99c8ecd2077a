import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { commonJsModule, jestConfigModule, testModule } from '@proving-ground/test-kit';
import { formatCassetteJson, type Cassette } from '../src/index.js';
import { createJestProject, type JestProject } from './jest-project.js';

const packageDir = resolve(import.meta.dirname, '..');

// --- Code that runs inside the temporary project (typed here, written there with testModule) ---

/** A server on 127.0.0.1 that answers every request with its path, recorded under http://users.test. */
async function startUsersServer(): Promise<{ origin: string; close: () => Promise<void> }> {
  const http = require('node:http') as typeof import('node:http');
  const server = http.createServer((request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ path: request.url }));
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as import('node:net').AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise<void>((closed) => server.close(() => closed())) };
}

function usersTest(): void {
  const { afterAll, beforeAll, describe, expect, test } = require('@jest/globals') as typeof import('@jest/globals');
  const { live, currentMode } = require('@proving-ground/test-modes') as typeof import('@proving-ground/test-modes');
  const { aliasOrigin } = require('@proving-ground/cassettes') as typeof import('@proving-ground/cassettes');
  const { startUsersServer } = require('./server.js') as {
    startUsersServer: () => Promise<{ origin: string; close: () => Promise<void> }>;
  };
  const users = require('./fixtures/users.json') as { id: number }[];

  let origin = 'http://users.test';
  let close = (): Promise<void> => Promise.resolve();
  beforeAll(async () => {
    if (currentMode() === 'golden') return;
    const server = await startUsersServer();
    aliasOrigin(server.origin, 'http://users.test');
    ({ origin, close } = server);
  });
  afterAll(() => close());

  const suite = (): void => {
    test('should list users', async () => {
      const response = await fetch(`${origin}/users`);
      expect(await response.json()).toEqual({ path: '/users' });
    });

    test('should get one user', async () => {
      const response = await fetch(`${origin}/users/${users[0]!.id}`);
      expect(await response.json()).toEqual({ path: '/users/1' });
    });
  };
  // live_smoke runs only the tests marked live (and records them); golden replays every test.
  if (currentMode() === 'live_smoke') live.describe('users', suite);
  else describe('users', suite);
}

// --- The checks ---

/** A project as a user has it: a manifest, a lockfile, a tsconfig with comments, JSON fixtures. */
const PROJECT_FILES: Record<string, string> = {
  'package.json': `${JSON.stringify(
    {
      name: 'users-service',
      version: '1.0.0',
      private: true,
      type: 'commonjs',
      scripts: { test: 'jest', 'lint:cassettes': 'proving-ground-cassettes lint' },
      devDependencies: { '@proving-ground/cassettes': '^0.1.0', '@proving-ground/test-modes': '^0.1.0', jest: '^30.0.0' },
    },
    null,
    2,
  )}\n`,
  'package-lock.json': `${JSON.stringify(
    {
      name: 'users-service',
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: { '': { name: 'users-service', version: '1.0.0' }, 'node_modules/jest': { version: '30.0.0' } },
    },
    null,
    2,
  )}\n`,
  'tsconfig.json': '{\n  // tsconfig files may hold comments, so they are not JSON\n  "compilerOptions": { "strict": true },\n}\n',
  'test/fixtures/users.json': JSON.stringify([{ id: 1 }, { id: 2 }]),
  'test/fixtures/truncated-payload.json': '{"items": [1, 2',
  'test/fixtures/config/settings.json': JSON.stringify({ interactions: 'enabled', theme: 'dark' }),
  'test/server.js': commonJsModule({ startUsersServer }),
  'test/users.test.js': testModule(usersTest),
  'jest.config.js': jestConfigModule({
    setupFiles: ['@proving-ground/test-modes/setup'],
    setupFilesAfterEnv: ['@proving-ground/cassettes/setup'],
  }),
};

describe('proving-ground-cassettes lint in a project with a manifest, a lockfile, a tsconfig and fixtures', () => {
  let project: JestProject;
  let cassettesDir: string;

  /** The documented command, run with npx from the project folder (the bin linked as npm links it). */
  const npx = (...args: string[]): { status: number | null; output: string } => {
    const result = spawnSync('npx', ['--no-install', 'proving-ground-cassettes', ...args], {
      cwd: project.dir,
      encoding: 'utf8',
      env: {
        PATH: `${dirname(process.execPath)}${process.platform === 'win32' ? ';' : ':'}${process.env['PATH'] ?? ''}`,
        HOME: project.dir,
      },
    });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  };

  beforeAll(async () => {
    project = createJestProject(PROJECT_FILES);
    mkdirSync(join(project.dir, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(join(packageDir, 'dist', 'cli.mjs'), join(project.dir, 'node_modules', '.bin', 'proving-ground-cassettes'));
    const recording = await project.run({ env: { TEST_MODE: 'live_smoke', TEST_RECORD: 'missing' } });
    if (recording.exitCode !== 0) throw new Error(`The recording run failed:\n${recording.stderr}`);
    cassettesDir = join(project.dir, 'test', '__cassettes__', 'users.test.js');
  });
  afterAll(() => project?.remove());

  it('should check only the cassettes and pass: `npx proving-ground-cassettes lint`', () => {
    // The project lives under packages/cassettes/.tmp: a folder named "cassettes" above it must not matter.
    expect(project.dir.split(sep)).toContain('cassettes');

    const result = npx('lint');

    expect(result.output).toContain('2 cassette(s) checked, 0 problem(s).');
    expect(result.status).toBe(0);
  });

  it('should pass with the usage file of a replay run: `lint --usage cassette-usage.jsonl`', async () => {
    const replay = await project.run({
      env: { TEST_MODE: 'golden', PROVING_GROUND_CASSETTES_USAGE: join(project.dir, 'cassette-usage.jsonl') },
    });

    const result = npx('lint', '--usage', 'cassette-usage.jsonl');

    expect(replay.exitCode).toBe(0);
    expect(result.output).toContain('2 cassette(s) checked, 0 problem(s).');
    expect(result.status).toBe(0);
  });

  it('should still report a truncated cassette in its folder and a broken cassette elsewhere, and nothing else', () => {
    // Arrange
    const [first] = readdirSync(cassettesDir).sort();
    const truncatedFile = join(cassettesDir, first!);
    writeFileSync(truncatedFile, readFileSync(truncatedFile, 'utf8').slice(0, 80));
    const broken: Omit<Cassette, 'interactions'> & { interactions: unknown } = {
      version: 2,
      recordedAt: '2026-01-01T00:00:00.000Z',
      recordedWith: '@proving-ground/cassettes',
      interactions: 'none',
    };
    project.write('recordings/old.json', formatCassetteJson(broken));

    // Act
    const result = npx('lint');

    // Assert
    expect(result.status).toBe(1);
    expect(result.output).toContain(`test/__cassettes__/users.test.js/${first}: [schema] [cassettes] Failed to read cassette`);
    expect(result.output).toContain(
      'recordings/old.json: [schema] [cassettes] Failed to read cassette recordings/old.json: 1 problem: interactions must be an array.',
    );
    expect(result.output).toContain('3 cassette(s) checked, 2 problem(s).');
    for (const file of ['package.json', 'package-lock.json', 'tsconfig.json', 'users.json', 'truncated-payload.json', 'settings.json']) {
      expect(result.output).not.toContain(`${file}:`);
    }
  });
});
