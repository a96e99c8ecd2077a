import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { request as undiciRequest } from 'undici';
import { isCassettesError, readCassette, withCassette, type CassetteOptions, type ReplaySpeed } from '../src/index.js';
import { sleep, startScriptedServer, type ScriptedServer } from './fixtures/scripted-server.js';

// Timing assertions here are lower bounds only (a loaded machine makes things slower, never faster),
// except where a recording is stretched so far that "much faster than recorded" cannot flake.

const tmpRoot = resolve(import.meta.dirname, '..', '.tmp');
mkdirSync(tmpRoot, { recursive: true });
const dir = mkdtempSync(join(tmpRoot, 'replay-speed-'));
const cassette = (name: string): string => join(dir, `${name}.json`);

const ALIAS = 'http://speed.local.test';
const GAP_MS = 120;
const EVENTS = ['Parcels ', 'arrive ', 'in ', '3 days.'];
const LINES = [{ n: 1 }, { n: 2 }, { n: 3 }];

/** Chunks as the client read them, each with the time it arrived (ms after the response head). */
interface Reading {
  chunks: string[];
  times: number[];
}

async function readChunks(body: AsyncIterable<Uint8Array>): Promise<Reading> {
  const chunks: string[] = [];
  const times: number[] = [];
  const started = performance.now();
  for await (const chunk of body) {
    chunks.push(Buffer.from(chunk).toString('utf8'));
    times.push(performance.now() - started);
  }
  return { chunks, times };
}

const gapsOf = (times: readonly number[]): number[] => times.slice(1).map((time, index) => time - times[index]!);
const spanOf = (times: readonly number[]): number => times.at(-1)! - times[0]!;

/** The recorded offsets (atMs) of a cassette's first stream. */
const recordedTimes = (path: string): number[] => readCassette(path)!.interactions[0]!.response.stream!.chunks.map((chunk) => chunk.atMs);

/** A copy of a cassette whose recorded gaps are `factor` times longer (a very slow upstream). */
function stretched(path: string, factor: number): string {
  const copy = path.replace(/\.json$/, `-x${factor}.json`);
  copyFileSync(path, copy);
  const text = readFileSync(copy, 'utf8').replace(/"atMs": (\d+)/g, (_match, atMs: string) => `"atMs": ${Number(atMs) * factor}`);
  writeFileSync(copy, text);
  return copy;
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('replay speed of a recorded SSE stream', () => {
  let server: ScriptedServer;
  const path = cassette('sse');
  let options: CassetteOptions;
  let recorded: Reading;

  const sseChunk = (text: string): string => `data: ${JSON.stringify({ choices: [{ delta: { content: text } }] })}\n\n`;
  const readStream = async (): Promise<Reading> =>
    readChunks(
      (
        await fetch(`${server.origin}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
          body: JSON.stringify({
            model: 'gpt-4o-mini',
            stream: true,
            messages: [{ role: 'user', content: 'When will my parcel arrive?' }],
          }),
        })
      ).body!,
    );
  const replay = (speed: ReplaySpeed | undefined, at: string = path): Promise<Reading> =>
    withCassette(at, readStream, { ...options, mode: 'replay', ...(speed === undefined ? {} : { replaySpeed: speed }) });

  beforeAll(async () => {
    server = await startScriptedServer(async ({ response }) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const [index, text] of EVENTS.entries()) {
        if (index > 0) await sleep(GAP_MS);
        response.write(sseChunk(text));
      }
      response.end();
    });
    options = { aliases: { [server.origin]: ALIAS } };
    recorded = await withCassette(path, readStream, { ...options, mode: 'record-all' });
    // Every replay below runs with nothing listening: only the cassette can answer.
    await server.close();
  });

  it('should have recorded the stream chunk by chunk with its gaps (the reference for the replays)', () => {
    const times = recordedTimes(path);

    expect(recorded.chunks).toEqual(EVENTS.map(sseChunk));
    expect(times).toHaveLength(EVENTS.length);
    for (const gap of gapsOf(times)) expect(gap).toBeGreaterThanOrEqual(GAP_MS * 0.8);
  });

  it('should replay instantly by default, whatever the recorded gaps, keeping the chunk boundaries', async () => {
    // Arrange: the same stream as if the upstream had paused 2 minutes between chunks.
    const slow = stretched(path, 1000);
    const recordedSpan = spanOf(recordedTimes(slow));

    // Act
    const byDefault = await replay(undefined, slow);
    const instant = await replay('instant', slow);

    // Assert
    expect(recordedSpan).toBeGreaterThanOrEqual(3 * GAP_MS * 0.8 * 1000);
    expect(byDefault.chunks).toEqual(recorded.chunks);
    expect(instant.chunks).toEqual(recorded.chunks);
    // Paced replay would take 6 minutes; half of that is far beyond any loaded machine's scheduling delay.
    expect(spanOf(byDefault.times)).toBeLessThan(recordedSpan / 2);
    expect(spanOf(instant.times)).toBeLessThan(recordedSpan / 2);
  });

  it('should replay in real time, in order, keeping every recorded gap', async () => {
    const times = recordedTimes(path);

    const realtime = await replay('realtime');

    expect(realtime.chunks).toEqual(recorded.chunks);
    expect(spanOf(realtime.times)).toBeGreaterThanOrEqual(spanOf(times) * 0.8);
    gapsOf(realtime.times).forEach((gap, index) => expect(gap).toBeGreaterThanOrEqual(gapsOf(times)[index]! * 0.8));
  });

  it('should replay at twice the speed in at least half the recorded span, chunks unchanged', async () => {
    const times = recordedTimes(path);

    const doubled = await replay(2);

    expect(doubled.chunks).toEqual(recorded.chunks);
    expect(spanOf(doubled.times)).toBeGreaterThanOrEqual((spanOf(times) / 2) * 0.8);
    gapsOf(doubled.times).forEach((gap, index) => expect(gap).toBeGreaterThanOrEqual((gapsOf(times)[index]! / 2) * 0.8));
  });

  it('should replay at half the speed (factor 0.5) in at least twice the recorded span', async () => {
    const times = recordedTimes(path);

    const halved = await replay(0.5);

    expect(halved.chunks).toEqual(recorded.chunks);
    expect(spanOf(halved.times)).toBeGreaterThanOrEqual(spanOf(times) * 2 * 0.8);
  });

  it('should divide the recorded gaps by the factor: a stream recorded over minutes replays in seconds at factor 1000', async () => {
    const slow = stretched(path, 1000);
    const recordedSpan = spanOf(recordedTimes(slow));

    const fast = await replay(1000, slow);

    expect(fast.chunks).toEqual(recorded.chunks);
    expect(spanOf(fast.times)).toBeGreaterThanOrEqual((recordedSpan / 1000) * 0.8);
    // Unscaled, the replay would take 6 minutes: half of that cannot be reached by a slow machine, only by ignoring the factor.
    expect(spanOf(fast.times)).toBeLessThan(recordedSpan / 2);
  });
});

describe('replay speed of a recorded NDJSON stream read with undici.request', () => {
  let server: ScriptedServer;
  const path = cassette('ndjson');
  let options: CassetteOptions;

  const readLines = async (): Promise<Reading> => readChunks((await undiciRequest(`${server.origin}/export.ndjson?since=2024-01-01`)).body);

  beforeAll(async () => {
    server = await startScriptedServer(async ({ response }) => {
      response.writeHead(200, { 'content-type': 'application/x-ndjson' });
      for (const [index, line] of LINES.entries()) {
        if (index > 0) await sleep(GAP_MS);
        response.write(`${JSON.stringify(line)}\n`);
      }
      response.end();
    });
    options = { aliases: { [server.origin]: ALIAS } };
    await withCassette(path, readLines, { ...options, mode: 'record-all' });
    await server.close();
  });

  it('should replay each line as its own chunk at the recorded pace in real time', async () => {
    const times = recordedTimes(path);

    const realtime = await withCassette(path, readLines, { ...options, mode: 'replay', replaySpeed: 'realtime' });

    expect(realtime.chunks).toEqual(LINES.map((line) => `${JSON.stringify(line)}\n`));
    expect(readCassette(path)!.interactions[0]!.response.stream!.kind).toBe('ndjson');
    expect(spanOf(realtime.times)).toBeGreaterThanOrEqual(spanOf(times) * 0.8);
  });
});

describe('replaySpeed option', () => {
  it.each([0, -2, 'real-time', 'fast'])('should refuse replaySpeed %p, naming the option and what it accepts', async (value) => {
    let error: unknown;
    try {
      await withCassette(cassette('never'), () => undefined, { mode: 'replay', replaySpeed: value as ReplaySpeed });
    } catch (caught) {
      error = caught;
    }

    expect(isCassettesError(error) && error.code).toBe('CASSETTES_INVALID_OPTIONS');
    expect((error as Error).message).toContain('- replaySpeed: expected "instant", "realtime" or a number above 0, got ');
  });
  it('should suggest "realtime" for the near miss "real-time"', async () => {
    let error: unknown;
    try {
      await withCassette(cassette('never'), () => undefined, { mode: 'replay', replaySpeed: 'real-time' as ReplaySpeed });
    } catch (caught) {
      error = caught;
    }

    expect((error as Error).message).toContain(
      '- replaySpeed: expected "instant", "realtime" or a number above 0, got "real-time" (did you mean "realtime"?).',
    );
  });
});
