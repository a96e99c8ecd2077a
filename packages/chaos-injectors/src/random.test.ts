import { describe, expect, it } from '@jest/globals';
import { isChaosError } from './errors.js';
import { createRandom } from './random.js';

const draw = (seed: number | string, label: string, count = 5): number[] => {
  const random = createRandom(seed).fork(label);
  return Array.from({ length: count }, () => random.next());
};

describe('createRandom', () => {
  it('should give the same numbers for the same seed and label, and other numbers for another seed', () => {
    expect(draw(42, 'latency')).toEqual(draw(42, 'latency'));
    expect(draw(42, 'latency')).not.toEqual(draw(43, 'latency'));
    expect(draw('42', 'latency')).toEqual(draw(42, 'latency'));
  });

  it('should keep forks independent, so a new fault does not change what another rolls', () => {
    const alone = createRandom(7);
    const first = alone.fork('reset_peer');
    const withAnother = createRandom(7);
    withAnother.fork('latency').next();
    const second = withAnother.fork('reset_peer');

    expect([first.next(), first.next()]).toEqual([second.next(), second.next()]);
  });

  it('should draw whole numbers within bounds and honour certain and impossible chances', () => {
    const random = createRandom(1);
    const values = Array.from({ length: 500 }, () => random.int(3, 6));

    expect(new Set(values)).toEqual(new Set([3, 4, 5, 6]));
    expect(Array.from({ length: 50 }, () => random.chance(1)).every(Boolean)).toBe(true);
    expect(Array.from({ length: 50 }, () => random.chance(0)).some(Boolean)).toBe(false);
  });

  it('should refuse a seed that is not a whole number', () => {
    let error: unknown;
    try {
      createRandom(1.5);
    } catch (caught) {
      error = caught;
    }

    expect(isChaosError(error)).toBe(true);
    expect((error as Error).message).toBe(
      '[chaos-injectors] Failed to use the seed: 1.5 is not a whole number. Pass a whole number or a non-empty string (or set CHAOS_SEED).',
    );
  });
});
