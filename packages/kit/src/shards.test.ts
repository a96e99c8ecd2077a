import { describe, expect, it } from '@jest/globals';
import { packLongestFirst } from './shards.js';

describe('packLongestFirst', () => {
  it('should place the costliest first, each on the least loaded shard', () => {
    const items = [
      { path: 'b', cost: 300 },
      { path: 'a', cost: 900 },
      { path: 'c', cost: 500 },
      { path: 'd', cost: 400 },
    ];

    // a (900) and c (500) open the shards, d (400) joins c (500 < 900), b (300) goes to the first on a 900-900 tie.
    expect(packLongestFirst(items, 2)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('should break ties by path and then to the lowest shard, whatever the input order', () => {
    const items = [
      { path: 'y', cost: 5 },
      { path: 'x', cost: 5 },
      { path: 'z', cost: 5 },
    ];

    expect(packLongestFirst(items, 2)).toEqual([['x', 'z'], ['y']]);
    expect(packLongestFirst([...items].reverse(), 2)).toEqual([['x', 'z'], ['y']]);
    expect(packLongestFirst(items, 4)).toEqual([['x'], ['y'], ['z'], []]);
  });
});
