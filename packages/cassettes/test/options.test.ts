import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { isCassettesError, readCassette, withCassette, type CassetteOptions } from '../src/index.js';
import { startLocalServer, type LocalServer } from './local-server.js';
import { stderrOf, failureOf } from './outcomes.js';

const tmpRoot = resolve(import.meta.dirname, '..', '.tmp');
mkdirSync(tmpRoot, { recursive: true });
const dir = mkdtempSync(join(tmpRoot, 'options-'));
const cassette = (name: string): string => join(dir, `${name}.json`);

let server: LocalServer;
const ALIAS = 'http://options.local.test';
const base = (): CassetteOptions => ({ aliases: { [server.origin]: ALIAS } });

const postEcho = async (body: unknown): Promise<unknown> =>
  (
    await fetch(`${server.origin}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  ).json();
const getJson = async (path: string): Promise<unknown> => (await fetch(`${server.origin}${path}`)).json();

beforeAll(async () => {
  server = await startLocalServer();
});

afterEach(() => {
  jest.restoreAllMocks();
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('normalize', () => {
  it('should store the configured response values instead of the server ones, so re-recording gives the same file', async () => {
    // Arrange
    const path = cassette('normalized');
    const options: CassetteOptions = {
      ...base(),
      mode: 'record-all',
      normalize: { responseJson: { id: 'chatcmpl-recorded', created: 0 } },
    };

    // Act
    const first = await withCassette(path, () => getJson('/random-completion'), options);
    const firstText = readFileSync(path, 'utf8');
    const second = await withCassette(path, () => getJson('/random-completion'), options);
    const secondText = readFileSync(path, 'utf8');

    // Assert
    expect(first).not.toEqual(second); // the server really changes them
    expect(secondText).toBe(firstText);
    expect(readCassette(path)!.interactions[0]!.response.body).toEqual({
      json: { id: 'chatcmpl-recorded', created: 0, choices: [{ message: { content: 'Same answer' } }] },
    });
  });

  it('should rewrite the file on re-record when nothing is normalized (the control)', async () => {
    const path = cassette('not-normalized');

    await withCassette(path, () => getJson('/random-completion'), { ...base(), mode: 'record-all' });
    const firstText = readFileSync(path, 'utf8');
    await withCassette(path, () => getJson('/random-completion'), { ...base(), mode: 'record-all' });

    expect(readFileSync(path, 'utf8')).not.toBe(firstText);
  });

  it('should normalize the JSON of every SSE data line of a recorded stream', async () => {
    const path = cassette('normalized-sse');

    await withCassette(
      path,
      async () => (await fetch(`${server.origin}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ stream: true }) })).text(),
      {
        ...base(),
        mode: 'record-all',
        normalize: { responseJson: { id: 'chatcmpl-recorded', created: 0 } },
      },
    );
    const text = readCassette(path)!
      .interactions[0]!.response.stream!.chunks.map((chunk) => chunk.text)
      .join('');

    expect(text).not.toContain('chatcmpl-local');
    expect(text).not.toContain('1700000000');
    expect(text.match(/"id":"chatcmpl-recorded","object":"chat.completion.chunk","created":0/g)).toHaveLength(5); // three deltas, the stop chunk, the usage chunk
    expect(text).toContain('data: [DONE]');
  });

  it('should refuse a misspelled normalize option with a suggestion', async () => {
    const error = await failureOf(() => withCassette(cassette('x'), () => undefined, { normalize: { responseJSON: {} } as never }));

    expect(isCassettesError(error) && error.code).toBe('CASSETTES_INVALID_OPTIONS');
    expect(error.message).toContain('- normalize.responseJSON: unknown option. Did you mean "responseJson"? Known options: responseJson.');
  });
});

describe('compressed streams', () => {
  const read = async (): Promise<string[]> => {
    const chunks: string[] = [];
    for await (const chunk of (await fetch(`${server.origin}/sse-gzip`)).body!) chunks.push(Buffer.from(chunk).toString());
    return chunks;
  };

  it('should store a gzip SSE stream decoded chunk by chunk with its encoding, and replay it compressed with the same chunks', async () => {
    // Arrange
    const path = cassette('sse-gzip');
    const recorded = await withCassette(path, read, { ...base(), mode: 'record-all' });

    // Act
    const replayed = await withCassette(path, read, { ...base(), mode: 'replay' });
    const raw = await withCassette(
      path,
      () =>
        new Promise<{ encoding: string | undefined; body: Buffer }>((done, fail) => {
          httpGet(`${server.origin}/sse-gzip`, (response) => {
            const parts: Buffer[] = [];
            response.on('data', (part: Buffer) => parts.push(part));
            response.on('end', () => done({ encoding: response.headers['content-encoding'], body: Buffer.concat(parts) }));
          }).on('error', fail);
        }),
      { ...base(), mode: 'replay' },
    );
    const stored = readCassette(path)!.interactions[0]!.response;

    // Assert
    expect(recorded).toEqual(['data: {"n":"one"}\n\n', 'data: {"n":"two"}\n\n', 'data: {"n":"three"}\n\n']);
    expect(replayed).toEqual(recorded);
    expect(stored.contentEncoding).toBe('gzip');
    expect(stored.stream!.chunks.map((chunk) => chunk.text)).toEqual(recorded);
    expect(raw.encoding).toBe('gzip');
    expect(gunzipSync(raw.body).toString()).toBe(recorded.join(''));
  });
});

describe('maxAge', () => {
  const ageCassette = (name: string): string => {
    const path = cassette(name);
    const text = readFileSync(path, 'utf8').replace(/"recordedAt": "[^"]+"/, '"recordedAt": "2020-01-01T00:00:00.000Z"');
    writeFileSync(path, text);
    return path;
  };

  beforeAll(async () => {
    await withCassette(cassette('old'), () => getJson('/json'), { ...base(), mode: 'record-all' });
    ageCassette('old');
  });

  it('should replay an expired cassette with a warning naming its age and how to re-record', async () => {
    const { result, stderr } = await stderrOf(() =>
      withCassette(cassette('old'), () => getJson('/json'), { ...base(), mode: 'replay', maxAge: '30d' }),
    );

    expect(result).toEqual({ items: [1, 2, 3], note: 'café ☕' });
    expect(stderr).toMatch(
      /\[cassettes\] Cassette .*old\.json was recorded \d+ days ago \(2020-01-01T00:00:00\.000Z\), beyond maxAge 30d\. Re-record it/,
    );
  });

  it('should fail with CASSETTES_EXPIRED when onExpired is fail', async () => {
    const error = await failureOf(() =>
      withCassette(cassette('old'), () => getJson('/json'), { ...base(), mode: 'replay', maxAge: '30d', onExpired: 'fail' }),
    );

    expect(isCassettesError(error) && error.code).toBe('CASSETTES_EXPIRED');
  });

  it('should say nothing about a cassette younger than maxAge', async () => {
    const { stderr } = await stderrOf(() =>
      withCassette(cassette('old'), () => getJson('/json'), { ...base(), mode: 'replay', maxAge: 1e13 }),
    );

    expect(stderr).not.toContain('beyond maxAge');
  });
});

describe('matching options', () => {
  const question = { question: 'How do refunds work?', locale: 'en', page: 1, tenant: 't-1', channel: 'web' };

  beforeAll(async () => {
    await withCassette(cassette('echo'), () => postEcho(question), { ...base(), mode: 'record-all' });
  });

  it('should replay the nearest recording on the same route with adaptive matching, warning with the differences', async () => {
    const { result, stderr } = await stderrOf(() =>
      withCassette(cassette('echo'), () => postEcho({ ...question, page: 2 }), {
        ...base(),
        mode: 'replay',
        match: { strategy: 'adaptive', threshold: 0.7 },
      }),
    );

    expect(result).toMatchObject({ body: JSON.stringify(question) });
    expect(stderr).toMatch(
      /\[cassettes\] Replayed POST http:\/\/options\.local\.test\/echo from the nearest recording [0-9a-f]{12} \(similarity 0\.\d\d, adaptive matching\)/,
    );
    expect(stderr).toContain('Differences: body.page: "1" → "2"');
  });

  it('should not replay a recording below the adaptive threshold', async () => {
    const error = await failureOf(() =>
      withCassette(cassette('echo'), () => postEcho({ question: 'Something else', locale: 'fr', page: 9, tenant: 't-1', channel: 'web' }), {
        ...base(),
        mode: 'replay',
        match: { strategy: 'adaptive', threshold: 0.9 },
      }),
    );

    expect(isCassettesError(error) && error.code).toBe('CASSETTES_UNMATCHED_REQUEST');
  });

  it('should fail the same request under exact matching (the default)', async () => {
    const error = await failureOf(() =>
      withCassette(cassette('echo'), () => postEcho({ ...question, page: 2 }), { ...base(), mode: 'replay' }),
    );

    expect(error.message).toContain('body.page: recorded "1", got "2"');
  });

  it('should suggest ignoring every volatile field that differs in one ignoreBodyPaths, and not the fields that stayed the same', async () => {
    // Arrange: a timestamp, an epoch and a request id change between runs; the question does not.
    const sent = (at: string, epoch: number, requestId: string): unknown => ({
      question: 'How do refunds work?',
      sentAt: at,
      meta: { epoch, requestId },
      locale: 'en',
    });
    await withCassette(cassette('volatile'), () => postEcho(sent('2026-01-02T03:04:05.000Z', 1_767_322_800_123, 'req-8f3a2c71d9')), {
      ...base(),
      mode: 'record-all',
    });

    // Act
    const error = await failureOf(() =>
      withCassette(cassette('volatile'), () => postEcho(sent('2026-03-04T05:06:07.000Z', 1_772_600_767_456, 'req-0b41e97c55')), {
        ...base(),
        mode: 'replay',
      }),
    );

    // Assert
    expect(error.message).toContain(
      '2. If body fields sentAt, meta.epoch and meta.requestId change on every run, ignore them: match: { ignoreBodyPaths: ["sentAt", "meta.epoch", "meta.requestId"] }',
    );
  });

  it('should let a custom matcher decide which recording answers', async () => {
    const matcher = jest.fn(
      (incoming: { method: string; url: string }, recorded: { method: string; url: string }) =>
        incoming.method === recorded.method && incoming.url === recorded.url,
    );

    const result = await withCassette(cassette('echo'), () => postEcho({ anything: 'else' }), {
      ...base(),
      mode: 'replay',
      match: { matcher },
    });

    expect(result).toMatchObject({ body: JSON.stringify(question) });
    expect(matcher).toHaveBeenCalledWith(
      expect.objectContaining({ url: `${ALIAS}/echo`, body: { json: { anything: 'else' } } }),
      expect.objectContaining({ url: `${ALIAS}/echo` }),
    );
  });
});

describe('repeats', () => {
  const twice = async (): Promise<unknown[]> => [await getJson('/random-completion'), await getJson('/random-completion')];

  it('should replay identical requests in recorded order, fail a third one, and repeat the last only when configured', async () => {
    // Arrange
    const path = cassette('repeats');
    const recorded = await withCassette(path, twice, { ...base(), mode: 'record-all' });

    // Act
    const replayed = await withCassette(path, twice, { ...base(), mode: 'replay' });
    const third = await failureOf(() =>
      withCassette(path, async () => [...(await twice()), await getJson('/random-completion')], { ...base(), mode: 'replay' }),
    );
    const repeated = await withCassette(path, async () => [...(await twice()), await getJson('/random-completion')], {
      ...base(),
      mode: 'replay',
      match: { repeats: true },
    });

    // Assert
    expect(recorded[0]).not.toEqual(recorded[1]);
    expect(replayed).toEqual(recorded);
    expect(third.message).toContain('identical request, but every recording of it was already used (set match.repeats to replay it again)');
    expect(repeated).toEqual([...recorded, recorded[1]]);
  });
});

describe('recordOnFailure', () => {
  const failing = async (): Promise<never> => {
    await getJson('/json');
    throw new Error('the test failed');
  };

  it('should write nothing when the recording test fails', async () => {
    const path = cassette('failed-default');

    const { result: error, stderr } = await stderrOf(() => failureOf(() => withCassette(path, failing, { ...base(), mode: 'record-all' })));

    expect(error.message).toBe('the test failed');
    expect(existsSync(path)).toBe(false);
    expect(stderr).toContain('the test failed while recording (set recordOnFailure to keep such recordings)');
  });

  it('should write what a failing test recorded with recordOnFailure', async () => {
    const path = cassette('failed-kept');

    const error = await failureOf(() => withCassette(path, failing, { ...base(), mode: 'record-all', recordOnFailure: true }));

    expect(error.message).toBe('the test failed');
    expect(readCassette(path)!.interactions.map((interaction) => interaction.request.url)).toEqual([`${ALIAS}/json`]);
  });
});

describe('unused interactions', () => {
  it('should name at most ten unused interactions and count the rest', async () => {
    // Arrange
    const path = cassette('many-unused');
    await withCassette(
      path,
      async () => {
        for (let index = 0; index < 13; index += 1) await postEcho({ index });
      },
      { ...base(), mode: 'record-all' },
    );

    // Act
    const { stderr } = await stderrOf(() => withCassette(path, () => postEcho({ index: 0 }), { ...base(), mode: 'replay' }));

    // Assert
    expect(stderr).toContain('12 recorded interaction(s)');
    expect(stderr.match(/POST http:\/\/options\.local\.test\/echo/g)).toHaveLength(10);
    expect(stderr).toContain('and 2 more (npx proving-ground-cassettes lint --usage lists them all)');
  });
});
