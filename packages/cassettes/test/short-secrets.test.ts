import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readCassette, withCassette, type CassetteOptions } from '../src/index.js';
import { startScriptedServer, type ScriptedServer } from './fixtures/scripted-server.js';

const tmpRoot = resolve(import.meta.dirname, '..', '.tmp');
mkdirSync(tmpRoot, { recursive: true });
const dir = mkdtempSync(join(tmpRoot, 'short-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The encoded forms a server echoes a value back in. */
const encodedForms = (value: string): string[] => [
  Buffer.from(value).toString('base64'),
  Buffer.from(value).toString('base64').replace(/=+$/, ''),
  Buffer.from(value).toString('base64url'),
  encodeURIComponent(value),
];

describe('short secrets echoed encoded', () => {
  const ENV = 'PG_CASSETTES_SHORT_PIN';
  const PASSWORD = 'pw12345';
  const PIN = 'p1n/9?';
  let server: ScriptedServer;
  const options = (): CassetteOptions => ({ aliases: { [server.origin]: 'http://short.local.test' }, redact: { secretEnv: [ENV] } });

  beforeAll(async () => {
    process.env[ENV] = PIN;
    server = await startScriptedServer(({ body, response }) => {
      const sent = JSON.parse(body.toString('utf8')) as { password?: string; pin?: string };
      const value = sent.password ?? sent.pin ?? '';
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          base64: Buffer.from(value).toString('base64'),
          base64url: Buffer.from(value).toString('base64url'),
          query: `next=/home&pw=${encodeURIComponent(value)}`,
          unrelated: 'cHcxMjM0NQ==x pw123456 apw12345',
        }),
      );
    });
  });

  afterAll(async () => {
    delete process.env[ENV];
    await server.close();
  });

  const post = (body: object) => async (): Promise<unknown> =>
    (
      await fetch(`${server.origin}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    ).json();

  it('should redact a short password from the request where the response echoes it base64, base64url or URL-encoded', async () => {
    // Arrange
    const path = join(dir, 'short-password.json');

    // Act
    await withCassette(path, post({ user: 'ada', password: PASSWORD }), { ...options(), mode: 'record-all' });
    const written = readFileSync(path, 'utf8');
    const body = (readCassette(path)!.interactions[0]!.response.body as { json: Record<string, string> }).json;

    // Assert
    for (const form of [PASSWORD, ...encodedForms(PASSWORD)]) expect(written).not.toContain(`"${form}"`);
    expect(body['base64']).toMatch(/^\[redacted:[0-9a-f]{8}\]$/);
    expect(body['base64url']).toMatch(/^\[redacted:[0-9a-f]{8}\]$/);
    expect(body['query']).toMatch(/^next=\/home&pw=\[redacted:[0-9a-f]{8}\]$/);
    expect(body['unrelated']).toBe('cHcxMjM0NQ==x pw123456 apw12345');
  });

  it('should redact a short value of a listed environment variable in its encoded forms, in any interaction', async () => {
    // Arrange
    const path = join(dir, 'short-env.json');

    // Act
    await withCassette(path, post({ pin: PIN }), { ...options(), mode: 'record-all' });
    const written = readFileSync(path, 'utf8');

    // Assert
    for (const form of [PIN, ...encodedForms(PIN)]) expect(written).not.toContain(form);
    expect(written).toContain(`"base64": "[redacted:env:${ENV}]"`);
  });
});
