import { currentMode, MODES, type Mode } from './mode.js';
import { originalJestGlobals, type JestTestFunction } from './jest-globals.js';

type TestBody = (...args: never[]) => unknown;

/** Tests and suites that run only in some modes, and are reported as skipped, with the reason, in the others. */
export interface ModeScopedApi {
  /** Like Jest's `test`, run only in the chosen modes. */
  test(name: string, fn: TestBody, timeout?: number): void;
  /** Alias of {@link ModeScopedApi.test}. */
  it(name: string, fn: TestBody, timeout?: number): void;
  /** Like Jest's `describe`: every test inside runs only in the chosen modes. */
  describe(name: string, fn: () => void): void;
}

let liveDepth = 0;

/** Whether tests being declared now sit inside a `live.describe()` callback. */
export function insideLiveDescribe(): boolean {
  return liveDepth > 0;
}

function jestFunction(name: 'test' | 'it' | 'describe'): JestTestFunction {
  const fn = originalJestGlobals()[name];
  if (typeof fn !== 'function') {
    throw new Error(
      `[test-modes] Failed to declare a mode-scoped ${name}: Jest's global "${name}" is missing. Call it from a Jest test file with injectGlobals left on.`,
    );
  }
  return fn;
}

/** The title suffix that says why a test was skipped. */
export function skipReason(modes: readonly Mode[], mode: Mode): string {
  return `[skipped: runs only in ${modes.join(' or ')}; TEST_MODE=${mode}]`;
}

/**
 * Tests that run only in the given modes. In other modes they are skipped, and their title says why.
 *
 * @param modes - the modes in which the tests run
 * @example
 * onlyIn('golden', 'live_smoke').test('replays the FAQ answer', async () => { ... })
 */
export function onlyIn(...modes: Mode[]): ModeScopedApi {
  for (const mode of modes) {
    if (!(MODES as readonly string[]).includes(mode)) {
      throw new Error(`[test-modes] Failed to scope tests to "${String(mode)}": not a mode. Use ${MODES.join(', ')}.`);
    }
  }
  const runs = (): boolean => modes.includes(currentMode());
  const declare = (kind: 'test' | 'it') => (name: string, fn: TestBody, timeout?: number) => {
    const jestTest = jestFunction(kind);
    if (runs()) {
      liveDepth++;
      try {
        jestTest(name, fn, timeout);
      } finally {
        liveDepth--;
      }
    } else {
      jestTest.skip(`${name} ${skipReason(modes, currentMode())}`, fn, timeout);
    }
  };
  return {
    test: declare('test'),
    it: declare('it'),
    describe(name, fn) {
      const jestDescribe = jestFunction('describe');
      if (!runs()) {
        jestDescribe.skip(`${name} ${skipReason(modes, currentMode())}`, fn);
        return;
      }
      jestDescribe(name, () => {
        liveDepth++;
        try {
          fn();
        } finally {
          liveDepth--;
        }
      });
    },
  };
}

/**
 * Tests for `live_smoke` runs: they talk to real services. In `mock` and `golden` they are skipped
 * with the reason in their title; in `live_smoke` they are the only tests that run.
 *
 * @example
 * live.test('answers from the real upstream', async () => { ... })
 */
export const live: ModeScopedApi = onlyIn('live_smoke');

/** The title suffix for an unmarked test in a live_smoke run. */
export const LIVE_SMOKE_SKIP_REASON = '[skipped: live_smoke runs only tests marked with live.test() or onlyIn(); TEST_MODE=live_smoke]';

function labelOf(name: unknown): string {
  if (typeof name === 'function') return name.name;
  return String(name);
}

/**
 * Wrap Jest's `test`/`it` so that, in a live_smoke run, every test not marked live is declared
 * skipped with {@link LIVE_SMOKE_SKIP_REASON} in its title.
 */
export function skipUnmarkedInLiveSmoke(original: JestTestFunction): JestTestFunction {
  const skipped = (name: unknown, ...rest: unknown[]): unknown =>
    (original.skip as (...args: unknown[]) => unknown)(`${labelOf(name)} ${LIVE_SMOKE_SKIP_REASON}`, ...rest);
  const wrap = (variant: JestTestFunction): JestTestFunction =>
    new Proxy(variant, {
      apply(target, thisArg, args: unknown[]) {
        if (insideLiveDescribe()) return Reflect.apply(target, thisArg, args);
        return skipped(args[0], ...args.slice(1));
      },
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (property === 'each' && typeof value === 'function') {
          return (...table: unknown[]) => {
            if (insideLiveDescribe()) return (value as (...args: unknown[]) => unknown)(...table);
            const skipEach = original.skip.each(...table);
            return (name: unknown, ...rest: unknown[]) =>
              (skipEach as (...args: unknown[]) => unknown)(`${labelOf(name)} ${LIVE_SMOKE_SKIP_REASON}`, ...rest);
          };
        }
        if ((property === 'only' || property === 'concurrent' || property === 'failing') && typeof value === 'function') {
          return wrap(value as JestTestFunction);
        }
        return value;
      },
    });
  return wrap(original);
}
