import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isImpactError } from '../errors.js';
import type { Selection } from '../model.js';
import { readSelectionFile, toSelectionFile, writeSelectionFile } from './selection-file.js';

const folder = mkdtempSync(join(tmpdir(), 'impact-selection-file-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const selection: Selection = {
  base: 'b'.repeat(40),
  head: 'working-tree',
  changes: [{ path: 'src/a.ts', status: 'modified' }],
  runAll: false,
  runAllReasons: [],
  tests: [
    {
      path: 'test/a.test.ts',
      selected: true,
      reasons: [
        { code: 'static-dependency', message: 'It depends on src/a.ts.', changedFile: 'src/a.ts', chain: ['src/a.ts', 'test/a.test.ts'] },
      ],
      failureScore: 0.35,
    },
  ],
  selected: ['test/a.test.ts'],
  elapsedMs: 5,
};

function thrown(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('the selection file', () => {
  it('should read back what was written, with its version and root', () => {
    const path = join(folder, 'nested', 'selection.json');

    writeSelectionFile(path, toSelectionFile(selection, '/repo'));

    expect(readSelectionFile(path)).toEqual({ version: 1, root: '/repo', ...selection });
  });

  it('should leave no temporary file next to the selection', () => {
    const path = join(folder, 'atomic', 'selection.json');

    writeSelectionFile(path, toSelectionFile(selection, '/repo'));
    writeSelectionFile(path, toSelectionFile({ ...selection, selected: [] }, '/repo'));

    expect(readdirSync(join(folder, 'atomic'))).toEqual(['selection.json']);
    expect(readSelectionFile(path).selected).toEqual([]);
  });

  it('should fail with IMPACT_INVALID_SELECTION naming a missing file', () => {
    const path = join(folder, 'missing.json');

    const error = thrown(() => readSelectionFile(path));

    expect(isImpactError(error) && error.code).toBe('IMPACT_INVALID_SELECTION');
    expect(error.message).toContain(path);
    expect(error.message).toContain('impact-analyzer select --out');
  });

  it.each([
    ['not JSON', '{ selected: ', /it is not JSON/],
    ['of another version', JSON.stringify({ ...toSelectionFile(selection, '/repo'), version: 2 }), /its version is 2/],
    ['without its decisions', JSON.stringify({ ...toSelectionFile(selection, '/repo'), tests: 'all' }), /tests is not a list/],
    [
      'with a relative root',
      JSON.stringify(toSelectionFile(selection, '/repo')).replace('"root":"/repo"', '"root":"repo"'),
      /root is not an absolute path/,
    ],
  ])('should refuse a file %s, naming it', (_, content, reason) => {
    const path = join(folder, `bad-${readdirSync(folder).length}.json`);
    writeFileSync(path, content);

    const error = thrown(() => readSelectionFile(path));

    expect(isImpactError(error) && error.code).toBe('IMPACT_INVALID_SELECTION');
    expect(error.message).toContain(path);
    expect(error.message).toMatch(reason);
  });
});
