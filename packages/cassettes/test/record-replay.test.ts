import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { join, resolve } from 'node:path';
import axios from 'axios';
import OpenAI from 'openai';
import { request as undiciRequest, fetch as undiciFetch } from 'undici';
import { readCassette, withCassette, type CassetteOptions } from '../src/index.js';
import { startLocalServer, type LocalServer } from './local-server.js';

const tmpRoot = resolve(import.meta.dirname, '..', '.tmp');
mkdirSync(tmpRoot, { recursive: true });
const dir = mkdtempSync(join(tmpRoot, 'record-replay-'));
const cassette = (name: string): string => join(dir, `${name}.json`);
const ALIAS: CassetteOptions['aliases'] = {};

function httpText(url: string): Promise<{ status: number; body: Buffer; headers: Record<string, unknown> }> {
  return new Promise((done, fail) => {
    httpGet(url, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => done({ status: response.statusCode ?? 0, body: Buffer.concat(chunks), headers: response.headers }));
      response.on('error', fail);
    }).on('error', fail);
  });
}

async function chunksOf(body: ReadableStream<Uint8Array>): Promise<{ chunks: string[]; times: number[] }> {
  const chunks: string[] = [];
  const times: number[] = [];
  const started = performance.now();
  for await (const chunk of body) {
    chunks.push(Buffer.from(chunk).toString('utf8'));
    times.push(performance.now() - started);
  }
  return { chunks, times };
}

/** Each client: what it got from the live server, and what it gets from the cassette once the server is gone. */
const clients: Record<string, (origin: string) => Promise<unknown>> = {
  'global fetch': async (origin) => {
    const response = await fetch(`${origin}/json?b=2&a=1`);
    return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
  },
  'node:http': async (origin) => {
    const response = await httpText(`${origin}/binary`);
    return { status: response.status, body: response.body.toString('hex') };
  },
  'undici.request': async (origin) => {
    const response = await undiciRequest(`${origin}/echo`, {
      method: 'POST',
      body: JSON.stringify({ b: 1, a: [2] }),
      headers: { 'content-type': 'application/json' },
    });
    return { status: response.statusCode, body: await response.body.text() };
  },
  'undici.fetch': async (origin) => {
    const response = await undiciFetch(`${origin}/gzip`);
    return { status: response.status, body: await response.json() };
  },
  axios: async (origin) => {
    const deflated = await axios.get<string>(`${origin}/deflate`, { responseType: 'text' });
    const brotli = await axios.get<string>(`${origin}/br`, { responseType: 'text' });
    return [deflated.status, deflated.data, brotli.data];
  },
};

describe('record then replay with real clients', () => {
  let server: LocalServer;
  const live: Record<string, unknown> = {};

  beforeAll(async () => {
    server = await startLocalServer();
    ALIAS[server.origin] = 'http://api.local.test';
    for (const [name, call] of Object.entries(clients)) {
      live[name] = await withCassette(cassette(name.replace(/\W+/g, '-')), () => call(server.origin), {
        mode: 'record-all',
        aliases: ALIAS,
      });
    }
    await server.close();
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(Object.keys(clients))('should replay %s byte for byte with the server stopped', async (name) => {
    // Act: the server is closed, so only the cassette can answer.
    const replayed = await withCassette(cassette(name.replace(/\W+/g, '-')), () => clients[name]!(server.origin), {
      mode: 'replay',
      aliases: ALIAS,
    });

    // Assert
    expect(replayed).toEqual(live[name]);
  });

  it('should store JSON as JSON, binary as base64 and compressed bodies decoded with their encoding', () => {
    const json = readCassette(cassette('global-fetch'))!.interactions[0]!;
    const binary = readCassette(cassette('node-http'))!.interactions[0]!;
    const gzip = readCassette(cassette('undici-fetch'))!.interactions[0]!;
    const axiosCassette = readCassette(cassette('axios'))!;

    expect(json.request.url).toBe('http://api.local.test/json?b=2&a=1');
    expect(json.response.body).toEqual({ json: { items: [1, 2, 3], note: 'café ☕' } });
    expect(json.response.headers).not.toHaveProperty('x-request-id');
    expect(binary.response.body).toEqual({ base64: Buffer.from([0, 1, 2, 253, 254, 255]).toString('base64') });
    expect(gzip.response).toMatchObject({ contentEncoding: 'gzip', body: { json: { compressed: 'gzip' } } });
    expect(axiosCassette.interactions.map((interaction) => [interaction.response.contentEncoding, interaction.response.body])).toEqual([
      ['deflate', { text: 'deflated text' }],
      ['br', { text: 'brotli text' }],
    ]);
  });

  it('should write canonical JSON (sorted keys, final newline) with a version and a recording date', () => {
    const text = readFileSync(cassette('global-fetch'), 'utf8');
    const parsed = JSON.parse(text) as Record<string, unknown>;

    expect(Object.keys(parsed)).toEqual(['interactions', 'recordedAt', 'recordedWith', 'test', 'version']);
    expect(parsed['version']).toBe(2);
    // Relative to the cassette's folder (.tmp/record-replay-*/), so it resolves from any working folder.
    expect(parsed['test']).toMatchObject({ file: '../../test/record-replay.test.ts' });
    expect(text.endsWith('}\n')).toBe(true);
  });
});

describe('streams', () => {
  let server: LocalServer;
  const options = (): CassetteOptions => ({ aliases: { [server.origin]: 'http://stream.local.test' } });

  beforeAll(async () => {
    server = await startLocalServer();
  });

  afterAll(() => server.close());

  it('should record SSE chunk by chunk while the client reads it, and replay the same chunks', async () => {
    // Arrange
    const path = cassette('sse');
    const recorded = await withCassette(path, async () => chunksOf((await fetch(`${server.origin}/sse`)).body!), {
      ...options(),
      mode: 'record-all',
    });

    // Act
    const replayed = await withCassette(path, async () => chunksOf((await fetch(`${server.origin}/sse`)).body!), {
      ...options(),
      mode: 'replay',
    });
    const stored = readCassette(path)!.interactions[0]!.response.stream!;

    // Assert
    expect(recorded.chunks).toEqual(['event: tick\ndata: one\n\n', 'event: tick\ndata: two\n\n', 'event: tick\ndata: three\n\n']);
    expect(replayed.chunks).toEqual(recorded.chunks);
    expect(stored.kind).toBe('sse');
    expect(stored.end).toEqual({ kind: 'complete' });
    expect(stored.chunks[2]!.atMs).toBeGreaterThanOrEqual(60);
    // The client got three separate chunks in order (a loaded machine may delay them, never merge or reorder them).
    expect(recorded.times[0]).toBeLessThanOrEqual(recorded.times[1]!);
    expect(recorded.times[1]).toBeLessThanOrEqual(recorded.times[2]!);
  });

  it('should replay NDJSON in real time when asked, keeping the recorded gaps', async () => {
    const path = cassette('ndjson');
    await withCassette(path, async () => chunksOf((await fetch(`${server.origin}/ndjson`)).body!), { ...options(), mode: 'record-all' });

    const instant = await withCassette(path, async () => chunksOf((await fetch(`${server.origin}/ndjson`)).body!), {
      ...options(),
      mode: 'replay',
    });
    const realtime = await withCassette(path, async () => chunksOf((await fetch(`${server.origin}/ndjson`)).body!), {
      ...options(),
      mode: 'replay',
      replaySpeed: 'realtime',
    });

    expect(instant.chunks).toEqual(['{"n":1}\n', '{"n":2}\n']);
    expect(realtime.chunks).toEqual(instant.chunks);
    expect(realtime.times[1]! - realtime.times[0]!).toBeGreaterThanOrEqual(20);
    expect(readCassette(path)!.interactions[0]!.response.stream!.kind).toBe('ndjson');
  });

  it('should replay a stream that broke off mid-way with the same chunks, then the same failure', async () => {
    const path = cassette('broken');
    const read = async (): Promise<{ chunks: string[]; error: string }> => {
      const response = await fetch(`${server.origin}/broken`);
      const chunks: string[] = [];
      try {
        for await (const chunk of response.body!) chunks.push(Buffer.from(chunk).toString());
        return { chunks, error: 'none' };
      } catch {
        return { chunks, error: 'stream failed' };
      }
    };
    const recorded = await withCassette(path, read, { ...options(), mode: 'record-all' });

    const replayed = await withCassette(path, read, { ...options(), mode: 'replay' });

    expect(recorded).toEqual({ chunks: ['data: first\n\n'], error: 'stream failed' });
    expect(replayed).toEqual(recorded);
    // The server closed the connection mid-body: the kind of ending is stored, not an error text.
    expect(readCassette(path)!.interactions[0]!.response.stream!.end).toEqual({ kind: 'closed' });
  });

  it('should record a stream the client aborted as aborted, and replay it open until the client aborts again', async () => {
    const path = cassette('aborted');
    const readFirstThenAbort = async (): Promise<string> => {
      const client = new AbortController();
      const response = await fetch(`${server.origin}/sse`, { signal: client.signal });
      const reader = response.body!.getReader();
      const first = Buffer.from((await reader.read()).value).toString();
      client.abort();
      await reader.closed.catch(() => undefined);
      return first;
    };
    const recorded = await withCassette(path, readFirstThenAbort, { ...options(), mode: 'record-all' });

    const replayed = await withCassette(path, readFirstThenAbort, { ...options(), mode: 'replay' });
    const stream = readCassette(path)!.interactions[0]!.response.stream!;

    expect(replayed).toBe(recorded);
    expect(stream.end).toEqual({ kind: 'aborted' });
    expect(stream.chunks).toHaveLength(1);
  });

  it('should record the openai SDK streaming a chat completion and replay it chunk for chunk, usage included', async () => {
    // Arrange
    const path = cassette('openai');
    const ask = async (): Promise<{ deltas: string[]; usage: unknown }> => {
      const client = new OpenAI({ baseURL: `${server.origin}/v1`, apiKey: 'sk-test-0123456789abcdefghijklmnop', maxRetries: 0 });
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'How do refunds work?' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      const deltas: string[] = [];
      let usage: unknown;
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) deltas.push(chunk.choices[0].delta.content);
        if (chunk.usage) usage = chunk.usage;
      }
      return { deltas, usage };
    };
    const recorded = await withCassette(path, ask, { ...options(), mode: 'record-all' });

    // Act
    const replayed = await withCassette(path, ask, { ...options(), mode: 'replay' });
    const text = readFileSync(path, 'utf8');
    const interaction = readCassette(path)!.interactions[0]!;

    // Assert
    expect(recorded.deltas).toEqual(['Refunds ', 'take ', '5 days.']);
    expect(replayed).toEqual(recorded);
    expect(interaction.usage).toEqual({ model: 'gpt-4o-mini-2024-07-18', inputTokens: 20, outputTokens: 5 });
    expect(interaction.request.headers['authorization']).toMatch(/^Bearer \[redacted:[0-9a-f]{8}\]$/);
    expect(text).not.toContain('sk-test-0123456789abcdefghijklmnop');
  });
});
