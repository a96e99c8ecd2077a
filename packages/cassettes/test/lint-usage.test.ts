import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatCassetteJson, readCassette, withCassette, type Cassette } from '../src/index.js';
import { startLocalServer, type LocalServer } from './local-server.js';

const packageDir = resolve(import.meta.dirname, '..');
const cli = join(packageDir, 'dist', 'cli.mjs');
mkdirSync(join(packageDir, '.tmp'), { recursive: true });

function lint(args: string[], cwd: string): { status: number | null; stdout: string } {
  const result = spawnSync(process.execPath, [cli, 'lint', ...args], { cwd, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
  return { status: result.status, stdout: result.stdout + result.stderr };
}

describe('proving-ground-cassettes lint with usage records', () => {
  let server: LocalServer;
  let dir: string;
  const previous = process.env['PROVING_GROUND_CASSETTES_USAGE'];

  beforeAll(async () => {
    server = await startLocalServer();
    dir = mkdtempSync(join(packageDir, '.tmp', 'lint-usage-'));
  });

  afterAll(async () => {
    if (previous === undefined) delete process.env['PROVING_GROUND_CASSETTES_USAGE'];
    else process.env['PROVING_GROUND_CASSETTES_USAGE'] = previous;
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('should report the interactions no replay run used, from the usage file a replay run wrote', async () => {
    // Arrange: record two calls, then replay a test that makes only the first, with a usage file.
    const path = join(dir, 'cassettes', 'two-calls.json');
    const options = { aliases: { [server.origin]: 'http://lint.local.test' } };
    await withCassette(
      path,
      async () => [await (await fetch(`${server.origin}/json`)).text(), await (await fetch(`${server.origin}/binary`)).text()],
      { ...options, mode: 'record-all' },
    );
    process.env['PROVING_GROUND_CASSETTES_USAGE'] = join(dir, 'usage.jsonl');
    await withCassette(path, async () => (await fetch(`${server.origin}/json`)).text(), { ...options, mode: 'replay' });
    delete process.env['PROVING_GROUND_CASSETTES_USAGE'];
    const [used, unused] = readCassette(path)!.interactions;

    // Act
    const withUsage = lint(['cassettes', '--usage', 'usage.jsonl'], dir);
    const withoutUsage = lint(['cassettes'], dir);

    // Assert
    expect(withUsage.status).toBe(1);
    expect(withUsage.stdout).toContain(
      `cassettes/two-calls.json: [unused] interaction ${unused!.id} (GET http://lint.local.test/binary) was not used by the replay runs`,
    );
    expect(withUsage.stdout).not.toContain(used!.id);
    expect(withoutUsage.stdout).not.toContain('[unused]');
  });

  it('should pass a test that polls twice and got the same answer twice, since replay uses the identical recordings in order', () => {
    // Arrange
    const interaction = {
      id: 'first',
      request: { method: 'GET', url: 'https://api.test/status', headers: {} },
      response: { status: 200, headers: { 'content-type': 'application/json' }, body: { json: { status: 'ok' } } },
    };
    const polled: Cassette = {
      version: 2,
      recordedAt: new Date().toISOString(),
      recordedWith: 'test',
      interactions: [interaction, { ...interaction, id: 'second' }],
    };
    mkdirSync(join(dir, 'polling', 'cassettes'), { recursive: true });
    writeFileSync(join(dir, 'polling', 'cassettes', 'poll.json'), formatCassetteJson(polled));

    // Act
    const result = lint(['.'], join(dir, 'polling'));

    // Assert
    expect(result.stdout).toContain('1 cassette(s) checked, 0 problem(s).');
    expect(result.status).toBe(0);
  });

  it('should report an interaction whose id an earlier one already has, as usage cannot tell them apart', () => {
    // Arrange
    const interaction = {
      id: 'same-id',
      request: { method: 'GET', url: 'https://api.test/a', headers: {} },
      response: { status: 200, headers: { 'content-type': 'text/plain' }, body: { text: 'one' } },
    };
    const cassette: Cassette = {
      version: 2,
      recordedAt: new Date().toISOString(),
      recordedWith: 'test',
      interactions: [interaction, { ...interaction, response: { ...interaction.response, body: { text: 'two' } } }],
    };
    mkdirSync(join(dir, 'shadow', 'cassettes'), { recursive: true });
    writeFileSync(join(dir, 'shadow', 'cassettes', 'dup-id.json'), formatCassetteJson(cassette));

    // Act
    const result = lint(['.'], join(dir, 'shadow'));

    // Assert
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('cassettes/dup-id.json: [shadowed] interactions[1] has the id same-id of interactions[0]');
  });
});
