import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jestConfigModule, testModule } from '@proving-ground/test-kit';
import { createJestProject, type JestProject, type JestRun } from './jest-project.js';

// --- Code that runs inside the temporary project (typed here, written there with testModule) ---

/** Each client reads a response that ends one way, and every error it sees is written down by shape. */
function endingsTests(): void {
  const { afterAll, beforeAll, describe, test } = require('@jest/globals') as typeof import('@jest/globals');
  const { live, currentMode } = require('@proving-ground/test-modes') as typeof import('@proving-ground/test-modes');
  const http = require('node:http') as typeof import('node:http');
  const { appendFileSync } = require('node:fs') as typeof import('node:fs');
  const axios = (require('axios') as { default: typeof import('axios').default }).default;
  const undici = require('undici') as typeof import('undici');

  type Ending = 'reset' | 'destroy' | 'abort' | 'timeout';
  const TIMEOUT_MS = 150;
  let origin = 'http://cut.test';
  let server: import('node:http').Server | undefined;

  beforeAll(async () => {
    if (currentMode() === 'golden') return; // replay: no server, and cut.test is not loopback
    // A first chunk, then the connection reset or destroyed, or the body left hanging.
    server = http.createServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('first chunk\n');
      setTimeout(() => {
        if (request.url === '/reset') response.socket?.resetAndDestroy();
        else if (request.url === '/destroy') response.socket?.destroy();
      }, 20);
    });
    await new Promise<void>((listening) => server!.listen(0, '127.0.0.1', listening));
    const { port } = server.address() as import('node:net').AddressInfo;
    origin = `http://127.0.0.1:${port}`;
    if (process.env['WITH_CASSETTES'] === '1') {
      const { aliasOrigin } = require('@proving-ground/cassettes') as typeof import('@proving-ground/cassettes');
      aliasOrigin(origin, 'http://cut.test');
    }
  });
  afterAll(() => {
    server?.closeAllConnections();
    server?.close();
  });

  const pathOf = (ending: Ending): string => (ending === 'reset' ? '/reset' : ending === 'destroy' ? '/destroy' : '/hang');

  const clients: Record<string, (ending: Ending) => Promise<void>> = {
    fetch: async (ending) => {
      const controller = new AbortController();
      const signal = ending === 'timeout' ? AbortSignal.timeout(TIMEOUT_MS) : controller.signal;
      const response = await fetch(origin + pathOf(ending), { signal });
      const reader = response.body!.getReader();
      await reader.read();
      if (ending === 'abort') controller.abort();
      while (!(await reader.read()).done);
    },
    'node:http': (ending) =>
      new Promise<void>((resolve, reject) => {
        const controller = new AbortController();
        const options = { agent: false, signal: controller.signal, ...(ending === 'timeout' ? { timeout: TIMEOUT_MS } : {}) };
        const outgoing = http.get(origin + pathOf(ending), options, (incoming) => {
          incoming.once('data', () => {
            if (ending === 'abort') controller.abort();
          });
          incoming.on('data', () => undefined);
          incoming.on('end', resolve);
          incoming.on('error', reject);
        });
        outgoing.on('timeout', () => outgoing.destroy(new Error('client timeout')));
        outgoing.on('error', reject);
      }),
    'undici.request': async (ending) => {
      const controller = new AbortController();
      const signal = ending === 'timeout' ? AbortSignal.timeout(TIMEOUT_MS) : controller.signal;
      const { body } = await undici.request(origin + pathOf(ending), { signal });
      await new Promise<void>((resolve, reject) => {
        body.once('data', () => {
          if (ending === 'abort') controller.abort();
        });
        body.on('data', () => undefined);
        body.on('end', resolve);
        body.on('error', reject);
      });
    },
    'undici.fetch': async (ending) => {
      const controller = new AbortController();
      const signal = ending === 'timeout' ? AbortSignal.timeout(TIMEOUT_MS) : controller.signal;
      const response = await undici.fetch(origin + pathOf(ending), { signal });
      const reader = response.body!.getReader();
      await reader.read();
      if (ending === 'abort') controller.abort();
      while (!(await reader.read()).done);
    },
    axios: async (ending) => {
      const controller = new AbortController();
      const response = await axios.get<import('node:stream').Readable>(origin + pathOf(ending), {
        responseType: 'stream',
        signal: controller.signal,
        httpAgent: new http.Agent({ keepAlive: false }),
        ...(ending === 'timeout' ? { timeout: TIMEOUT_MS } : {}),
      });
      await new Promise<void>((resolve, reject) => {
        response.data.once('data', () => {
          if (ending === 'abort') controller.abort();
        });
        response.data.on('data', () => undefined);
        response.data.on('end', resolve);
        response.data.on('error', reject);
      });
    },
  };

  const shapeOf = (error: unknown): unknown => {
    if (error === undefined) return 'no error';
    const { name, message, code, cause } = error as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown };
    const inner = cause as { name?: unknown; message?: unknown; code?: unknown } | undefined;
    return { name, message, code, cause: inner === undefined ? undefined : { name: inner.name, message: inner.message, code: inner.code } };
  };

  // live_smoke runs only the tests marked live; golden runs them all.
  const scoped = (name: string, fn: () => Promise<void>): void => (currentMode() === 'live_smoke' ? live.test(name, fn) : test(name, fn));
  describe.each(Object.keys(clients))('%s', (client) => {
    for (const ending of ['reset', 'destroy', 'abort', 'timeout'] as const) {
      scoped(`should see the ${ending}`, async () => {
        let error: unknown;
        try {
          await clients[client]!(ending);
        } catch (caught) {
          error = caught;
        }
        appendFileSync(process.env['SHAPES_FILE']!, `${JSON.stringify({ case: `${client} ${ending}`, shape: shapeOf(error) })}\n`);
      });
    }
  });
}

// --- The checks ---

/**
 * Cases where a client still sees something else while recording or replaying than live. Listed,
 * so the test fails the day they are fixed as well as the day another case breaks. None left:
 * node:http used to see `Error: aborted` for a reset, an abort and a timeout (the interceptors'
 * socket stand-in emitted 'close' before the error), and undici an `HTTPParserError` while
 * recording a cut stream (the recorded request asked its server for `Connection: close`).
 */
const KNOWN_GAPS: string[] = [];

describe('what a client sees when a response ends early', () => {
  let project: JestProject;
  const shapesOf = (project: JestProject, run: JestRun, file: string): Record<string, unknown> => {
    expect(run.stderr).not.toMatch(/●/);
    const lines = readFileSync(join(project.dir, file), 'utf8').trim().split('\n');
    return Object.fromEntries(
      lines.map((line) => JSON.parse(line) as { case: string; shape: unknown }).map((entry) => [entry.case, entry.shape]),
    );
  };

  beforeAll(() => {
    project = createJestProject({
      'endings.test.js': testModule(endingsTests),
      'jest.live.config.js': jestConfigModule({ setupFiles: ['@proving-ground/test-modes/setup'] }),
      'jest.config.js': jestConfigModule({
        setupFiles: ['@proving-ground/test-modes/setup'],
        setupFilesAfterEnv: ['@proving-ground/cassettes/setup'],
      }),
    });
  });
  afterAll(() => project?.remove());

  it('should be the same live, while recording and while replaying, for each client and each ending', async () => {
    // Arrange: the shapes seen live, without cassettes.
    const liveRun = await project.run({
      env: { TEST_MODE: 'live_smoke', SHAPES_FILE: join(project.dir, 'live.jsonl') },
      args: ['--config', 'jest.live.config.js'],
    });
    const live = shapesOf(project, liveRun, 'live.jsonl');

    // Act: record, then replay.
    const recordRun = await project.run({
      env: { TEST_MODE: 'live_smoke', TEST_RECORD: 'all', WITH_CASSETTES: '1', SHAPES_FILE: join(project.dir, 'record.jsonl') },
    });
    const recording = shapesOf(project, recordRun, 'record.jsonl');
    const replayRun = await project.run({
      env: { TEST_MODE: 'golden', WITH_CASSETTES: '1', SHAPES_FILE: join(project.dir, 'replay.jsonl') },
    });
    const replaying = shapesOf(project, replayRun, 'replay.jsonl');

    // Assert
    expect(Object.keys(live)).toHaveLength(20);
    const differing = (seen: Record<string, unknown>): string[] =>
      Object.keys(live)
        .filter((key) => JSON.stringify(seen[key]) !== JSON.stringify(live[key]))
        .sort();
    expect({ recording: differing(recording), replaying: differing(replaying) }).toEqual({ recording: KNOWN_GAPS, replaying: KNOWN_GAPS });
    for (const key of Object.keys(live).filter((key) => !KNOWN_GAPS.includes(key))) {
      expect([key, recording[key]]).toEqual([key, live[key]]);
      expect([key, replaying[key]]).toEqual([key, live[key]]);
    }
  });
});
