import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { join, resolve } from 'node:path';
import { networkGuard } from '@proving-ground/test-modes';
import axios from 'axios';
import got from 'got';
import { withCassette, type CassetteOptions } from '../src/index.js';
import { failureOf, stderrOf } from './outcomes.js';
import { startLocalServer, type LocalServer } from './local-server.js';

const tmpRoot = resolve(import.meta.dirname, '..', '.tmp');
mkdirSync(tmpRoot, { recursive: true });
const dir = mkdtempSync(join(tmpRoot, 'node-http-fast-path-'));
const cassette = (name: string): string => join(dir, `${name}.json`);

/** What a node:http client read: status, headers, each chunk and when it came, or the error it failed with. */
interface Read {
  status?: number;
  headers?: IncomingHttpHeaders;
  chunks: string[];
  times: number[];
  error?: { name: string; message: string; code?: unknown };
}

function readWithHttp(url: string, options: { method?: string; body?: string; abortAfterFirstChunk?: boolean } = {}): Promise<Read> {
  return new Promise((done) => {
    const read: Read = { chunks: [], times: [] };
    const started = performance.now();
    const controller = new AbortController();
    const fail = (error: Error & { code?: unknown }): void => {
      read.error ??= { name: error.name, message: error.message, code: error.code };
      done(read);
    };
    const outgoing = httpRequest(url, { method: options.method ?? 'GET', signal: controller.signal }, (incoming) => {
      read.status = incoming.statusCode;
      read.headers = incoming.headers;
      incoming.on('data', (chunk: Buffer) => {
        read.chunks.push(String(chunk));
        read.times.push(performance.now() - started);
        if (options.abortAfterFirstChunk === true) controller.abort();
      });
      incoming.on('end', () => done(read));
      incoming.on('error', fail);
    });
    outgoing.on('error', fail);
    outgoing.end(options.body);
  });
}

const gapsOf = (times: number[]): number[] => times.slice(1).map((time, index) => time - times[index]!);

describe('cassette replays to node:http, axios and got', () => {
  let server: LocalServer;
  let options: CassetteOptions;
  const fastPath = networkGuard().clientRequestFastPath;

  beforeAll(async () => {
    server = await startLocalServer();
    options = { aliases: { [server.origin]: 'http://fast.local.test' } };
  });

  afterAll(async () => {
    fastPath.enabled = true;
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Replay with `run` on the socket path, then on the fast path; what each gave and how many requests the fast path answered. */
  async function bothWays<T>(run: () => Promise<T>): Promise<{ socketPath: T; fastPath: T; answered: number }> {
    fastPath.enabled = false;
    const socketPath = await run();
    fastPath.enabled = true;
    const before = fastPath.answered;
    const fast = await run();
    return { socketPath, fastPath: fast, answered: fastPath.answered - before };
  }

  it('should replay node:http and axios requests on the fast path, delivering what the socket path delivers', async () => {
    // Arrange
    const path = cassette('clients');
    const call = async (): Promise<unknown> => {
      const http = await readWithHttp(`${server.origin}/echo`, { method: 'POST', body: '{"question":"refunds?"}' });
      // One kept-alive socket for both axios calls: the second waits for the first to free it.
      const httpAgent = new Agent({ keepAlive: true, maxSockets: 1 });
      const post = (question: string): Promise<{ status: number; data: string; headers: unknown }> =>
        axios.post<string>(`${server.origin}/echo`, JSON.stringify({ question }), {
          headers: { 'content-type': 'application/json' },
          responseType: 'text',
          httpAgent,
        });
      const first = await post('axios?');
      const second = await post('again?');
      httpAgent.destroy();
      return {
        http: { ...http, times: undefined },
        axios: [first, second].map(({ status, headers, data }) => ({ status, headers, data })),
      };
    };
    const live = await withCassette(path, call, { ...options, mode: 'record-all' });

    // Act
    const { socketPath, fastPath: fast, answered } = await bothWays(() => withCassette(path, call, { ...options, mode: 'replay' }));

    // Assert
    expect(answered).toBe(3);
    expect(fast).toEqual(socketPath);
    // The cassette leaves out connection headers and dates (on either path); the rest is as recorded.
    const bodies = (run: unknown): unknown =>
      (run as { axios: { status: number; data: string }[] }).axios.map(({ status, data }) => [status, data]);
    expect(bodies(fast)).toEqual(bodies(live));
  });

  it('should replay got requests on the fast path, delivering what the socket path delivers', async () => {
    // Arrange
    const path = cassette('got');
    const call = async (): Promise<unknown> => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const client = got.extend({ agent: { http: agent }, retry: { limit: 0 }, throwHttpErrors: false });
      const posted = await client.post(`${server.origin}/echo`, { json: { question: 'got?' } });
      const fetched = await client.get(`${server.origin}/json`);
      agent.destroy();
      return [posted, fetched].map(({ statusCode, body }) => ({ statusCode, body }));
    };
    const live = await withCassette(path, call, { ...options, mode: 'record-all' });

    // Act
    const { socketPath, fastPath: fast, answered } = await bothWays(() => withCassette(path, call, { ...options, mode: 'replay' }));

    // Assert
    expect(answered).toBe(2);
    expect(fast).toEqual(socketPath);
    expect(fast).toEqual(live);
  });

  it('should replay a server-sent event stream to node:http chunk by chunk, at the recorded pace in real-time mode', async () => {
    // Arrange
    const path = cassette('sse');
    const recorded = await withCassette(path, () => readWithHttp(`${server.origin}/sse`), { ...options, mode: 'record-all' });

    // Act
    const {
      socketPath,
      fastPath: fast,
      answered,
    } = await bothWays(() =>
      withCassette(path, () => readWithHttp(`${server.origin}/sse`), { ...options, mode: 'replay', replaySpeed: 'realtime' }),
    );

    // Assert
    expect(answered).toBe(1);
    expect(recorded.chunks).toEqual(['event: tick\ndata: one\n\n', 'event: tick\ndata: two\n\n', 'event: tick\ndata: three\n\n']);
    expect(fast.chunks).toEqual(recorded.chunks);
    expect({ ...fast, times: undefined }).toEqual({ ...socketPath, times: undefined });
    gapsOf(fast.times).forEach((gap, index) => expect(gap).toBeGreaterThanOrEqual(gapsOf(recorded.times)[index]! * 0.8));
  });

  it('should stop a replayed stream the client aborts mid-way, as the socket path does', async () => {
    // Arrange
    const path = cassette('sse-abort');
    await withCassette(path, () => readWithHttp(`${server.origin}/sse`), { ...options, mode: 'record-all' });

    // Act
    const {
      socketPath,
      fastPath: fast,
      answered,
    } = await bothWays(() =>
      withCassette(path, () => readWithHttp(`${server.origin}/sse`, { abortAfterFirstChunk: true }), {
        ...options,
        mode: 'replay',
        replaySpeed: 'realtime',
      }),
    );

    // Assert
    expect(answered).toBe(1);
    expect(fast.error?.name).toBe('AbortError');
    expect(fast.chunks).toEqual(['event: tick\ndata: one\n\n']);
    expect({ ...fast, times: undefined }).toEqual({ ...socketPath, times: undefined });
  });

  it('should fail a node:http request the cassette does not hold with the cassette error, as the socket path does', async () => {
    // Arrange
    const path = cassette('unmatched');
    await withCassette(path, () => readWithHttp(`${server.origin}/json`), { ...options, mode: 'record-all' });
    const seen: Read[] = [];

    // Act
    const {
      socketPath,
      fastPath: fast,
      answered,
    } = await bothWays(async () => {
      // The recorded interaction left unused is reported on stderr: keep it off the console.
      const { result: failure } = await stderrOf(() =>
        failureOf(() =>
          withCassette(path, async () => void seen.push(await readWithHttp(`${server.origin}/binary`)), { ...options, mode: 'replay' }),
        ),
      );
      return { code: failure.code, message: failure.message };
    });

    // Assert
    expect(answered).toBe(1);
    expect(fast.code).toBe('CASSETTES_UNMATCHED_REQUEST');
    expect(fast).toEqual(socketPath);
    expect(seen[1]).toEqual(seen[0]);
    expect(seen[1]?.error?.code).toBe('CASSETTES_UNMATCHED_REQUEST');
  });
});
