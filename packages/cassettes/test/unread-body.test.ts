import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { commonJsModule, jestConfigModule, startLocalServer, testModule, type LocalServer } from '@proving-ground/test-kit';
import { readCassette, withCassette, type CassetteOptions } from '../src/index.js';
import { startScriptedServer, type ScriptedServer } from './fixtures/scripted-server.js';
import { createJestProject, type JestProject } from './jest-project.js';
import { stderrOf } from './outcomes.js';

const tmpRoot = resolve(import.meta.dirname, '..', '.tmp');
mkdirSync(tmpRoot, { recursive: true });
const dir = mkdtempSync(join(tmpRoot, 'unread-body-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a response still open when the test ends', () => {
  let open: ScriptedServer;
  const aliases = (): CassetteOptions['aliases'] => ({ [open.origin]: 'http://open.local.test' });

  beforeAll(async () => {
    open = await startScriptedServer(({ response }) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: first\n\n');
    });
  });

  afterAll(() => open.close());

  it('should record a stream still open and unread when the test ends as aborted, and warn naming the request', async () => {
    // Arrange
    const path = join(dir, 'open-stream.json');

    // Act
    const { stderr } = await stderrOf(() =>
      withCassette(path, async () => (await fetch(`${open.origin}/events`)).status, { aliases: aliases(), mode: 'record-all' }),
    );

    // Assert
    const stream = readCassette(path)?.interactions[0]?.response.stream;
    expect(stream?.end).toEqual({ kind: 'aborted' });
    expect(stream?.chunks.map((chunk) => chunk.text)).toEqual(['data: first\n\n']);
    expect(stderr).toContain('[cassettes] Recorded "GET http://open.local.test/events" in');
    expect(stderr).toContain('as aborted: its response was still open when the test ended');
  }, 15_000);
});

// --- Code that runs inside the temporary project (typed here, written there with testModule) ---

/** A loopback server sending a report of many rows, one write each. */
async function startReportServer(): Promise<{ origin: string; close: () => Promise<void> }> {
  const http = require('node:http') as typeof import('node:http');
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    let row = 0;
    const next = (): void => {
      if (row === 2_000) return void response.end();
      response.write(`row ${(row += 1)} ${'x'.repeat(90)}\n`);
      setImmediate(next);
    };
    next();
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as import('node:net').AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((closed) => {
        server.closeAllConnections();
        server.close(() => closed());
      }),
  };
}

function statusOnlyTests(): void {
  const { afterAll, beforeAll, expect } = require('@jest/globals') as typeof import('@jest/globals');
  const { live } = require('@proving-ground/test-modes') as typeof import('@proving-ground/test-modes');
  const { aliasOrigin } = require('@proving-ground/cassettes') as typeof import('@proving-ground/cassettes');
  const { startReportServer } = require('./server.cjs') as {
    startReportServer: () => Promise<{ origin: string; close: () => Promise<void> }>;
  };

  let server: { origin: string; close: () => Promise<void> };
  beforeAll(async () => {
    server = await startReportServer();
    aliasOrigin(server.origin, 'http://reports.test');
  });
  afterAll(() => server.close());

  live.test('should answer the export with 200', async () => {
    const response = await fetch(`${server.origin}/export`);
    expect(response.status).toBe(200);
  });
}

/** The same check against the test kit's local server (its port in `LOCAL_PORT`), whose body is one short chunk. */
function healthTests(): void {
  const { beforeAll, expect } = require('@jest/globals') as typeof import('@jest/globals');
  const { live } = require('@proving-ground/test-modes') as typeof import('@proving-ground/test-modes');
  const { aliasOrigin } = require('@proving-ground/cassettes') as typeof import('@proving-ground/cassettes');
  const origin = `http://127.0.0.1:${process.env['LOCAL_PORT']}`;
  beforeAll(() => {
    aliasOrigin(origin, 'http://local.test');
  });

  live.test('should answer the health check with 200', async () => {
    expect((await fetch(`${origin}/health`)).status).toBe(200);
  });
}

// --- The checks ---

describe('a response body never read, in a real Jest run', () => {
  let project: JestProject;
  let local: LocalServer;

  beforeAll(async () => {
    local = await startLocalServer();
    project = createJestProject({
      'server.cjs': commonJsModule({ startReportServer }),
      'export.test.js': testModule(statusOnlyTests),
      'health.test.js': testModule(healthTests),
      'cassettes.setup.cjs': "require('@proving-ground/cassettes').setupCassettes({ hosts: ['reports.test', 'local.test'] });\n",
      'jest.config.js': jestConfigModule({
        setupFiles: ['@proving-ground/test-modes/setup'],
        setupFilesAfterEnv: ['./cassettes.setup.cjs'],
        testEnvironment: 'node',
      }),
    });
  });

  afterAll(async () => {
    project.remove();
    await local.close();
  });

  it('should record the interaction of a test that reads only the status of a global fetch', async () => {
    // Act
    const run = await project.run({ env: { TEST_MODE: 'live_smoke', TEST_RECORD: 'missing', LOCAL_PORT: String(local.port) } });
    const bodyOf = (testFile: string): unknown => {
      const folder = join(project.dir, '__cassettes__', testFile);
      const files = existsSync(folder) ? readdirSync(folder) : [];
      return files.length === 1
        ? readCassette(join(folder, files[0]!))?.interactions.map((interaction) => interaction.response.body)
        : files;
    };

    // Assert
    expect(run.tests.map((test) => [test.title, test.status]).sort()).toEqual([
      ['should answer the export with 200', 'passed'],
      ['should answer the health check with 200', 'passed'],
    ]);
    expect(bodyOf('health.test.js')).toEqual([{ text: 'local' }]);
    expect(bodyOf('export.test.js')).toEqual([{ text: expect.stringMatching(/^row 1 x+\n[^]*row 2000 x+\n$/) }]);
    expect(local.seen).toEqual(['GET /health']);
  }, 30_000);
});
