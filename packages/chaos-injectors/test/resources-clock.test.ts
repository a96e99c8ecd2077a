import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { isChaosError, skewClock } from '../src/index.js';

const HOUR = 3_600_000;

/** How far the wall clock is from the monotonic clock, in ms (0 without skew, give or take a little). */
function drift(): number {
  return Date.now() - (performance.timeOrigin + performance.now());
}

afterEach(() => {
  jest.useRealTimers();
});

describe('skewClock', () => {
  it('should move Date.now(), new Date() and Date() but not performance.now() or timers, and restore them', async () => {
    const RealDate = Date;
    const skew = skewClock(HOUR);

    const during = {
      drift: drift(),
      fromNew: new Date().getTime() - (performance.timeOrigin + performance.now()),
      fromCall: Date.parse(Date()),
    };
    const started = performance.now();
    await new Promise((done) => setTimeout(done, 20));
    const waited = performance.now() - started;
    const isDate = new RealDate() instanceof Date && new Date() instanceof RealDate;
    await skew.restore();

    expect(during.drift).toBeGreaterThan(HOUR - 1000);
    expect(during.fromNew).toBeGreaterThan(HOUR - 1000);
    expect(during.fromCall).toBeGreaterThan(RealDate.now() + HOUR - 2000);
    expect(waited).toBeLessThan(HOUR);
    expect(isDate).toBe(true);
    expect(Math.abs(drift())).toBeLessThan(1000);
    expect(Date).toBe(RealDate);
    expect(new Date(0).toISOString()).toBe('1970-01-01T00:00:00.000Z');
  });

  it('should add skews up and take each back on its own', async () => {
    const ahead = skewClock(2 * HOUR);
    const behind = skewClock(-HOUR);

    const both = drift();
    await ahead.restore();
    const onlyBehind = drift();
    await behind.restore();

    expect(Math.round(both / HOUR)).toBe(1);
    expect(Math.round(onlyBehind / HOUR)).toBe(-1);
    expect(Math.abs(drift())).toBeLessThan(1000);
  });

  it("should move Jest's fake clock when fake timers are on, firing no timer", async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const fired: string[] = [];
    setTimeout(() => fired.push('timer'), 1000);

    const skew = skewClock(HOUR);
    const during = Date.now();
    jest.advanceTimersByTime(1000);
    await skew.restore();

    expect(skew.mode).toBe('fake-timers');
    expect(during).toBe(1_000_000 + HOUR);
    expect(fired).toEqual(['timer']); // it fired after 1000 fake ms, not because of the skew
    expect(Date.now()).toBe(1_000_000 + 1000);
  });

  it('should be hidden by fake timers turned on after it, and back once they are off', async () => {
    const skew = skewClock(HOUR);

    jest.useFakeTimers();
    const underFakeTimers = drift();
    jest.useRealTimers();
    const afterFakeTimers = drift();
    await skew.restore();

    expect(skew.mode).toBe('date');
    expect(Math.abs(underFakeTimers)).toBeLessThan(1000);
    expect(afterFakeTimers).toBeGreaterThan(HOUR - 1000);
  });

  it('should refuse an offset that is not a number', () => {
    const error = (() => {
      try {
        skewClock(Number.NaN);
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();

    expect(isChaosError(error) && error.code).toBe('CHAOS_INVALID_RESOURCE_FAULT');
  });
});
