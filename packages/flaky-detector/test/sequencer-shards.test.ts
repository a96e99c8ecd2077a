import { afterEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJestProject, testModule, type JestProject } from '@proving-ground/test-kit';
import { openHistoryStore, testIdOf, type BaselinesFile } from '../src/index.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixture = (name: string): string => readFileSync(join(packageDir, 'test', 'fixtures', 'sequencer', name), 'utf8');

/** Two tests named after their file, so a run's report says which files ran. */
function fileTests(): void {
  const { expect, test } = require('@jest/globals') as typeof import('@jest/globals');
  const path = require('node:path') as typeof import('node:path');
  const name = path.basename(__filename);
  test(`${name} first`, () => expect(name).toMatch(/\.test\.js$/));
  test(`${name} second`, () => expect(name).toMatch(/\.test\.js$/));
}

/** The same, for a native ESM project. */
async function esmFileTests(): Promise<void> {
  const { expect, test } = await import('@jest/globals');
  const name = import.meta.url.split('/').pop()!;
  test(`${name} first`, () => expect(name).toMatch(/\.test\.js$/));
  test(`${name} second`, () => expect(name).toMatch(/\.test\.js$/));
}

const FILES = ['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8'].map((name) => `${name}.test.js`);
/** Recorded milliseconds per file; longest-processing-time puts them as [[t1], [t2], [t3, t7], [t4, t5, t6, t8]]. */
const DURATIONS: Record<string, number> = { 't1.test.js': 4000, 't2.test.js': 3000, 't3.test.js': 2000, 't4.test.js': 1000 };
for (const file of FILES.slice(4)) DURATIONS[file] = 500;
const EXPECTED_SHARDS = [
  ['t1.test.js'],
  ['t2.test.js'],
  ['t3.test.js', 't7.test.js'],
  ['t4.test.js', 't5.test.js', 't6.test.js', 't8.test.js'],
];

/** The baselines file `flaky-detector baselines export` writes, with each file's tests sharing its duration. */
function durationsFile(): BaselinesFile {
  return {
    version: 1,
    exportedAt: '2026-01-01T00:00:00.000Z',
    window: 30,
    minSamples: 10,
    baselines: FILES.flatMap((file) =>
      ['first', 'second'].map((which) => ({
        testId: testIdOf(file, `${file} ${which}`),
        file,
        fullName: `${file} ${which}`,
        medianMs: DURATIONS[file]! / 2,
        madMs: 0,
        samples: 10,
      })),
    ),
  };
}

/** Which files each of `shardCount` shards ran, checking that every test ran once and passed. */
async function runShards(project: JestProject, shardCount: number, env: Record<string, string> = {}): Promise<string[][]> {
  const shards: string[][] = [];
  const seen: string[] = [];
  for (let index = 1; index <= shardCount; index++) {
    const run = await project.run({ args: [`--shard=${index}/${shardCount}`], env });
    expect(run.stderr).not.toMatch(/flaky-detector\] Failed/);
    expect(run.tests.every((test) => test.status === 'passed')).toBe(true);
    seen.push(...run.tests.map((test) => test.fullName));
    shards.push([...new Set(run.tests.map((test) => test.fullName.split(' ')[0]!))].sort());
  }
  expect(seen.sort()).toEqual(FILES.flatMap((file) => [`${file} first`, `${file} second`]).sort());
  return shards;
}

let project: JestProject | undefined;
afterEach(() => project?.remove());

describe.each([
  { mode: 'CommonJS', esm: false },
  { mode: 'native ESM', esm: true },
])('the duration-aware sequencer under real Jest --shard ($mode)', ({ esm }) => {
  it('should split test files by the durations of an exported baselines file, every test once', async () => {
    const files: Record<string, string> = {
      'jest.config.cjs': fixture('jest.config.cjs'),
      'ci/durations.json': JSON.stringify(durationsFile()),
    };
    for (const file of FILES) files[file] = testModule(esm ? esmFileTests : fileTests);
    project = createJestProject({
      packageDir,
      esm,
      files: { ...files, ...(esm ? { 'package.json': JSON.stringify({ type: 'module' }) } : {}) },
    });

    const shards = await runShards(project, 4, { FLAKY_DETECTOR_DURATIONS: 'ci/durations.json' });

    expect(shards).toEqual(EXPECTED_SHARDS);
  });
});

describe('the duration-aware sequencer', () => {
  it('should read durations from the history store when there is no durations file', async () => {
    const files: Record<string, string> = { 'jest.config.cjs': fixture('jest.config.cjs') };
    for (const file of FILES) files[file] = testModule(fileTests);
    project = createJestProject({ packageDir, files });
    {
      await using store = await openHistoryStore({ cwd: project.dir });
      for (const runId of ['r1', 'r2', 'r3']) {
        await store.recordRun({ runId, nodeVersion: 'v24.0.0', os: 'linux', startedAt: `2026-01-01T00:0${runId.slice(1)}:00.000Z` });
        await store.recordAttempts(
          FILES.map((file) => ({
            runId,
            testId: testIdOf(file, `${file} first`),
            file,
            fullName: `${file} first`,
            attempt: 1,
            status: 'passed' as const,
            // Reversed: t8 is the longest here.
            durationMs: 5000 - DURATIONS[file]!,
          })),
        );
      }
    }

    const shards = await runShards(project, 2);

    // t5-t8 4500 each, t4 4000, t3 3000, t2 2000, t1 1000: LPT gives [t5, t7, t4, t1] and [t6, t8, t3, t2], 14000 ms each.
    expect(shards).toEqual([
      ['t1.test.js', 't4.test.js', 't5.test.js', 't7.test.js'],
      ['t2.test.js', 't3.test.js', 't6.test.js', 't8.test.js'],
    ]);
  });

  it('should fall back to file sizes for files it has no durations for', async () => {
    const files: Record<string, string> = { 'jest.config.cjs': fixture('jest.config.cjs') };
    for (const file of FILES) files[file] = testModule(fileTests);
    files['t3.test.js'] = `${files['t3.test.js']!}\n// ${'padding '.repeat(2000)}\n`;
    project = createJestProject({ packageDir, files });

    const shards = await runShards(project, 3);

    expect(shards.filter((shard) => shard.includes('t3.test.js'))).toEqual([['t3.test.js']]);
  });

  it('should take its options from a file of the project', async () => {
    const files: Record<string, string> = {
      'jest.config.cjs': 'module.exports = { testSequencer: "<rootDir>/duration-sequencer.cjs" };\n',
      'duration-sequencer.cjs': fixture('duration-sequencer.cjs'),
      'ci/durations.json': JSON.stringify(durationsFile()),
    };
    for (const file of FILES) files[file] = testModule(fileTests);
    project = createJestProject({ packageDir, files });

    expect(await runShards(project, 4)).toEqual(EXPECTED_SHARDS);
  });

  it('should fail the run with the file at fault when the durations file is invalid', async () => {
    const files: Record<string, string> = { 'jest.config.cjs': fixture('jest.config.cjs'), 'ci/durations.json': '{"version": 1}' };
    for (const file of FILES) files[file] = testModule(fileTests);
    project = createJestProject({ packageDir, files });

    const run = await project.run({ args: ['--shard=1/2'], env: { FLAKY_DETECTOR_DURATIONS: 'ci/durations.json' } });

    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toMatch(/\[flaky-detector\] Failed to read the duration baselines in .*ci\/durations\.json: 4 fields are wrong/);
    expect(run.stderr).toContain('- baselines: expected an array, got nothing.');
  });
});
