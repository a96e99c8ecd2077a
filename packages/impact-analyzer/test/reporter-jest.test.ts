import { afterEach, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJestProject, jestConfigModule, testModule, type JestProject } from '@proving-ground/test-kit';
import type { ImpactMap, SelectionFile } from '../src/model.js';
import type { ShadowEntry } from '../src/shadow/shadow-log.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** Passes, unless `MAKE_FAIL` names this file. */
function mathTest(): void {
  const { expect, test } = require('@jest/globals') as typeof import('@jest/globals');
  const path = require('node:path') as typeof import('node:path');
  test('adds', () => {
    const math = require('../src/math.js') as { add: (a: number, b: number) => number };
    expect(math.add(1, 2)).toBe(process.env['MAKE_FAIL'] === path.basename(__filename) ? 4 : 3);
  });
}

async function esmMathTest(): Promise<void> {
  const { expect, test } = await import('@jest/globals');
  test('adds', async () => {
    const math = (await import(String('../src/math.js'))) as { add: (a: number, b: number) => number };
    expect(math.add(1, 2)).toBe(process.env['MAKE_FAIL'] === import.meta.url.split('/').pop() ? 4 : 3);
  });
}

/** Loads a module, then throws while Jest collects the tests. */
function brokenTest(): void {
  require('../src/math.js');
  throw new Error('broken on purpose');
}

async function esmBrokenTest(): Promise<void> {
  await import(String('../src/math.js'));
  throw new Error('broken on purpose');
}

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir, encoding: 'utf8' }).trim();
}

const readMap = (dir: string): ImpactMap => JSON.parse(readFileSync(join(dir, '.impact-analyzer/map.json'), 'utf8')) as ImpactMap;

let project: JestProject | undefined;
afterEach(() => project?.remove());

describe.each([
  { mode: 'CommonJS', esm: false },
  { mode: 'native ESM', esm: true },
])('the impact reporter ($mode)', ({ esm }) => {
  function create(options: Record<string, unknown> = {}, extra: Record<string, string> = {}): JestProject {
    const files: Record<string, string> = {
      'jest.config.js': jestConfigModule(
        {
          setupFilesAfterEnv: ['@proving-ground/impact-analyzer/recorder'],
          reporters: ['default', ['@proving-ground/impact-analyzer/reporter', options]],
        },
        { esm },
      ),
      'src/math.js': esm ? 'export const add = (a, b) => a + b;\n' : 'exports.add = (a, b) => a + b;\n',
      '.gitignore': '.cache-*\n.out-*\n.report-*\n',
      ...extra,
    };
    for (const name of ['a', 'b', 'c', 'd']) files[`tests/${name}.test.js`] = esm ? testModule(esmMathTest) : testModule(mathTest);
    project = createJestProject({ packageDir, esm, files });
    git(project.dir, 'init', '-q', '-b', 'main');
    git(project.dir, 'add', '.');
    git(project.dir, 'commit', '-q', '-m', 'init');
    return project;
  }

  it('should stop the run on a corrupt map and leave the file byte for byte as it was', async () => {
    const jest = create();
    const corrupt = '{ "version": 1, "tests": \n';
    jest.write('.impact-analyzer/map.json', corrupt);

    const run = await jest.run();

    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain('Failed to read the impact map');
    expect(run.stderr).toContain('it is not JSON');
    expect(readFileSync(join(jest.dir, '.impact-analyzer/map.json'), 'utf8')).toBe(corrupt);
  });

  it('should keep every record when shards write the same map at once', async () => {
    const jest = create();

    const runs = await Promise.all([1, 2, 3].map((index) => jest.run({ args: [`--shard=${index}/3`] })));

    expect(runs.map((run) => run.exitCode)).toEqual([0, 0, 0]);
    const map = readMap(jest.dir);
    expect(Object.keys(map.tests).sort()).toEqual(['tests/a.test.js', 'tests/b.test.js', 'tests/c.test.js', 'tests/d.test.js']);
    expect(existsSync(join(jest.dir, '.impact-analyzer/map.json.lock'))).toBe(false);
  });

  it('should record a test file that failed to run as failed, and record the next files of its worker as usual', async () => {
    const jest = create({}, { 'tests/broken.test.js': esm ? testModule(esmBrokenTest) : testModule(brokenTest) });

    const run = await jest.run({ args: ['--runInBand'] });

    expect(run.exitCode).not.toBe(0);
    const map = readMap(jest.dir);
    // No hook runs after a test file fails to load: what it loaded is not known, and it stays selected as failed-last-time.
    expect(map.tests['tests/broken.test.js']).toMatchObject({ status: 'failed', modules: [] });
    for (const name of ['a', 'b', 'c', 'd'])
      expect(map.tests[`tests/${name}.test.js`]).toMatchObject({ status: 'passed', modules: ['src/math.js'] });
  });

  it('should log in shadow mode the failing tests the selection would have skipped, with a warning', async () => {
    const jest = create({ shadow: true });
    const selection: SelectionFile = {
      version: 1,
      root: jest.dir,
      base: 'a'.repeat(40),
      head: 'working-tree',
      changes: [{ path: 'src/math.js', status: 'modified' }],
      runAll: false,
      runAllReasons: [],
      tests: [],
      selected: ['tests/a.test.js'],
      elapsedMs: 1,
    };
    jest.write('.impact-analyzer/selection.json', JSON.stringify(selection));

    const run = await jest.run({ env: { MAKE_FAIL: 'c.test.js' } });

    expect(run.exitCode).not.toBe(0);
    const lines = readFileSync(join(jest.dir, '.impact-analyzer/shadow.jsonl'), 'utf8').trim().split('\n');
    const entry = JSON.parse(lines[0]!) as ShadowEntry;
    expect(entry).toMatchObject({ selected: 1, total: 4, failed: ['tests/c.test.js'], missed: ['tests/c.test.js'], runAll: false });
    expect(entry.commit).toBe(git(jest.dir, 'rev-parse', 'HEAD'));
    expect(run.stderr).toContain('the selection would have missed 1 failing test file: tests/c.test.js');
  });

  it('should record the functions each test ran with functions: true', async () => {
    const jest = create({ functions: true });

    const run = await jest.run();

    expect(run.exitCode).toBe(0);
    expect(readMap(jest.dir).tests['tests/a.test.js']?.functions?.['src/math.js']).toContain('add');
  });

  it('should refuse unknown and wrong options, all at once, with the nearest name', async () => {
    const jest = create({ shadwo: true, map: 3, shadow: { logg: 'x' } });

    const run = await jest.run();

    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain('- shadwo: unknown option. Did you mean "shadow"?');
    expect(run.stderr).toContain('- map: expected a non-empty string, got 3.');
    expect(run.stderr).toContain('- shadow.logg: unknown option. Did you mean "log"?');
  });
});
