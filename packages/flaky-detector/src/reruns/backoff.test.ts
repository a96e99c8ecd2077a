import { describe, expect, it } from '@jest/globals';
import { backoffDelay } from './backoff.js';

const OPTIONS = { initialDelayMs: 100, factor: 2, maxDelayMs: 1000, seed: 42 };
const ID = 'a1b2c3d4e5f60718';

describe('backoffDelay', () => {
  it('should grow exponentially with equal jitter: between half and all of initial x factor^(retry-1)', () => {
    const delays = [1, 2, 3, 4].map((retry) => backoffDelay(OPTIONS, ID, retry));

    expect(delays[0]).toBeGreaterThanOrEqual(50);
    expect(delays[0]).toBeLessThanOrEqual(100);
    expect(delays[1]).toBeGreaterThanOrEqual(100);
    expect(delays[1]).toBeLessThanOrEqual(200);
    expect(delays[2]).toBeGreaterThanOrEqual(200);
    expect(delays[3]).toBeLessThanOrEqual(800);
  });

  it('should never wait longer than maxDelayMs', () => {
    expect(backoffDelay(OPTIONS, ID, 30)).toBeLessThanOrEqual(1000);
    expect(backoffDelay(OPTIONS, ID, 30)).toBeGreaterThanOrEqual(500);
  });

  it('should give the same delay for the same seed, test and retry, and spread other tests out', () => {
    const again = backoffDelay({ ...OPTIONS }, ID, 2);
    const others = Array.from({ length: 20 }, (_, index) => backoffDelay(OPTIONS, index.toString(16).padStart(16, '0'), 2));

    expect(again).toBe(backoffDelay(OPTIONS, ID, 2));
    expect(new Set(others).size).toBeGreaterThan(10);
    expect(backoffDelay({ ...OPTIONS, seed: 43 }, ID, 2)).not.toBe(again);
  });
});
