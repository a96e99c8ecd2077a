import { didYouMean, listChoices } from '@proving-ground/kit';
import { TestModesError } from './errors.js';
import { jestGlobal, type AddTestEvent, type JestTestFunction } from './jest-circus.js';
import { currentMode, MODES, type Mode } from './mode.js';

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

const kLiveDepth = Symbol.for('@proving-ground/test-modes/live-depth');
const depthHolder = globalThis as unknown as Record<symbol, number | undefined>;

function enterLive(): void {
  depthHolder[kLiveDepth] = (depthHolder[kLiveDepth] ?? 0) + 1;
}

function leaveLive(): void {
  depthHolder[kLiveDepth] = (depthHolder[kLiveDepth] ?? 1) - 1;
}

/** Whether tests being declared now are marked live (inside `live.test()` or a `live.describe()` callback). */
export function insideLiveDescribe(): boolean {
  return (depthHolder[kLiveDepth] ?? 0) > 0;
}

function jestFunction(name: 'test' | 'it' | 'describe'): JestTestFunction {
  const fn = jestGlobal(name);
  if (fn === undefined) {
    throw new TestModesError('TEST_MODES_MISSING_JEST_GLOBALS', {
      action: `declare a mode-scoped ${name}`,
      reason: `Jest's global "${name}" is missing`,
      fix: 'Call it from a Jest test file with injectGlobals left on.',
    });
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
      throw new TestModesError('TEST_MODES_INVALID_MODE', {
        action: 'scope tests with onlyIn()',
        reason: `${JSON.stringify(String(mode))} is not a mode.${didYouMean(String(mode), MODES)}`,
        fix: `Use one of ${listChoices(MODES)}.`,
      });
    }
  }
  const runs = (): boolean => modes.includes(currentMode());
  const declare = (kind: 'test' | 'it') => (name: string, fn: TestBody, timeout?: number) => {
    const jestTest = jestFunction(kind);
    if (runs()) {
      enterLive();
      try {
        jestTest(name, fn, timeout);
      } finally {
        leaveLive();
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
        enterLive();
        try {
          fn();
        } finally {
          leaveLive();
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

/**
 * A jest-circus event handler that, in a live_smoke run, declares every test not marked live as
 * skipped, with {@link LIVE_SMOKE_SKIP_REASON} in its title. It works on the test as Jest records
 * it, so tests declared through `@jest/globals` imports are covered as well as global ones.
 */
export function skipUnmarkedTests(event: AddTestEvent): void {
  if (event.name !== 'add_test' || insideLiveDescribe()) return;
  if (event.mode === 'skip' || event.mode === 'todo') return;
  event.mode = 'skip';
  event.testName = `${typeof event.testName === 'function' ? event.testName.name : String(event.testName)} ${LIVE_SMOKE_SKIP_REASON}`;
}
