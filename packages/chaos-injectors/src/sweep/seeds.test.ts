import { describe, expect, it } from '@jest/globals';
import { describeSeeds, parseSeeds, parseShard, shardSeeds, sweepSeeds } from './seeds.js';

describe('seed sweeps', () => {
  it('should read a count, a range and a list of seeds', () => {
    expect(parseSeeds('3')).toEqual(['1', '2', '3']);
    expect(parseSeeds('100..103')).toEqual(['100', '101', '102', '103']);
    expect(parseSeeds('7, 42,7,ab-12')).toEqual(['7', '42', 'ab-12']);
  });

  it('should refuse sweeps that are not seeds, saying how to write one', () => {
    expect(() => parseSeeds('9..3')).toThrow(
      '[chaos-injectors] Failed to read the seeds "9..3": the range ends (3) before it starts (9). Give a count (--seeds 50: seeds 1 to 50), a range (--seeds 100..149) or a list (--seeds 7,42,1234).',
    );
    expect(() => parseSeeds('0')).toThrow('a sweep needs at least one seed');
    expect(() => parseSeeds('1,two words')).toThrow('"two words" is not a seed');
  });

  it('should cut a sweep into shards that run every seed once, whatever job asks', () => {
    const seeds = parseSeeds('10');

    const shards = [1, 2, 3, 4].map((index) => shardSeeds(seeds, { index, count: 4 }));

    expect(shards).toEqual([
      ['1', '2', '3'],
      ['4', '5', '6'],
      ['7', '8'],
      ['9', '10'],
    ]);
    expect(shardSeeds(seeds, parseShard('2/4'))).toEqual(shards[1]);
    expect(shardSeeds(parseSeeds('2'), { index: 3, count: 3 })).toEqual([]);
  });

  it('should refuse a shard that is not index/count within range', () => {
    expect(() => parseShard('5/4')).toThrow('Failed to read the shard "5/4": the index must be from 1 to 4.');
    expect(() => parseShard('half')).toThrow('Failed to read the shard "half": it is not <index>/<count>.');
  });

  it('should read the sweep from CHAOS_SEEDS, where one number is one seed', () => {
    expect(sweepSeeds({})).toBeUndefined();
    expect(sweepSeeds({ CHAOS_SEEDS: '17' })).toEqual(['17']);
    expect(sweepSeeds({ CHAOS_SEEDS: '1..3' })).toEqual(['1', '2', '3']);
    expect(sweepSeeds({ CHAOS_SEEDS: '5,9' })).toEqual(['5', '9']);
  });

  it('should describe a sweep briefly', () => {
    expect(describeSeeds(parseSeeds('100..149'))).toBe('100..149');
    expect(describeSeeds(['7', '42'])).toBe('7, 42');
  });
});
