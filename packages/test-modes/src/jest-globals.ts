/** The subset of Jest's test and describe functions this package calls. */
export interface JestTestFunction {
  (name: string, fn?: (...args: never[]) => unknown, timeout?: number): unknown;
  skip: (name: string, fn?: (...args: never[]) => unknown, timeout?: number) => unknown;
}

/** Jest's globals as the setup entry needs them. */
export interface JestGlobals {
  test: JestTestFunction;
  it: JestTestFunction;
  describe: JestTestFunction;
  beforeEach: (fn: () => unknown) => void;
  afterEach: (fn: () => unknown) => void;
}

const NEEDED = ['test', 'it', 'describe', 'beforeEach', 'afterEach'] as const;

type GlobalHolder = Record<string | symbol, unknown>;

/** Jest's `test`, `it` and `describe` globals of the current test file. */
export function jestGlobals(): Partial<JestGlobals> {
  const holder = globalThis as GlobalHolder;
  return Object.fromEntries(NEEDED.map((key) => [key, holder[key]]));
}

function haveAll(holder: GlobalHolder): boolean {
  return NEEDED.every((key) => typeof holder[key] === 'function');
}

/**
 * Run `callback` with Jest's globals as soon as they exist.
 *
 * In `setupFilesAfterEnv` they exist already. `setupFiles` run before Jest installs its test
 * framework, so there a setter on each name catches the moment jest-circus assigns it.
 */
export function withJestGlobals(callback: (globals: JestGlobals) => void): void {
  const holder = globalThis as GlobalHolder;
  if (haveAll(holder)) {
    callback(jestGlobals() as JestGlobals);
    return;
  }
  let called = false;
  for (const key of NEEDED) {
    let current = holder[key];
    Object.defineProperty(holder, key, {
      configurable: true,
      enumerable: true,
      get: () => current,
      set: (value: unknown) => {
        current = value;
        Object.defineProperty(holder, key, { value, writable: true, configurable: true, enumerable: true });
        if (!called && haveAll(holder)) {
          called = true;
          callback(jestGlobals() as JestGlobals);
        }
      },
    });
  }
}

const kEventHandlers = Symbol.for('EVENT_HANDLERS');

/**
 * Run `handler` on every jest-circus event of this test file, before Jest's own handler (so an
 * `add_test` event can still be rewritten). Call it once the globals exist (see {@link withJestGlobals}).
 *
 * @returns false when the running test framework is not jest-circus
 */
export function addCircusEventHandler(handler: (event: { name: string }) => void): boolean {
  const handlers = (globalThis as GlobalHolder)[kEventHandlers];
  if (!Array.isArray(handlers)) return false;
  handlers.unshift(handler);
  return true;
}
