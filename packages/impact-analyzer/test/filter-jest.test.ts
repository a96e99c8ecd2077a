import { afterEach, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJestProject, testModule, type JestProject } from '@proving-ground/test-kit';
import type { SelectionFile, TestDecision } from '../src/model.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const FILTER = '--filter=@proving-ground/impact-analyzer/filter';

/** One passing test named after its file, so a run's report says which files ran. */
function fileTest(): void {
  const { expect, test } = require('@jest/globals') as typeof import('@jest/globals');
  const path = require('node:path') as typeof import('node:path');
  const name = path.basename(__filename);
  test(`${name}`, () => expect(1).toBe(1));
}

/** The same, for a native ESM project. */
async function esmFileTest(): Promise<void> {
  const { expect, test } = await import('@jest/globals');
  const name = import.meta.url.split('/').pop()!;
  test(`${name}`, () => expect(1).toBe(1));
}

const decision = (path: string, selected: boolean): TestDecision => ({
  path,
  selected,
  reasons: [
    selected ? { code: 'static-dependency', message: 'It depends on src/a.js.' } : { code: 'not-affected', message: 'Not affected.' },
  ],
});

/** A selection of the project: a.test.js selected, b and c skipped; d.test.js is a test the selection never saw. */
function selectionFile(root: string, overrides: Partial<SelectionFile> = {}): string {
  const file: SelectionFile = {
    version: 1,
    root,
    base: 'a'.repeat(40),
    head: 'working-tree',
    changes: [{ path: 'src/a.js', status: 'modified' }],
    runAll: false,
    runAllReasons: [],
    tests: [decision('tests/a.test.js', true), decision('tests/b.test.js', false), decision('tests/c.test.js', false)],
    selected: ['tests/a.test.js'],
    elapsedMs: 1,
    ...overrides,
  };
  return JSON.stringify(file);
}

const ran = (run: { tests: { fullName: string }[] }): string[] => run.tests.map((test) => test.fullName).sort();

let project: JestProject | undefined;
afterEach(() => project?.remove());

describe.each([
  { mode: 'CommonJS', esm: false },
  { mode: 'native ESM', esm: true },
])('the --filter module under real Jest ($mode)', ({ esm }) => {
  function create(): JestProject {
    const source = esm ? testModule(esmFileTest) : testModule(fileTest);
    project = createJestProject({
      packageDir,
      esm,
      files: {
        // The search for the selection file stops at the repository root.
        '.git/HEAD': 'ref: refs/heads/main\n',
        'tests/a.test.js': source,
        'tests/b.test.js': source,
        'tests/c.test.js': source,
        'tests/d.test.js': source,
      },
    });
    return project;
  }

  it('should run the selected tests and any test the selection has no decision for', async () => {
    const jest = create();
    jest.write('.impact-analyzer/selection.json', selectionFile(jest.dir));

    const run = await jest.run({ args: [FILTER] });

    expect(run.exitCode).toBe(0);
    expect(ran(run)).toEqual(['a.test.js', 'd.test.js']);
  });

  it('should run every test when the selection runs everything', async () => {
    const jest = create();
    jest.write(
      '.impact-analyzer/selection.json',
      selectionFile(jest.dir, {
        runAll: true,
        runAllReasons: [{ code: 'stale-map', message: 'There is no map.' }],
        selected: ['tests/a.test.js'],
      }),
    );

    const run = await jest.run({ args: [FILTER] });

    expect(ran(run)).toEqual(['a.test.js', 'b.test.js', 'c.test.js', 'd.test.js']);
  });

  it('should read the selection file IMPACT_ANALYZER_SELECTION names', async () => {
    const jest = create();
    jest.write('.impact-analyzer/selection.json', selectionFile(jest.dir));
    jest.write('ci/selection.json', selectionFile(jest.dir, { selected: ['tests/b.test.js'] }));

    const run = await jest.run({ args: [FILTER], env: { IMPACT_ANALYZER_SELECTION: 'ci/selection.json' } });

    expect(ran(run)).toEqual(['b.test.js', 'd.test.js']);
  });

  it('should find the selection file at the repository root when Jest runs in a subfolder', async () => {
    const jest = create();
    jest.write('.impact-analyzer/selection.json', selectionFile(jest.dir));

    const run = await jest.run({ args: [FILTER], cwd: join(jest.dir, 'tests') });

    expect(ran(run)).toEqual(['a.test.js', 'd.test.js']);
  });

  it('should fail the run, naming the missing selection file, rather than run no test', async () => {
    const jest = create();

    const run = await jest.run({ args: [FILTER] });

    expect(run.exitCode).not.toBe(0);
    expect(run.tests).toEqual([]);
    expect(run.stderr).toContain('[impact-analyzer] Failed to filter the tests with the impact-analyzer selection');
    expect(run.stderr).toContain('impact-analyzer select --out');
  });
});
