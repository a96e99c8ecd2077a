import { describe, expect, it } from '@jest/globals';
import { luhnValid } from './luhn.js';

describe('luhnValid', () => {
  it('should accept card numbers whose check digit is right', () => {
    expect(['4242424242424242', '5555555555554444', '378282246310005', '0'].map(luhnValid)).toEqual([true, true, true, true]);
  });

  it('should refuse a number with one digit changed or two neighbours swapped', () => {
    expect(['4242424242424241', '4242424242424224', '5555555555554445'].map(luhnValid)).toEqual([false, false, false]);
  });
});
