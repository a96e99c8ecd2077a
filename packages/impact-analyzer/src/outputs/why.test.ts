import { describe, expect, it } from '@jest/globals';
import { isImpactError } from '../errors.js';
import type { Selection } from '../model.js';
import { formatChain, formatWhy } from './why.js';

const selection: Selection = {
  base: 'c'.repeat(40),
  head: 'working-tree',
  changes: [{ path: 'src/a.ts', status: 'modified' }],
  runAll: false,
  runAllReasons: [],
  tests: [
    {
      path: 'test/a.test.ts',
      selected: true,
      failureScore: 0.35,
      reasons: [
        {
          code: 'static-dependency',
          message: 'It depends on src/a.ts.',
          changedFile: 'src/a.ts',
          chain: ['src/a.ts', 'src/index.ts', 'test/a.test.ts'],
          steps: [
            { kind: 'export-from', specifier: './a' },
            { kind: 'import', specifier: '../src' },
          ],
        },
        {
          code: 'runtime-dependency',
          message: 'It loaded or read src/a.ts in the recorded run.',
          changedFile: 'src/a.ts',
          chain: ['src/a.ts', 'test/a.test.ts'],
        },
      ],
    },
    {
      path: 'test/b.test.ts',
      selected: false,
      reasons: [{ code: 'not-affected', message: 'Not affected: no changed file reaches it in the static graph.' }],
    },
    { path: 'packages/web/test/form.test.ts', selected: false, reasons: [{ code: 'not-affected', message: 'Not affected.' }] },
  ],
  selected: ['test/a.test.ts'],
  elapsedMs: 3,
};

function thrown(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('formatWhy', () => {
  it('should give each reason a selected test runs with the chain from the changed file, edges included', () => {
    expect(formatWhy(selection, 'test/a.test.ts')).toBe(
      [
        'test/a.test.ts runs (predicted failure likelihood 35%):',
        '  - [static-dependency] It depends on src/a.ts.',
        '      src/a.ts → src/index.ts (export-from "./a") → test/a.test.ts (import "../src")',
        '  - [runtime-dependency] It loaded or read src/a.ts in the recorded run.',
        '      src/a.ts → test/a.test.ts',
      ].join('\n'),
    );
  });

  it('should say why a test is skipped', () => {
    expect(formatWhy(selection, 'test/b.test.ts')).toBe(
      'test/b.test.ts is skipped:\n  - [not-affected] Not affected: no changed file reaches it in the static graph.',
    );
  });

  it('should give the run-all reasons for a test that runs only because everything runs', () => {
    const reason = { code: 'stale-map', message: 'There is no map at .impact-analyzer/map.json.' } as const;
    const runAll: Selection = {
      ...selection,
      runAll: true,
      runAllReasons: [reason],
      tests: [{ path: 'test/b.test.ts', selected: true, reasons: [{ ...reason }] }],
      selected: ['test/b.test.ts'],
    };

    expect(formatWhy(runAll, 'test/b.test.ts')).toBe(
      'test/b.test.ts runs:\nEverything runs, because:\n  - [stale-map] There is no map at .impact-analyzer/map.json.',
    );
  });

  it('should fail with IMPACT_UNKNOWN_TEST and the nearest known test for a typo', () => {
    const error = thrown(() => formatWhy(selection, 'test/a.tset.ts'));

    expect(isImpactError(error) && error.code).toBe('IMPACT_UNKNOWN_TEST');
    expect(error.message).toContain('"test/a.tset.ts" (did you mean "test/a.test.ts"?)');
  });

  it('should offer the test of the same file name for a path from another folder', () => {
    const error = thrown(() => formatWhy(selection, 'form.test.ts'));

    expect(error.message).toContain('(did you mean "packages/web/test/form.test.ts"?)');
  });
});

describe('formatChain', () => {
  it('should show the files alone when the reason gives no steps', () => {
    expect(formatChain(['src/a.ts', 'test/a.test.ts'])).toBe('src/a.ts → test/a.test.ts');
  });
});
