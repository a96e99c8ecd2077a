import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ImpactMap, SelectionFile, TestRecord } from '../src/model.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const cli = join(packageDir, 'dist', 'cli.mjs');
// Inside the package, so the repository's Jest config resolves `jest` from the workspace.
mkdirSync(join(packageDir, '.tmp'), { recursive: true });
const repo = mkdtempSync(join(packageDir, '.tmp', 'cli-select-'));
afterAll(() => rmSync(repo, { recursive: true, force: true }));

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function impactAnalyzer(args: string[], cwd = repo): Promise<Ran> {
  return new Promise((done) => {
    execFile(process.execPath, [cli, ...args], { cwd }, (error, stdout, stderr) => {
      done({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

function write(path: string, content: string): void {
  mkdirSync(dirname(join(repo, path)), { recursive: true });
  writeFileSync(join(repo, path), content);
}

const git = (...args: string[]): string => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();

function record(durationMs: number, modules: string[]): TestRecord {
  return {
    recordedAt: '2026-12-01T00:00:00.000Z',
    durationMs,
    status: 'passed',
    modules,
    reads: [],
    directories: [],
    env: [],
    packages: {},
  };
}

beforeAll(() => {
  write('package.json', JSON.stringify({ name: 'cli-select-fixture', private: true }));
  write('jest.config.js', "module.exports = { testMatch: ['<rootDir>/test/**/*.test.js'] };\n");
  write('.gitignore', '.impact-analyzer/\nnode_modules/\n');
  write('src/a.js', 'exports.a = () => 1;\n');
  write('src/b.js', 'exports.b = () => 2;\n');
  write('test/a.test.js', "const { a } = require('../src/a');\ntest('a', () => expect(a()).toBe(1));\n");
  write('test/b.test.js', "const { b } = require('../src/b');\ntest('b', () => expect(b()).toBe(2));\n");
  git('init', '--quiet', '--initial-branch=main');
  git('add', '.');
  git('-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', 'commit', '--quiet', '-m', 'initial');
  const map: ImpactMap = {
    version: 1,
    updatedAt: '2026-12-01T00:00:00.000Z',
    commit: git('rev-parse', 'HEAD'),
    variant: { node: process.version, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, platform: process.platform },
    knownTests: ['test/a.test.js', 'test/b.test.js'],
    tests: { 'test/a.test.js': record(100, ['test/a.test.js', 'src/a.js']), 'test/b.test.js': record(200, ['test/b.test.js', 'src/b.js']) },
    hashes: {},
  };
  write('.impact-analyzer/map.json', JSON.stringify(map));
  write('src/a.js', 'exports.a = () => 3 - 2;\n');
});

describe('impact-analyzer select', () => {
  it('should print the absolute path of each test the change reaches, and nothing else', async () => {
    const ran = await impactAnalyzer(['select']);

    expect(ran).toEqual({ code: 0, stdout: `${join(repo, 'test/a.test.js')}\n`, stderr: '' });
  });

  it('should write the selection file with --out and print the selection as JSON', async () => {
    const ran = await impactAnalyzer(['select', '--format', 'json', '--out', '.impact-analyzer/selection.json']);

    expect(ran.code).toBe(0);
    const printed = JSON.parse(ran.stdout) as SelectionFile;
    expect(printed).toMatchObject({ version: 1, root: repo, runAll: false, selected: ['test/a.test.js'] });
    expect(printed.changes).toEqual([{ path: 'src/a.js', status: 'modified' }]);
    expect(JSON.parse(readFileSync(join(repo, '.impact-analyzer/selection.json'), 'utf8'))).toEqual(printed);
  });

  it('should summarise the selection for a terminal', async () => {
    const ran = await impactAnalyzer(['select', '--format', 'summary']);

    expect(ran.stdout).toContain('1 changed file');
    expect(ran.stdout).toContain('Selected 1 of 2 tests (50%)');
    expect(ran.stdout).toMatch(/test\/a\.test\.js {2}\[\w+-dependency\]/);
  });

  it('should run everything, with the reason, when a changed file matches --run-all-on', async () => {
    const ran = await impactAnalyzer(['select', '--run-all-on', 'src/**', '--format', 'summary']);

    expect(ran.stdout).toContain('Running all 2 tests');
    expect(ran.stdout).toContain('[trigger-glob] src/a.js matches the runAllOn glob "src/**"');
  });

  it('should print every test, never an empty list, when there is no map to go by', async () => {
    const ran = await impactAnalyzer(['select', '--map', 'nowhere/map.json']);

    expect(ran.stdout.trim().split('\n').sort()).toEqual([join(repo, 'test/a.test.js'), join(repo, 'test/b.test.js')]);
  });

  it('should add the tests --include names', async () => {
    const ran = await impactAnalyzer(['select', '--include', 'test/b.*']);

    expect(ran.stdout.trim().split('\n').sort()).toEqual([join(repo, 'test/a.test.js'), join(repo, 'test/b.test.js')]);
  });
});

describe('impact-analyzer why', () => {
  it('should give the chain from the changed file to a selected test', async () => {
    const ran = await impactAnalyzer(['why', 'test/a.test.js']);

    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/^test\/a\.test\.js runs/);
    expect(ran.stdout).toContain('src/a.js → test/a.test.js');
  });

  it('should say why a test is skipped, for a path relative to the current folder', async () => {
    const ran = await impactAnalyzer(['why', 'b.test.js'], join(repo, 'test'));

    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/^test\/b\.test\.js is skipped:\n {2}- \[not-affected\]/);
  });

  it('should fail with the nearest known test for a path that is no test', async () => {
    const ran = await impactAnalyzer(['why', 'test/a.tset.js']);

    expect(ran.code).toBe(2);
    expect(ran.stderr).toContain('there is no test file "test/a.tset.js" (did you mean "test/a.test.js"?)');
  });
});

describe('impact-analyzer shards', () => {
  it('should split every test into shards by recorded duration when everything runs', async () => {
    const ran = await impactAnalyzer(['shards', '--total', '2', '--run-all-on', 'src/**']);

    expect(JSON.parse(ran.stdout)).toEqual([['test/b.test.js'], ['test/a.test.js']]);
  });

  it('should print the absolute paths of one shard with --index', async () => {
    const ran = await impactAnalyzer(['shards', '--total', '2', '--index', '2', '--run-all-on', 'src/**']);

    expect(ran.stdout).toBe(`${join(repo, 'test/a.test.js')}\n`);
  });
});
