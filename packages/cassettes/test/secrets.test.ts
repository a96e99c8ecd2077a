import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isCassettesError, readCassette, withCassette, type CassetteOptions } from '../src/index.js';
import { sleep, startScriptedServer, type ScriptedServer } from './fixtures/scripted-server.js';
import { createJestProject, type JestProject } from './jest-project.js';
import { failureOf } from './outcomes.js';

const tmpRoot = resolve(import.meta.dirname, '..', '.tmp');
mkdirSync(tmpRoot, { recursive: true });
const dir = mkdtempSync(join(tmpRoot, 'secrets-'));
const cassette = (name: string): string => join(dir, `${name}.json`);

/** A variable the user lists in `redact.secretEnv`: its name matches none of the built-in name patterns. */
const LISTED_ENV = 'PG_CASSETTES_UPSTREAM_AUTH';
const LISTED_VALUE = 'upstream-live-credential-7f3a9c21';

const SECRETS = {
  listedEnvValue: LISTED_VALUE,
  xApiKey: 'xak-live-5d2e8b7c9a1f',
  apiKeyQuery: 'qk_live_93b1c7e2d4aa',
  password: 'correct-horse-battery-staple',
  openAiKey: 'sk-proj-A1b2C3d4E5f6G7h8I9j0K1l2M3n4',
  awsAccessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  githubToken: 'ghp_0123456789abcdefghijklmnopqrstuvwxyz',
  slackToken: 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
  jwt: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
};

/** Every form in which a value could sit in a file: raw, URL-encoded, base64 (and base64url). */
const formsOf = (value: string): string[] => [
  value,
  encodeURIComponent(value),
  Buffer.from(value).toString('base64'),
  Buffer.from(value).toString('base64url'),
];

function withEnv(values: Record<string, string | undefined>): () => void {
  const previous = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  return () => {
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/** A server that echoes each request (URL, headers, body) back as JSON, as many APIs do in errors and debug output. */
const startEchoServer = (): Promise<ScriptedServer> =>
  startScriptedServer(({ request, body, response }) => {
    response.setHeader('content-type', 'application/json');
    response.setHeader('x-echo-api-key', String(request.headers['x-api-key'] ?? ''));
    response.end(JSON.stringify({ url: request.url, headers: request.headers, body: body.toString('utf8') }));
  });

afterAll(() => rmSync(dir, { recursive: true, force: true }));

afterEach(() => {
  jest.restoreAllMocks();
});

describe('secrets in a recorded cassette', () => {
  let server: ScriptedServer;
  let restoreEnv: () => void;
  const path = cassette('all-secrets');
  const options = (): CassetteOptions => ({
    aliases: { [server.origin]: 'http://secrets.local.test' },
    redact: { secretEnv: [LISTED_ENV] },
  });

  const callWithSecrets = async (origin: string, auth: string): Promise<unknown[]> => {
    const json = await fetch(`${origin}/v1/accounts?api_key=${SECRETS.apiKeyQuery}&page=2`, {
      method: 'POST',
      headers: { authorization: `Bearer ${auth}`, 'x-api-key': SECRETS.xApiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'ada', password: SECRETS.password, note: `forwarded with ${auth}` }),
    });
    const text = await fetch(`${origin}/v1/notes`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: [
        `openai=${SECRETS.openAiKey}`,
        `aws=${SECRETS.awsAccessKeyId}`,
        `github=${SECRETS.githubToken}`,
        `slack=${SECRETS.slackToken}`,
        `session=${SECRETS.jwt}`,
      ].join('\n'),
    });
    return [json.status, await json.json(), text.status, await text.json()];
  };

  beforeAll(async () => {
    restoreEnv = withEnv({ [LISTED_ENV]: LISTED_VALUE });
    server = await startEchoServer();
    await withCassette(path, () => callWithSecrets(server.origin, LISTED_VALUE), { ...options(), mode: 'record-all' });
  });

  afterAll(async () => {
    restoreEnv();
    await server.close();
  });

  it.each(Object.entries(SECRETS))('should keep %s off disk in every form (raw, URL-encoded, base64)', (_kind, value) => {
    const text = readFileSync(path, 'utf8');

    for (const form of formsOf(value)) expect(text).not.toContain(form);
  });

  it('should leave placeholders where the secrets were, in requests and in the echoed responses', () => {
    const [json, notes] = readCassette(path)!.interactions;

    expect(json!.request.url).toMatch(/^http:\/\/secrets\.local\.test\/v1\/accounts\?api_key=\[redacted:[0-9a-f]{8}\]&page=2$/);
    expect(json!.request.headers).toMatchObject({
      authorization: `Bearer [redacted:env:${LISTED_ENV}]`,
      'x-api-key': expect.stringMatching(/^\[redacted:[0-9a-f]{8}\]$/),
    });
    expect(json!.request.body).toEqual({
      json: {
        user: 'ada',
        password: expect.stringMatching(/^\[redacted:[0-9a-f]{8}\]$/),
        note: `forwarded with [redacted:env:${LISTED_ENV}]`,
      },
    });
    expect(json!.response.headers['x-echo-api-key']).toBe(json!.request.headers['x-api-key']);
    expect(notes!.request.body).toEqual({
      text: expect.stringMatching(
        /^openai=\[redacted:[0-9a-f]{8}\]\naws=\[redacted:[0-9a-f]{8}\]\ngithub=\[redacted:[0-9a-f]{8}\]\nslack=\[redacted:[0-9a-f]{8}\]\nsession=\[redacted:[0-9a-f]{8}\]$/,
      ),
    });
  });

  it('should replay the redacted recording with the server stopped, whatever value the listed variable has on the replaying machine', async () => {
    // Arrange: CI holds another value of the listed variable than the machine that recorded.
    const stopped = await startEchoServer();
    await stopped.close();
    const restore = withEnv({ [LISTED_ENV]: 'ci-placeholder-credential-000000' });

    // Act
    let replayed: unknown[];
    try {
      replayed = await withCassette(path, () => callWithSecrets(stopped.origin, 'ci-placeholder-credential-000000'), {
        ...options(),
        aliases: { [stopped.origin]: 'http://secrets.local.test' },
        mode: 'replay',
      });
    } finally {
      restore();
    }

    // Assert
    expect(replayed[0]).toBe(200);
    expect(replayed[1]).toMatchObject({ url: expect.stringMatching(/^\/v1\/accounts\?api_key=\[redacted:[0-9a-f]{8}\]&page=2$/) });
    expect(replayed[2]).toBe(200);
    expect(JSON.stringify(replayed)).not.toContain(SECRETS.githubToken);
  });
});

describe('a good key and a bad key', () => {
  const GOOD = 'good-key-3c5e7a9b1d2f4a6c';
  const BAD = 'bad-key-0000aaaa1111bbbb';
  const GOOD_ENV = 'PG_CASSETTES_GOOD_UPSTREAM';
  let server: ScriptedServer;

  type Placement =
    'authorization header' | 'x-api-key header' | 'api_key query parameter' | 'authorization header with the good key in a listed variable';
  const placements: Placement[] = [
    'authorization header',
    'x-api-key header',
    'api_key query parameter',
    'authorization header with the good key in a listed variable',
  ];

  const call = async (origin: string, placement: Placement, key: string): Promise<{ status: number; body: unknown }> => {
    const query = placement === 'api_key query parameter' ? `?api_key=${key}` : '';
    const headers: Record<string, string> =
      placement === 'x-api-key header'
        ? { 'x-api-key': key }
        : placement === 'api_key query parameter'
          ? {}
          : { authorization: `Bearer ${key}` };
    const response = await fetch(`${origin}/v1/me${query}`, { headers });
    return { status: response.status, body: await response.json() };
  };

  beforeAll(async () => {
    server = await startScriptedServer(({ request, response }) => {
      const url = new URL(request.url ?? '/', 'http://x');
      const key = url.searchParams.get('api_key') ?? request.headers['x-api-key'] ?? request.headers.authorization?.replace(/^Bearer /, '');
      response.setHeader('content-type', 'application/json');
      if (key === GOOD) response.end(JSON.stringify({ user: 'ada', plan: 'pro' }));
      else {
        response.statusCode = 401;
        response.end(JSON.stringify({ error: { type: 'invalid_api_key', message: 'Incorrect API key provided.' } }));
      }
    });
  });

  afterAll(() => server.close());

  it.each(placements)(
    'should replay the 401 to the bad key and the 200 to the good key, never crossed, with neither key on disk (%s)',
    async (placement) => {
      // Arrange: record the good key then the bad key, on the same route.
      const path = cassette(`keys-${placement.replace(/\W+/g, '-')}`);
      const envRestore = withEnv({ [GOOD_ENV]: placement.endsWith('listed variable') ? GOOD : undefined });
      const options: CassetteOptions = { aliases: { [server.origin]: 'http://keys.local.test' }, redact: { secretEnv: [GOOD_ENV] } };
      try {
        const recorded = await withCassette(
          path,
          async () => [await call(server.origin, placement, GOOD), await call(server.origin, placement, BAD)],
          {
            ...options,
            mode: 'record-all',
          },
        );
        const stopped = await startScriptedServer(() => undefined);
        await stopped.close();

        // Act: the bad key first, so a replay that ignored the key would hand it the good key's 200.
        const replayed = await withCassette(
          path,
          async () => [await call(stopped.origin, placement, BAD), await call(stopped.origin, placement, GOOD)],
          {
            ...options,
            aliases: { [stopped.origin]: 'http://keys.local.test' },
            mode: 'replay',
          },
        );
        const text = readFileSync(path, 'utf8');

        // Assert
        expect(recorded.map((result) => result.status)).toEqual([200, 401]);
        expect(replayed).toEqual([recorded[1], recorded[0]]);
        for (const form of [...formsOf(GOOD), ...formsOf(BAD)]) expect(text).not.toContain(form);
      } finally {
        envRestore();
      }
    },
  );

  it('should fail a third, unrecorded key in replay instead of answering it with another key recording, without printing the key', async () => {
    const path = cassette('keys-third');
    const options: CassetteOptions = { aliases: { [server.origin]: 'http://keys.local.test' } };
    await withCassette(
      path,
      async () => [await call(server.origin, 'x-api-key header', GOOD), await call(server.origin, 'x-api-key header', BAD)],
      {
        ...options,
        mode: 'record-all',
      },
    );
    const third = 'third-key-9999cccc8888dddd';
    let stderr = '';
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });

    const error = await failureOf(() =>
      withCassette(path, () => call(server.origin, 'x-api-key header', third), { ...options, mode: 'replay' }),
    );

    expect(isCassettesError(error) && error.code).toBe('CASSETTES_UNMATCHED_REQUEST');
    expect(error.message).toMatch(/headers\.x-api-key: recorded "\[redacted:[0-9a-f]{8}\]", got "\[redacted:[0-9a-f]{8}\]"/);
    expect(stderr).toContain('2 recorded interaction(s)'); // the unused good-key and bad-key recordings
    for (const form of [...formsOf(third), ...formsOf(GOOD), ...formsOf(BAD)]) expect(`${error.message}\n${stderr}`).not.toContain(form);
  });
});

describe('the post-write verification scan', () => {
  const LEAK_ENV = 'PG_CASSETTES_LEAK_PROBE';
  // 24 bytes: its base64 has no padding, so it appears as is inside the base64 of a longer body.
  const LEAK_VALUE = 'leak-probe-cred-4b7d9f1e';
  let server: ScriptedServer;
  let restoreEnv: () => void;
  const options = (): CassetteOptions => ({ aliases: { [server.origin]: 'http://scan.local.test' }, redact: { secretEnv: [LEAK_ENV] } });
  const download = async (path: string): Promise<number> => (await (await fetch(`${server.origin}${path}`)).arrayBuffer()).byteLength;

  beforeAll(async () => {
    restoreEnv = withEnv({ [LEAK_ENV]: LEAK_VALUE });
    server = await startScriptedServer(({ request, response }) => {
      response.setHeader('content-type', 'application/octet-stream');
      // A binary body (not UTF-8) is stored as base64, where text redaction cannot see the value.
      if (request.url === '/export.bin') response.end(Buffer.concat([Buffer.from(LEAK_VALUE), Buffer.from([0xff, 0xfe, 0x00, 0x01])]));
      else response.end(Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x02, 0x03]));
    });
  });

  afterAll(async () => {
    restoreEnv();
    await server.close();
  });

  const tmpFilesIn = (folder: string): string[] => readdirSync(folder).filter((file) => file.endsWith('.tmp'));

  it('should refuse a cassette where a listed variable value survives in a binary body, writing nothing and naming the kind and line, not the value', async () => {
    // Arrange
    const folder = mkdtempSync(join(dir, 'scan-new-'));
    const path = join(folder, 'export.json');

    // Act
    const error = await failureOf(() => withCassette(path, () => download('/export.bin'), { ...options(), mode: 'record-all' }));

    // Assert
    expect(isCassettesError(error) && error.code).toBe('CASSETTES_SECRET_LEAK');
    expect(error.message).toMatch(
      /^\[cassettes\] Failed to write cassette .*export\.json: the verification scan found secrets that redaction missed: a value of \$PG_CASSETTES_LEAK_PROBE \(line \d+\)\. Nothing was written\./,
    );
    for (const form of formsOf(LEAK_VALUE)) expect(error.message).not.toContain(form);
    expect(existsSync(path)).toBe(false);
    expect(tmpFilesIn(folder)).toEqual([]);
  });

  it('should keep the previous cassette byte for byte when a re-recording is refused', async () => {
    // Arrange: a clean cassette, then the same test starts downloading the leaking export.
    const folder = mkdtempSync(join(dir, 'scan-old-'));
    const path = join(folder, 'export.json');
    await withCassette(path, () => download('/clean.bin'), { ...options(), mode: 'record-all' });
    const before = readFileSync(path, 'utf8');

    // Act
    const error = await failureOf(() =>
      withCassette(
        path,
        async () => {
          await download('/clean.bin');
          return download('/export.bin');
        },
        { ...options(), mode: 'record-all' },
      ),
    );

    // Assert
    expect(isCassettesError(error) && error.code).toBe('CASSETTES_SECRET_LEAK');
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(tmpFilesIn(folder)).toEqual([]);
  });
});

describe('the post-write verification scan in a real Jest run', () => {
  let project: JestProject;
  const LEAK_ENV = 'PG_CASSETTES_JEST_LEAK';
  const LEAK_VALUE = 'jest-leak-credential-5a1'; // 24 bytes, see above

  beforeAll(() => {
    project = createJestProject({
      'jest.config.js': `module.exports = { setupFiles: ['@proving-ground/test-modes/setup'], testEnvironment: 'node' };`,
      'export.test.js': `
const http = require('node:http');
const { live } = require('@proving-ground/test-modes');
const { setupCassettes } = require('@proving-ground/cassettes');

setupCassettes({ redact: { secretEnv: ['${LEAK_ENV}'] } });

let server;
let origin;
beforeAll(async () => {
  server = http.createServer((request, response) => {
    response.setHeader('content-type', 'application/octet-stream');
    response.end(Buffer.concat([Buffer.from(process.env.${LEAK_ENV}), Buffer.from([0xff, 0xfe, 0x00])]));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = 'http://127.0.0.1:' + server.address().port;
});
afterAll(() => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }));

live.test('should download the export', async () => {
  const body = Buffer.from(await (await fetch(origin + '/export.bin')).arrayBuffer());
  expect(body.length).toBeGreaterThan(3);
});
`,
    });
  });

  afterAll(() => project?.remove());

  it('should fail the recording test with the kind of secret and its line, write no cassette, and never print the value', async () => {
    const run = await project.run({ env: { TEST_MODE: 'live_smoke', TEST_RECORD: 'missing', [LEAK_ENV]: LEAK_VALUE } });

    const test = run.tests.find((outcome) => outcome.title === 'should download the export');
    const failure = test?.failureMessages.join('\n') ?? '';
    const cassettes = join(project.dir, '__cassettes__', 'export.test.js');
    expect(test?.status).toBe('failed');
    expect(failure).toContain(
      'CassettesError: [cassettes] Failed to write cassette __cassettes__/export.test.js/should-download-the-export-',
    );
    expect(failure).toMatch(
      /the verification scan found secrets that redaction missed: a value of \$PG_CASSETTES_JEST_LEAK \(line \d+\)\. Nothing was written\./,
    );
    for (const form of formsOf(LEAK_VALUE)) expect(`${failure}\n${run.stdout}\n${run.stderr}`).not.toContain(form);
    expect(existsSync(cassettes) ? readdirSync(cassettes) : []).toEqual([]);
  });
});

describe('secrets the first redaction missed', () => {
  const ENV = 'PG_CASSETTES_UPSTREAM_AUTH_2';
  const VALUE = 'upstream-live-credential-7f3a9c21';
  const QUERY_KEY = 'ab/cd+1234567=';
  let server: ScriptedServer;
  let restoreEnv: () => void;
  const options = (): CassetteOptions => ({ aliases: { [server.origin]: 'http://missed.local.test' }, redact: { secretEnv: [ENV] } });

  beforeAll(async () => {
    restoreEnv = withEnv({ [ENV]: VALUE });
    server = await startScriptedServer(async ({ request, body, response }) => {
      if (request.url === '/unaligned.bin') {
        response.setHeader('content-type', 'application/octet-stream');
        response.end(Buffer.concat([Buffer.from([0xff]), Buffer.from(VALUE), Buffer.from([0xfe])]));
      } else if (request.url === '/split-stream') {
        response.setHeader('content-type', 'text/event-stream');
        response.write('data: {"text":"key is upstream-live-cre');
        await sleep(30);
        response.end('dential-7f3a9c21"}\n\n');
      } else if (request.url?.startsWith('/echo-query')) {
        response.setHeader('content-type', 'text/plain');
        response.end(`you sent ${request.url.slice(request.url.indexOf('?') + 1)}`);
      } else {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ echoed: JSON.parse(body.toString('utf8')) as unknown, note: 'password hunter2 accepted' }));
      }
    });
  });

  afterAll(async () => {
    restoreEnv();
    await server.close();
  });

  it('should refuse a binary body holding a listed value at an odd byte offset (any base64 alignment)', async () => {
    // Arrange
    const folder = mkdtempSync(join(dir, 'unaligned-'));
    const path = join(folder, 'unaligned.json');

    // Act
    const error = await failureOf(() =>
      withCassette(path, async () => (await fetch(`${server.origin}/unaligned.bin`)).arrayBuffer(), { ...options(), mode: 'record-all' }),
    );

    // Assert
    expect(isCassettesError(error) && error.code).toBe('CASSETTES_SECRET_LEAK');
    expect(error.message).toContain(`a value of $${ENV} (line`);
    expect(existsSync(path)).toBe(false);
  });

  it('should redact a secret split across two stream chunks, keep the chunk boundary, and replay the redacted text', async () => {
    // Arrange
    const path = cassette('split-stream');
    const read = async (origin: string): Promise<string[]> => {
      const response = await fetch(`${origin}/split-stream`);
      const decoder = new TextDecoder();
      const parts: string[] = [];
      for await (const part of response.body! as AsyncIterable<Uint8Array>) parts.push(decoder.decode(part));
      return parts;
    };

    // Act
    const live = await withCassette(path, () => read(server.origin), { ...options(), mode: 'record-all' });
    const stored = readCassette(path)!.interactions[0]!.response.stream!;
    const stopped = await startScriptedServer(() => undefined);
    await stopped.close();
    const replayed = await withCassette(path, () => read(stopped.origin), {
      ...options(),
      aliases: { [stopped.origin]: 'http://missed.local.test' },
      mode: 'replay',
    });

    // Assert
    expect(live.join('')).toContain(VALUE);
    expect(stored.chunks.map((chunk) => chunk.text)).toEqual([`data: {"text":"key is [redacted:env:${ENV}]`, '"}\n\n']);
    for (const form of formsOf(VALUE)) expect(readFileSync(path, 'utf8')).not.toContain(form);
    expect(replayed).toEqual([`data: {"text":"key is [redacted:env:${ENV}]`, '"}\n\n']);
  });

  it('should redact the URL-encoded form of a query secret echoed in the body instead of refusing the cassette', async () => {
    // Arrange
    const path = cassette('echo-query');

    // Act
    const text = await withCassette(
      path,
      async () => (await fetch(`${server.origin}/echo-query?api_key=${encodeURIComponent(QUERY_KEY)}`)).text(),
      { ...options(), mode: 'record-all' },
    );
    const interaction = readCassette(path)!.interactions[0]!;

    // Assert
    expect(text).toBe(`you sent api_key=${encodeURIComponent(QUERY_KEY)}`);
    expect(interaction.response.body).toEqual({ text: expect.stringMatching(/^you sent api_key=\[redacted:[0-9a-f]{8}\]$/) });
    for (const form of formsOf(QUERY_KEY)) expect(readFileSync(path, 'utf8')).not.toContain(form);
  });

  it('should redact a short password from the request wherever the response echoes it, as a whole word', async () => {
    // Arrange
    const path = cassette('short-password');

    // Act
    await withCassette(
      path,
      async () =>
        (
          await fetch(`${server.origin}/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ user: 'ada', password: 'hunter2' }),
          })
        ).json(),
      { ...options(), mode: 'record-all' },
    );
    const interaction = readCassette(path)!.interactions[0]!;

    // Assert
    const placeholder = (interaction.request.body as { json: { password: string } }).json.password;
    expect(placeholder).toMatch(/^\[redacted:[0-9a-f]{8}\]$/);
    expect(interaction.response.body).toEqual({
      json: { echoed: { user: 'ada', password: placeholder }, note: `password ${placeholder} accepted` },
    });
    expect(readFileSync(path, 'utf8')).not.toContain('hunter2');
  });
});

describe('secrets named in other spellings', () => {
  let server: ScriptedServer;

  beforeAll(async () => {
    server = await startScriptedServer(({ response }) => {
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
          usage: { prompt_tokens: 12, completion_tokens: 34, total_tokens: 46, completion_tokens_details: { reasoning_tokens: 5 } },
          max_tokens: 'unbounded-by-config',
        }),
      );
    });
  });

  afterAll(() => server.close());

  it('should redact auth_token, access-token and private_token queries, a PRIVATE-TOKEN header and aws_secret_access_key, keeping token counts readable', async () => {
    // Arrange
    const path = cassette('other-spellings');
    const values = [
      'Q7xTokenValue123',
      'Z9AccessTok456',
      'GlPrivTok789xyz',
      'glpat-Abcdefgh12345678',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ];

    // Act
    await withCassette(
      path,
      async () =>
        (
          await fetch(`${server.origin}/q?auth_token=${values[0]}&access-token=${values[1]}&private_token=${values[2]}&page=2`, {
            headers: { 'PRIVATE-TOKEN': values[3]! },
          })
        ).json(),
      { mode: 'record-all' },
    );
    const text = readFileSync(path, 'utf8');
    const interaction = readCassette(path)!.interactions[0]!;

    // Assert
    for (const value of values) expect(text).not.toContain(value);
    expect(new URL(interaction.request.url).searchParams.get('page')).toBe('2');
    expect(interaction.request.headers['private-token']).toMatch(/^\[redacted:[0-9a-f]{8}\]$/);
    expect(interaction.response.body).toEqual({
      json: {
        aws_secret_access_key: expect.stringMatching(/^\[redacted:[0-9a-f]{8}\]$/),
        usage: { prompt_tokens: 12, completion_tokens: 34, total_tokens: 46, completion_tokens_details: { reasoning_tokens: 5 } },
        max_tokens: 'unbounded-by-config',
      },
    });
  });
});
