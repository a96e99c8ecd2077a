import { afterEach, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJestProject, jestConfigModule, testModule, type JestProject } from '@proving-ground/test-kit';
import { contentHash } from '../src/content-hash.js';
import type { ImpactMap } from '../src/model.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** Loads a module, reads a fixture, lists a folder, reads a variable, loads a package; resets the registry in its second test. */
function recordingTest(): void {
  const { expect, jest, test } = require('@jest/globals') as typeof import('@jest/globals');
  const fs = require('node:fs') as typeof import('node:fs');
  const path = require('node:path') as typeof import('node:path');
  test('uses what it depends on', () => {
    const math = require('../src/math.js') as { add: (a: number, b: number) => number };
    expect(math.add(1, 2)).toBe(3);
    expect(JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/data.json'), 'utf8'))).toEqual({ ok: true });
    expect(fs.readdirSync(path.join(__dirname, '../fixtures/list'))).toHaveLength(2);
    expect(process.env['IMPACT_FLAG']).toBeUndefined();
    expect((require('fake-pkg') as { name: string }).name).toBe('fake');
  });
  test('loads more after a reset', () => {
    jest.resetModules();
    expect((require('../src/late.js') as { late: boolean }).late).toBe(true);
  });
}

/** The same, for a native ESM project. */
async function esmRecordingTest(): Promise<void> {
  const { expect, jest, test } = await import('@jest/globals');
  const fs = await import('node:fs');
  const here = new URL('.', import.meta.url);
  test('uses what it depends on', async () => {
    const math = (await import(String('../src/math.js'))) as { add: (a: number, b: number) => number };
    expect(math.add(1, 2)).toBe(3);
    expect(JSON.parse(fs.readFileSync(new URL('../fixtures/data.json', here), 'utf8'))).toEqual({ ok: true });
    expect(await fs.promises.readdir(new URL('../fixtures/list', here))).toHaveLength(2);
    expect(process.env['IMPACT_FLAG']).toBeUndefined();
    expect(((await import(String('fake-pkg'))) as { default: { name: string } }).default.name).toBe('fake');
  });
  test('loads more after a reset', async () => {
    jest.resetModules();
    expect(((await import(String('../src/late.js'))) as { late: boolean }).late).toBe(true);
  });
}

/** A test that loads one module. */
function otherTest(): void {
  const { expect, test } = require('@jest/globals') as typeof import('@jest/globals');
  test('other', () => expect((require('../src/late.js') as { late: boolean }).late).toBe(true));
}

async function esmOtherTest(): Promise<void> {
  const { expect, test } = await import('@jest/globals');
  test('other', async () => expect(((await import(String('../src/late.js'))) as { late: boolean }).late).toBe(true));
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
}

let project: JestProject | undefined;
afterEach(() => project?.remove());

describe.each([
  { mode: 'CommonJS', esm: false },
  { mode: 'native ESM', esm: true },
])('the recorder and reporter under real Jest ($mode)', ({ esm }) => {
  function create(): JestProject {
    const files: Record<string, string> = {
      'jest.config.js': jestConfigModule(
        {
          setupFilesAfterEnv: ['@proving-ground/impact-analyzer/recorder'],
          reporters: ['default', ['@proving-ground/impact-analyzer/reporter', {}]],
        },
        { esm },
      ),
      'src/math.js': esm ? 'export const add = (a, b) => a + b;\n' : 'exports.add = (a, b) => a + b;\n',
      'src/late.js': esm ? 'export const late = true;\n' : 'exports.late = true;\n',
      'fixtures/data.json': '{ "ok": true }\n',
      'fixtures/list/one.txt': '1\n',
      'fixtures/list/two.txt': '2\n',
      'node_modules/fake-pkg/package.json': JSON.stringify({ name: 'fake-pkg', version: '1.2.3', main: 'index.js' }),
      'node_modules/fake-pkg/index.js': 'module.exports = { name: "fake" };\n',
      '.gitignore': 'node_modules\n.cache-*\n.out-*\n.report-*\n',
      'tests/a.test.js': esm ? testModule(esmRecordingTest) : testModule(recordingTest),
      'tests/b.test.js': esm ? testModule(esmOtherTest) : testModule(otherTest),
    };
    project = createJestProject({ packageDir, esm, files });
    git(project.dir, 'init', '-q', '-b', 'main');
    git(project.dir, '-c', 'user.name=t', '-c', 'user.email=t@t', 'add', '.');
    git(project.dir, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'init');
    return project;
  }

  const readMap = (dir: string): ImpactMap => JSON.parse(readFileSync(join(dir, '.impact-analyzer/map.json'), 'utf8')) as ImpactMap;

  it('should record the modules, reads, folders, variables and packages of each test file', async () => {
    const jest = create();

    const run = await jest.run();

    expect(run.exitCode).toBe(0);
    const map = readMap(jest.dir);
    const a = map.tests['tests/a.test.js']!;
    expect(a).toMatchObject({
      status: 'passed',
      modules: ['src/late.js', 'src/math.js'],
      reads: ['fixtures/data.json'],
      directories: ['fixtures/list'],
      packages: { 'fake-pkg': '1.2.3' },
      commit: git(jest.dir, 'rev-parse', 'HEAD'),
    });
    expect(a.env).toContain('IMPACT_FLAG');
    expect(map.tests['tests/b.test.js']!.modules).toEqual(['src/late.js']);
    expect(map.knownTests).toEqual(['tests/a.test.js', 'tests/b.test.js']);
    expect(map.commit).toBe(git(jest.dir, 'rev-parse', 'HEAD'));
    expect(map.hashes['src/math.js']).toBe(contentHash(readFileSync(join(jest.dir, 'src/math.js'))));
    expect(map.hashes['fixtures/data.json']).toBe(contentHash(readFileSync(join(jest.dir, 'fixtures/data.json'))));
    expect(map.jest?.projects[0]?.testMatch.length).toBeGreaterThan(0);
  });

  it('should update only the records of the tests a partial run ran', async () => {
    const jest = create();
    await jest.run();
    const before = readMap(jest.dir);

    const run = await jest.run({ args: ['tests/a.test.js'] });

    expect(run.exitCode).toBe(0);
    const after = readMap(jest.dir);
    expect(after.tests['tests/b.test.js']).toEqual(before.tests['tests/b.test.js']);
    expect(after.tests['tests/a.test.js']!.recordedAt > before.tests['tests/a.test.js']!.recordedAt).toBe(true);
    expect(after.knownTests).toEqual(['tests/a.test.js', 'tests/b.test.js']);
  });
});
