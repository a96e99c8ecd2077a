import { describe, expect, it } from '@jest/globals';
import { nearestMatch } from './did-you-mean.js';

describe('nearestMatch', () => {
  it('should suggest the closest candidate for a typo', () => {
    expect(nearestMatch('gloden', ['mock', 'golden', 'live_smoke'])).toBe('golden');
    expect(nearestMatch('livesmoke', ['mock', 'golden', 'live_smoke'])).toBe('live_smoke');
  });

  it('should suggest nothing for an unrelated value', () => {
    expect(nearestMatch('production', ['mock', 'golden', 'live_smoke'])).toBeUndefined();
  });
});
