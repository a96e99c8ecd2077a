import { afterEach, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { createJestProject, jestConfigModule, testModule, type JestProject, type JestRun } from '@proving-ground/test-kit';
import type { ImpactMap, SelectionFile, TestRecord } from '../src/model.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

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

const FILES = ['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8'].map((name) => `${name}.test.js`);
/** Recorded milliseconds; t8 has no record (it counts as the median of the others, 1000). */
const DURATIONS: Record<string, number> = {
  't1.test.js': 4000,
  't2.test.js': 3000,
  't3.test.js': 2000,
  't4.test.js': 1000,
  't5.test.js': 500,
  't6.test.js': 500,
  't7.test.js': 500,
};
/** Longest processing time first over 3 shards, ties to the lowest shard: 4500, 4000 and 4000 ms. */
const EXPECTED_SHARDS = [
  ['t1.test.js', 't7.test.js'],
  ['t2.test.js', 't8.test.js'],
  ['t3.test.js', 't4.test.js', 't5.test.js', 't6.test.js'],
];

function record(durationMs: number): TestRecord {
  return {
    recordedAt: '2026-12-01T00:00:00.000Z',
    durationMs,
    status: 'passed',
    modules: [],
    reads: [],
    directories: [],
    env: [],
    packages: {},
  };
}

function impactMap(): ImpactMap {
  return {
    version: 1,
    updatedAt: '2026-12-01T00:00:00.000Z',
    variant: { node: process.version, timeZone: 'UTC', platform: process.platform },
    knownTests: FILES.map((file) => `tests/${file}`),
    tests: Object.fromEntries(Object.entries(DURATIONS).map(([file, ms]) => [`tests/${file}`, record(ms)])),
    hashes: {},
  };
}

/** A selection whose predicted order is t6, t2, t8, then the rest. */
function selectionFile(root: string): SelectionFile {
  const order = [
    't6.test.js',
    't2.test.js',
    't8.test.js',
    ...FILES.filter((file) => !['t6.test.js', 't2.test.js', 't8.test.js'].includes(file)),
  ];
  return {
    version: 1,
    root,
    base: 'a'.repeat(40),
    head: 'working-tree',
    changes: [],
    runAll: true,
    runAllReasons: [{ code: 'stale-map', message: 'There is no map.' }],
    tests: order.map((file, index) => ({
      path: `tests/${file}`,
      selected: true,
      reasons: [{ code: 'stale-map', message: 'There is no map.' }],
      failureScore: 1 - index / 10,
    })),
    selected: order.map((file) => `tests/${file}`),
    elapsedMs: 1,
  };
}

const names = (run: JestRun): string[] => run.tests.map((test) => test.fullName);

let project: JestProject | undefined;
afterEach(() => project?.remove());

describe.each([
  { mode: 'CommonJS', esm: false },
  { mode: 'native ESM', esm: true },
])('the sequencer under real Jest ($mode)', ({ esm }) => {
  function create(withMap = true): JestProject {
    const source = esm ? testModule(esmFileTest) : testModule(fileTest);
    const files: Record<string, string> = {
      '.git/HEAD': 'ref: refs/heads/main\n',
      'jest.config.js': jestConfigModule({ testSequencer: '@proving-ground/impact-analyzer/sequencer' }, { esm }),
    };
    for (const file of FILES) files[`tests/${file}`] = source;
    if (withMap) files['.impact-analyzer/map.json'] = JSON.stringify(impactMap());
    project = createJestProject({ packageDir, esm, files });
    return project;
  }

  it('should split --shard runs by recorded duration, each test in exactly one shard', async () => {
    const jest = create();

    const shards: string[][] = [];
    for (let index = 1; index <= 3; index++) {
      const run = await jest.run({ args: [`--shard=${index}/3`] });
      expect(run.exitCode).toBe(0);
      shards.push(names(run).sort());
    }

    expect(shards).toEqual(EXPECTED_SHARDS);
  });

  it('should run the tests in the predicted order of the selection file', async () => {
    const jest = create();
    jest.write('.impact-analyzer/selection.json', JSON.stringify(selectionFile(jest.dir)));

    const run = await jest.run({ args: ['--runInBand'] });

    expect(names(run).slice(0, 3)).toEqual(['t6.test.js', 't2.test.js', 't8.test.js']);
  });

  it('should run the longest recorded tests first without a selection file', async () => {
    const jest = create();

    const run = await jest.run({ args: ['--runInBand'] });

    expect(names(run)).toEqual([
      't1.test.js',
      't2.test.js',
      't3.test.js',
      't4.test.js',
      't5.test.js',
      't6.test.js',
      't7.test.js',
      't8.test.js',
    ]);
  });

  it("should leave Jest's order alone and still shard every test once without a map or a selection", async () => {
    const jest = create(false);

    const seen: string[] = [];
    for (let index = 1; index <= 2; index++) seen.push(...names(await jest.run({ args: [`--shard=${index}/2`] })));

    expect(seen.sort()).toEqual(FILES);
  });
});
