import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { formatCassetteJson, lintCassettes, pruneCassettes, withCassette, type Cassette } from '../src/index.js';
import { startScriptedServer, type ScriptedServer } from './fixtures/scripted-server.js';

const packageDir = resolve(import.meta.dirname, '..');
const cli = join(packageDir, 'dist', 'cli.mjs');
mkdirSync(join(packageDir, '.tmp'), { recursive: true });
const dir = mkdtempSync(join(packageDir, '.tmp', 'orphans-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A minimal cassette of format version 2 naming `test` (its file relative to the cassette's folder). */
function cassette(test?: { file: string; name: string }): string {
  const value: Cassette = {
    version: 2,
    recordedAt: new Date().toISOString(),
    recordedWith: 'test',
    ...(test === undefined ? {} : { test }),
    interactions: [
      {
        id: 'abc',
        request: { method: 'GET', url: 'http://api.test/x', headers: {} },
        response: { status: 200, headers: {}, body: { text: 'ok' } },
      },
    ],
  };
  return formatCassetteJson(value);
}

function write(path: string, text: string): string {
  mkdirSync(resolve(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const orphansOf = (dirs: string[], usage?: string[]): string[] =>
  lintCassettes({ dirs, ...(usage === undefined ? {} : { usage }) })
    .problems.filter((problem) => problem.rule === 'orphan')
    .map((problem) => problem.file)
    .sort();

describe('orphaned cassettes', () => {
  let server: ScriptedServer;

  beforeAll(async () => {
    server = await startScriptedServer(({ response }) => {
      response.end('ok');
    });
  });

  afterAll(() => server.close());

  it('should count a cassette recorded with withCassette("named/x") as used by its test file, in lint and prune', async () => {
    // Arrange
    const root = mkdtempSync(join(dir, 'named-'));
    const cassettes = join(root, '__cassettes__');
    await withCassette('named/x', async () => (await fetch(`${server.origin}/x`)).text(), {
      dir: cassettes,
      mode: 'record-all',
      aliases: { [server.origin]: 'http://named.local.test' },
    });

    // Act
    const orphans = orphansOf([cassettes]);
    const pruned = pruneCassettes({ dirs: [cassettes], dryRun: true });

    // Assert
    expect(readdirSync(join(cassettes, 'named'))).toEqual(['x.json']);
    expect(orphans).toEqual([]);
    expect(pruned).toEqual([]);
  });

  it('should keep a cassette that replay runs loaded (a usage file names it) even when its recorded test file moved', () => {
    // Arrange
    const root = mkdtempSync(join(dir, 'usage-'));
    const file = write(join(root, 'cassettes', 'login.json'), cassette({ file: '../moved.test.ts', name: 'login' }));
    const usage = write(join(root, 'usage.jsonl'), `${JSON.stringify({ cassette: file, used: ['abc'], unused: [] })}\n`);

    // Act
    const withUsage = {
      lint: orphansOf([join(root, 'cassettes')], [usage]),
      prune: pruneCassettes({ dirs: [join(root, 'cassettes')], usage: [usage], dryRun: true }),
    };
    const without = {
      lint: orphansOf([join(root, 'cassettes')]),
      prune: pruneCassettes({ dirs: [join(root, 'cassettes')], dryRun: true }),
    };

    // Assert
    expect(withUsage).toEqual({ lint: [], prune: [] });
    expect(without).toEqual({ lint: [relative(process.cwd(), file)], prune: [relative(process.cwd(), file)] });
  });

  it('should prune exactly the cassettes lint reports as orphans, and nothing else', () => {
    // Arrange
    const root = mkdtempSync(join(dir, 'same-'));
    write(join(root, 'users.test.ts'), "it('should list users', () => {});\n");
    const perTest = join(root, '__cassettes__', 'users.test.ts');
    const kept = write(
      join(perTest, 'should-list-users-e128895e.json'),
      cassette({ file: '../../users.test.ts', name: 'should list users' }),
    );
    const renamed = write(
      join(perTest, 'should-delete-users-853b9517.json'),
      cassette({ file: '../../users.test.ts', name: 'should delete users' }),
    );
    const goneFile = write(join(root, '__cassettes__', 'gone.test.ts', 'a.json'), cassette({ file: '../../gone.test.ts', name: 'a' }));
    const named = write(
      join(root, '__cassettes__', 'shared', 'login.json'),
      cassette({ file: '../../users.test.ts', name: 'shared/login' }),
    );
    const broken = write(join(perTest, 'broken.json'), '{"version": 2, "interac');
    const names = (files: string[]): string[] => files.map((file) => relative(process.cwd(), file)).sort();

    // Act
    const orphans = orphansOf([root]);
    const pruned = pruneCassettes({ dirs: [root] }).sort();

    // Assert
    expect(orphans).toEqual(names([renamed, goneFile]));
    expect(pruned).toEqual(orphans);
    expect([kept, named, broken].every((file) => existsSync(file))).toBe(true);
    expect([renamed, goneFile].some((file) => existsSync(file))).toBe(false);
  });
});

describe('proving-ground-cassettes CLI arguments', () => {
  const run = (args: string[]): { status: number | null; output: string } => {
    const result = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
    return { status: result.status, output: result.stdout + result.stderr };
  };

  it.each([
    [
      ['lint', 'no-such-folder', '--maxAge', '1h', '--max-bytes', '10kb'],
      'maxBytes (--max-bytes) must be a whole number of bytes above 0, got "10kb"',
    ],
    [['prune', 'no-such-folder', '--dryrun', '--usage', 'missing.jsonl'], 'the usage file missing.jsonl does not exist (usage, --usage)'],
  ])('should report a bad flag together with every other problem of %j', (args, other) => {
    // Act
    const result = run(args);

    // Assert
    expect(result.status).toBe(2);
    expect(result.output).toContain(`is not a flag of ${args[0]!}`);
    expect(result.output).toContain('no-such-folder does not exist (dirs)');
    expect(result.output).toContain(other);
  });
});
