import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { betaCdf, betaQuantile, logGamma } from './beta-distribution.js';

/** P(Binomial(n, x) >= k), which equals I_x(k, n - k + 1). */
function binomialTail(n: number, k: number, x: number): number {
  let sum = 0;
  let coefficient = 1;
  for (let i = 0; i <= n; i++) {
    if (i >= k) sum += coefficient * x ** i * (1 - x) ** (n - i);
    coefficient = (coefficient * (n - i)) / (i + 1);
  }
  return sum;
}

describe('betaCdf', () => {
  it('should match the closed forms of Beta(a, 1), Beta(1, b) and Beta(2, 2)', () => {
    expect(betaCdf(0.3, 2.5, 1)).toBeCloseTo(0.3 ** 2.5, 12);
    expect(betaCdf(0.3, 1, 7)).toBeCloseTo(1 - 0.7 ** 7, 12);
    expect(betaCdf(0.25, 2, 2)).toBeCloseTo(0.15625, 12);
    expect(betaCdf(0, 3, 4)).toBe(0);
    expect(betaCdf(1, 3, 4)).toBe(1);
  });

  it('should equal the binomial tail for whole parameters', () => {
    for (const [n, k, x] of [
      [20, 1, 0.05],
      [100, 2, 0.01],
      [50, 25, 0.5],
      [10, 9, 0.8],
    ] as const) {
      expect(betaCdf(x, k, n - k + 1)).toBeCloseTo(binomialTail(n, k, x), 10);
    }
  });

  it('should compute ln Γ exactly at whole numbers and one half', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  });
});

describe('betaQuantile', () => {
  it('should give the 95 % upper bound after n clean runs under a flat prior: 1 - 0.05^(1/(n+1))', () => {
    expect(betaQuantile(0.95, 1, 60)).toBeCloseTo(1 - 0.05 ** (1 / 60), 10);
  });

  it('should invert the CDF for any parameters', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.double({ min: 0.5, max: 500, noNaN: true }),
        fc.double({ min: 0.5, max: 500, noNaN: true }),
        (p, a, b) => {
          expect(betaCdf(betaQuantile(p, a, b), a, b)).toBeCloseTo(p, 8);
        },
      ),
    );
  });
});
