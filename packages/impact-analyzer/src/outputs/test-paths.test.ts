import { describe, expect, it } from '@jest/globals';
import type { Selection, TestDecision } from '../model.js';
import { formatPaths, testsToRun } from './test-paths.js';

const decision = (path: string, selected: boolean): TestDecision => ({
  path,
  selected,
  reasons: [{ code: selected ? 'static-dependency' : 'not-affected', message: selected ? 'It depends on src/a.ts.' : 'Not affected.' }],
});

function selection(overrides: Partial<Selection> = {}): Selection {
  return {
    base: 'a'.repeat(40),
    head: 'working-tree',
    changes: [{ path: 'src/a.ts', status: 'modified' }],
    runAll: false,
    runAllReasons: [],
    tests: [decision('test/b.test.ts', true), decision('test/a.test.ts', true), decision('test/c.test.ts', false)],
    selected: ['test/b.test.ts', 'test/a.test.ts'],
    elapsedMs: 12,
    ...overrides,
  };
}

describe('formatPaths', () => {
  it('should print the selected tests as absolute paths, one a line, in predicted order', () => {
    expect(formatPaths(selection(), '/repo')).toBe('/repo/test/b.test.ts\n/repo/test/a.test.ts');
  });

  it('should print every known test when everything runs, even one the selection left out', () => {
    const runAll = selection({
      runAll: true,
      runAllReasons: [{ code: 'stale-map', message: 'There is no map.' }],
      selected: ['test/b.test.ts'],
    });

    expect(formatPaths(runAll, '/repo').split('\n')).toEqual(['/repo/test/b.test.ts', '/repo/test/a.test.ts', '/repo/test/c.test.ts']);
  });

  it('should print nothing when the analyzer is sure no test is affected', () => {
    expect(formatPaths(selection({ selected: [] }), '/repo')).toBe('');
  });
});

describe('testsToRun', () => {
  it('should keep the selection order and list no test twice', () => {
    expect(testsToRun(selection({ runAll: true }))).toEqual(['test/b.test.ts', 'test/a.test.ts', 'test/c.test.ts']);
  });
});
