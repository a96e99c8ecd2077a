import { describe, expect, it } from '@jest/globals';
import type { ImpactMap, RunVariant } from '../model.js';
import { mapStaleness } from './map-freshness.js';

const variant: RunVariant = { node: 'v24.3.0', timeZone: 'UTC', platform: 'linux' };
const mapAt = (commit: string | undefined, overrides: Partial<RunVariant> = {}): ImpactMap => ({
  version: 1,
  updatedAt: '2026-12-01T00:00:00.000Z',
  ...(commit === undefined ? {} : { commit }),
  variant: { ...variant, ...overrides },
  knownTests: [],
  tests: {},
  hashes: {},
});

/** A history where `a` is 3 commits behind `base` and `c` lies on another branch. */
const repo = {
  commitsBetween(from: string, to: string): number | undefined {
    if (from === 'a' && to === 'base') return 3;
    if (from === 'base' && to === 'd') return 70;
    return undefined;
  },
};

describe('mapStaleness', () => {
  it('should trust a map recorded at the base or a few commits behind it', () => {
    expect(mapStaleness(mapAt('base'), repo, 'base', 50, variant)).toBeUndefined();
    expect(mapStaleness(mapAt('a'), repo, 'base', 50, variant)).toBeUndefined();
  });

  it('should call a map stale when it is further from the base than maxStaleCommits allows', () => {
    expect(mapStaleness(mapAt('a'), repo, 'base', 2, variant)).toBe('the map is 3 commits behind the base (more than maxStaleCommits, 2)');
    expect(mapStaleness(mapAt('d'), repo, 'base', 50, variant)).toContain('70 commits ahead of');
  });

  it('should call a map stale when its commit is not on the base line of history', () => {
    expect(mapStaleness(mapAt('c'), repo, 'base', 50, variant)).toContain('neither an ancestor nor a descendant');
  });

  it('should call a map from another Node major version or time zone stale, and accept another minor version', () => {
    expect(mapStaleness(mapAt('base', { node: 'v22.19.0' }), repo, 'base', 50, variant)).toContain('Node v22.19.0');
    expect(mapStaleness(mapAt('base', { timeZone: 'America/New_York' }), repo, 'base', 50, variant)).toContain('America/New_York');
    expect(mapStaleness(mapAt('base', { node: 'v24.9.1' }), repo, 'base', 50, variant)).toBeUndefined();
  });

  it('should not trust a map that does not say where it was recorded', () => {
    expect(mapStaleness(mapAt(undefined), repo, 'base', 50, variant)).toContain('does not say which commit');
  });
});
