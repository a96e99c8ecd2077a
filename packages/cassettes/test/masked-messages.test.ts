import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isCassettesError, withCassette, type CassetteOptions } from '../src/index.js';
import { startScriptedServer, type ScriptedServer } from './fixtures/scripted-server.js';
import { failureOf, stderrOf } from './outcomes.js';

const tmpRoot = resolve(import.meta.dirname, '..', '.tmp');
mkdirSync(tmpRoot, { recursive: true });
const dir = mkdtempSync(join(tmpRoot, 'masked-messages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('no-match message', () => {
  let server: ScriptedServer;
  const options = (): CassetteOptions => ({ aliases: { [server.origin]: 'http://dsn.local.test' } });

  beforeAll(async () => {
    server = await startScriptedServer(({ response }) => {
      response.end('ok');
    });
  });

  afterAll(() => server.close());

  const connect = (query: string, body: string) => async (): Promise<string> =>
    (await fetch(`${server.origin}/connect?${query}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body })).text();

  it('should mask the password of a URL-encoded, schemeless or mistyped DSN in the request it could not replay', async () => {
    // Arrange
    const path = join(dir, 'dsn.json');
    await withCassette(path, connect('dsn=none', 'none'), { ...options(), mode: 'record-all' });

    // Act
    const { result: error, stderr } = await stderrOf(() =>
      failureOf(() =>
        withCassette(
          path,
          connect(
            'dsn=postgres%3A%2F%2Fadmin%3Ahunter2%40db%3A5432%2Fapp',
            'primary=admin:hunter2@db.internal:5432/app replica=postgres//admin:hunter2@db',
          ),
          { ...options(), mode: 'replay' },
        ),
      ),
    );

    // Assert
    expect(isCassettesError(error) && error.code).toBe('CASSETTES_UNMATCHED_REQUEST');
    expect(error.message).toContain('dsn=postgres%3A%2F%2Fadmin%3A***%40db%3A5432%2Fapp');
    expect(error.message).toContain('primary=admin:***@db.internal:5432/app replica=postgres//admin:***@db');
    expect(`${error.message}\n${stderr}`).not.toContain('hunter2');
  });
});
