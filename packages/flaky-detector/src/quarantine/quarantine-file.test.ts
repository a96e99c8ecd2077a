import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFlakyError } from '../errors.js';
import { activeQuarantine, expiredEntries, quarantineProblems, readQuarantineFile, type QuarantineEntry } from './quarantine-file.js';

const root = mkdtempSync(join(tmpdir(), 'flaky-quarantine-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ENTRY: QuarantineEntry = {
  testId: 'a1b2c3d4e5f60718',
  owner: '@payments',
  reason: 'the sandbox declines at random',
  issue: 'https://example.invalid/issues/1',
  expires: '2026-03-31',
};

describe('readQuarantineFile', () => {
  it('should read no entries from a missing default file, and refuse a missing named one', () => {
    expect(readQuarantineFile('flaky-quarantine.json', root)).toEqual({ entries: [] });
    expect(() => readQuarantineFile('ci/quarantine.json', root, true)).toThrow(
      /Failed to read the quarantine file .*ci\/quarantine.json: there is no such file/,
    );
  });

  it('should refuse a file that is not JSON, with the code FLAKY_INVALID_QUARANTINE', () => {
    writeFileSync(join(root, 'bad.json'), '{ "entries": [ ');

    let caught: unknown;
    try {
      readQuarantineFile('bad.json', root);
    } catch (error) {
      caught = error;
    }

    expect(isFlakyError(caught) && caught.code).toBe('FLAKY_INVALID_QUARANTINE');
    expect((caught as Error).message).toContain('it is not JSON');
  });
});

describe('quarantineProblems', () => {
  it('should accept a valid file', () => {
    expect(quarantineProblems({ entries: [ENTRY, { ...ENTRY, testId: 'b1b2c3d4e5f60718', name: 'a.test.ts › pays' }] })).toEqual([]);
  });

  it('should name every missing field of every entry', () => {
    expect(quarantineProblems({ entries: [{ testId: ENTRY.testId }] })).toEqual([
      '- entries[0] (testId "a1b2c3d4e5f60718"): owner: missing.',
      '- entries[0] (testId "a1b2c3d4e5f60718"): reason: missing.',
      '- entries[0] (testId "a1b2c3d4e5f60718"): issue: missing.',
      '- entries[0] (testId "a1b2c3d4e5f60718"): expires: missing.',
    ]);
  });

  it('should refuse impossible dates and other shapes', () => {
    expect(quarantineProblems({ entries: [{ ...ENTRY, expires: '2026-02-30' }] })).toEqual([
      '- entries[0] (testId "a1b2c3d4e5f60718"): expires: expected a date YYYY-MM-DD, got "2026-02-30".',
    ]);
    expect(quarantineProblems([ENTRY])).toHaveLength(1);
    expect(quarantineProblems({ entries: ['x'] })).toEqual(['- entries[0]: expected an object, got "x".']);
  });
});

describe('expiry', () => {
  const file = { entries: [ENTRY, { ...ENTRY, testId: 'b1b2c3d4e5f60718', expires: '2026-04-01' }] };

  it('should keep an entry through its expires day (UTC) and expire it the day after', () => {
    expect(expiredEntries(file, new Date('2026-03-31T23:59:59Z'))).toEqual([]);
    expect(expiredEntries(file, new Date('2026-04-01T00:00:00Z')).map((entry) => entry.testId)).toEqual(['a1b2c3d4e5f60718']);
    expect([...activeQuarantine(file, new Date('2026-04-01T00:00:00Z')).keys()]).toEqual(['b1b2c3d4e5f60718']);
  });
});
