import { checks } from '@proving-ground/kit';
import { registerFault, type FaultHandle } from '../cleanup/registry.js';
import { ChaosError } from '../errors.js';

/** A clock skew: a {@link FaultHandle} that says how it was applied. */
export interface ClockSkewHandle extends FaultHandle {
  readonly offsetMs: number;
  /** `date`: `Date` was replaced; `fake-timers`: Jest's fake clock was moved with `setSystemTime`. */
  readonly mode: 'date' | 'fake-timers';
}

interface FakeClock {
  now: number;
  setSystemTime(now: number): void;
}

interface SkewState {
  readonly version: 1;
  original: DateConstructor;
  skewed: DateConstructor;
  offsets: number[];
}

const kSkew = Symbol.for('@proving-ground/chaos-injectors/clock-skew@1');

function skewState(): SkewState {
  const holder = globalThis as unknown as Record<symbol, SkewState | undefined>;
  let state = holder[kSkew];
  if (state !== undefined) return state;
  const original = globalThis.Date;
  const offset = (): number => state!.offsets.reduce((sum, value) => sum + value, 0);
  // A function, not a subclass: `Date()` without `new` must work, and sharing the prototype keeps
  // `instanceof Date` true both ways and `constructor` pointing at the real Date.
  const skewed = function Date(this: unknown, ...args: unknown[]): unknown {
    if (new.target === undefined) return new original(original.now() + offset()).toString();
    return Reflect.construct(original, args.length === 0 ? [original.now() + offset()] : args, new.target);
  } as unknown as DateConstructor;
  Object.defineProperties(skewed, {
    prototype: { value: original.prototype, writable: false },
    now: { value: () => original.now() + offset(), writable: true, configurable: true },
    parse: { value: original.parse, writable: true, configurable: true },
    UTC: { value: original.UTC, writable: true, configurable: true },
  });
  state = { version: 1, original, skewed, offsets: [] };
  Object.defineProperty(holder, kSkew, { value: state, configurable: true, enumerable: false });
  return state;
}

function fakeClock(): FakeClock | undefined {
  const clock = (globalThis.Date as unknown as { clock?: Partial<FakeClock> }).clock;
  return typeof clock?.setSystemTime === 'function' && typeof clock.now === 'number' ? (clock as FakeClock) : undefined;
}

/**
 * Move the wall clock by `offsetMs` (negative for the past): `Date.now()`, `new Date()` and `Date()`
 * read the skewed time; timers, `performance.now()` and `process.hrtime()` are untouched, so
 * timeouts and measured durations behave as before. Skews add up; each restores its own share.
 *
 * Under Jest's fake timers (`jest.useFakeTimers()` called first) it moves the fake clock's system
 * time instead, which fires no timer. Fake timers turned on after a skew start from the real time
 * and hide the skew until `jest.useRealTimers()`.
 *
 * @throws ChaosError `CHAOS_INVALID_RESOURCE_FAULT` for an offset that is not a finite number
 * @example
 * await using skew = skewClock(5 * 60_000) // five minutes ahead: tokens look expired
 */
export function skewClock(offsetMs: number): ClockSkewHandle {
  const problem = checks.number()(offsetMs);
  if (problem !== undefined) {
    throw new ChaosError('CHAOS_INVALID_RESOURCE_FAULT', {
      action: 'skew the clock',
      reason: `the offset: ${problem}`,
      fix: 'Pass the skew in milliseconds.',
    });
  }
  const sign = offsetMs >= 0 ? '+' : '-';
  const target = `wall clock ${sign}${Math.abs(offsetMs)}ms`;
  const fake = fakeClock();
  let handle: FaultHandle;
  if (fake !== undefined) {
    fake.setSystemTime(fake.now + offsetMs);
    handle = registerFault({ kind: 'clock', target: `${target} (fake timers)`, restore: () => fake.setSystemTime(fake.now - offsetMs) });
  } else {
    const state = skewState();
    state.offsets.push(offsetMs);
    globalThis.Date = state.skewed;
    handle = registerFault({
      kind: 'clock',
      target,
      restore: () => {
        const index = state.offsets.indexOf(offsetMs);
        if (index >= 0) state.offsets.splice(index, 1);
        if (state.offsets.length === 0 && globalThis.Date === state.skewed) globalThis.Date = state.original;
      },
    });
  }
  return Object.defineProperties({} as ClockSkewHandle, {
    ...Object.getOwnPropertyDescriptors(handle),
    offsetMs: { value: offsetMs, enumerable: true },
    mode: { value: fake === undefined ? 'date' : 'fake-timers', enumerable: true },
  });
}
