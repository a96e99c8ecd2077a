import { describe, expect, it } from '@jest/globals';
import type { ImpactMap, TestRecord } from '../model.js';
import { mergeImpactMaps } from './map-merge.js';

function record(recordedAt: string, modules: string[]): TestRecord {
  return { recordedAt, durationMs: 1, status: 'passed', modules, reads: [], directories: [], env: [], packages: {} };
}

function map(
  updatedAt: string,
  commit: string,
  tests: Record<string, TestRecord>,
  hashes: Record<string, string>,
  knownTests = Object.keys(tests),
): ImpactMap {
  return { version: 1, updatedAt, commit, variant: { node: 'v24.0.0', timeZone: 'UTC', platform: 'linux' }, knownTests, tests, hashes };
}

describe('mergeImpactMaps', () => {
  it('should join the shards of one recording', () => {
    const one = map(
      '2026-12-02T00:00:00.000Z',
      'c2',
      { 'a.test.ts': record('2026-12-02T00:00:00.000Z', ['src/a.ts']) },
      { 'a.test.ts': '1', 'src/a.ts': '2' },
    );
    const two = map(
      '2026-12-02T00:01:00.000Z',
      'c2',
      { 'b.test.ts': record('2026-12-02T00:01:00.000Z', ['src/b.ts']) },
      { 'b.test.ts': '3', 'src/b.ts': '4' },
    );

    const merged = mergeImpactMaps([one, two]);

    expect(merged.knownTests).toEqual(['a.test.ts', 'b.test.ts']);
    expect(Object.keys(merged.tests)).toEqual(['a.test.ts', 'b.test.ts']);
    expect(merged.hashes).toEqual({ 'a.test.ts': '1', 'b.test.ts': '3', 'src/a.ts': '2', 'src/b.ts': '4' });
    expect(merged.commit).toBe('c2');
    expect(merged.updatedAt).toBe('2026-12-02T00:01:00.000Z');
  });

  it('should keep the newest record of a test, with the hashes it saw, and drop tests the newest recording no longer knows', () => {
    const old = map(
      '2026-12-01T00:00:00.000Z',
      'c1',
      { 'a.test.ts': record('2026-12-01T00:00:00.000Z', ['src/old.ts']), 'gone.test.ts': record('2026-12-01T00:00:00.000Z', []) },
      { 'a.test.ts': 'old', 'src/old.ts': 'o', 'gone.test.ts': 'g' },
    );
    const fresh = map(
      '2026-12-02T00:00:00.000Z',
      'c2',
      { 'a.test.ts': record('2026-12-02T00:00:00.000Z', ['src/new.ts']) },
      { 'a.test.ts': 'new', 'src/new.ts': 'n' },
    );

    const merged = mergeImpactMaps([fresh, old]);

    expect(merged.tests).toEqual({ 'a.test.ts': fresh.tests['a.test.ts'] });
    expect(merged.hashes).toEqual({ 'a.test.ts': 'new', 'src/new.ts': 'n' });
    expect(merged.knownTests).toEqual(['a.test.ts']);
  });

  it('should refuse to merge nothing', () => {
    expect(() => mergeImpactMaps([])).toThrow('no map was given');
  });
});
