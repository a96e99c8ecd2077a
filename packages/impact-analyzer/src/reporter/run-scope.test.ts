import { describe, expect, it } from '@jest/globals';
import { isFullRun } from './run-scope.js';

describe('isFullRun', () => {
  it('should count a run without narrowing as full', () => {
    expect(isFullRun({ testPathPatterns: { isSet: () => false } })).toBe(true);
  });

  it('should count shards, path patterns, changed-files modes and filters as partial', () => {
    expect(isFullRun({ shard: { shardIndex: 1, shardCount: 2 } })).toBe(false);
    expect(isFullRun({ testPathPatterns: { isSet: () => true } })).toBe(false);
    expect(isFullRun({ runTestsByPath: true })).toBe(false);
    expect(isFullRun({ onlyChanged: true })).toBe(false);
    expect(isFullRun({ changedSince: 'main' })).toBe(false);
    expect(isFullRun({ filter: '@proving-ground/impact-analyzer/filter' })).toBe(false);
  });
});
