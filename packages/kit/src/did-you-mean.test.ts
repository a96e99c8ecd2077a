import { describe, expect, it } from '@jest/globals';
import { describeChoice, didYouMean, listChoices, nearestMatch } from './did-you-mean.js';

describe('nearestMatch', () => {
  it('should suggest the closest candidate for a typo, whatever the case', () => {
    expect(nearestMatch('gloden', ['mock', 'golden', 'live_smoke'])).toBe('golden');
    expect(nearestMatch('livesmoke', ['mock', 'golden', 'live_smoke'])).toBe('live_smoke');
    expect(nearestMatch('TIEMOUT', ['timeout', 'retries'])).toBe('timeout');
  });

  it('should suggest a candidate the input starts (the rec/record case the four old copies disagreed on)', () => {
    expect(nearestMatch('rec', ['replay', 'record'])).toBe('record');
    expect(nearestMatch('rec', ['recording', 'record'])).toBe('record');
  });

  it('should suggest nothing for an unrelated value or an input too short to be a prefix', () => {
    expect(nearestMatch('production', ['mock', 'golden', 'live_smoke'])).toBeUndefined();
    expect(nearestMatch('zz', ['record', 'replay'])).toBeUndefined();
    expect(nearestMatch('anything', [])).toBeUndefined();
  });

  it('should return an exact match (ignoring case) over closer-looking typos', () => {
    expect(nearestMatch('Mock', ['mocks', 'mock'])).toBe('mock');
  });
});

describe('message helpers', () => {
  it('should phrase a suggestion for the end of a sentence, or nothing', () => {
    expect(didYouMean('nmae', ['name'])).toBe(' Did you mean "name"?');
    expect(didYouMean('xyz', ['name'])).toBe('');
  });

  it('should quote a choice with its suggestion for the middle of a sentence', () => {
    expect(describeChoice('nmae', ['name'])).toBe('"nmae" (did you mean "name"?)');
    expect(describeChoice('xyz', ['name'])).toBe('"xyz"');
  });

  it('should list choices in prose', () => {
    expect(listChoices([])).toBe('none');
    expect(listChoices(['a'])).toBe('"a"');
    expect(listChoices(['mock', 'golden', 'live_smoke'])).toBe('"mock", "golden" and "live_smoke"');
  });
});
