import { afterEach, describe, expect, it } from '@jest/globals';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendShadowEntry, readShadowLog, type ShadowEntry } from './shadow-log.js';

const entry: ShadowEntry = {
  at: '2026-12-01T00:00:00.000Z',
  base: 'b'.repeat(40),
  head: 'working-tree',
  runAll: false,
  selected: 2,
  total: 10,
  failed: ['a.test.ts'],
  missed: ['a.test.ts'],
};

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('shadow log', () => {
  it('should read back the entries appended, oldest first', () => {
    dir = mkdtempSync(join(tmpdir(), 'impact-shadow-'));
    const path = join(dir, 'nested', 'shadow.jsonl');
    appendShadowEntry(path, entry);
    appendShadowEntry(path, { ...entry, commit: 'c', missed: [] });
    expect(readShadowLog(path)).toEqual([entry, { ...entry, commit: 'c', missed: [] }]);
  });

  it('should name the line that is not an entry', () => {
    dir = mkdtempSync(join(tmpdir(), 'impact-shadow-'));
    const path = join(dir, 'shadow.jsonl');
    appendShadowEntry(path, entry);
    appendFileSync(path, '{"at": 1}\n');
    expect(() => readShadowLog(path)).toThrow('line 2 is not a shadow entry');
  });
});
