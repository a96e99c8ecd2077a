/** The subset of Jest's test and describe functions this package wraps. */
export interface JestTestFunction {
  (name: unknown, fn?: (...args: never[]) => unknown, timeout?: number): unknown;
  skip: JestTestFunction;
  only: JestTestFunction;
  todo?: (name: string) => unknown;
  each: (...table: unknown[]) => (name: unknown, fn?: (...args: never[]) => unknown, timeout?: number) => unknown;
  concurrent?: JestTestFunction;
  failing?: JestTestFunction;
}

/** Jest's globals as the setup entry needs them. */
export interface JestGlobals {
  test: JestTestFunction;
  it: JestTestFunction;
  describe: JestTestFunction;
  beforeEach: (fn: () => unknown) => void;
  afterEach: (fn: () => unknown) => void;
}

const kOriginals = Symbol.for('@proving-ground/test-modes/jest-originals');
const NEEDED = ['test', 'it', 'describe', 'beforeEach', 'afterEach'] as const;

type GlobalHolder = Record<string | symbol, unknown>;

/** Jest's own `test`, `it` and `describe`, before the setup entry wrapped them; falls back to the globals. */
export function originalJestGlobals(): Partial<JestGlobals> {
  const holder = globalThis as GlobalHolder;
  const originals = holder[kOriginals] as Partial<JestGlobals> | undefined;
  return originals ?? (Object.fromEntries(NEEDED.map((key) => [key, holder[key]])) as Partial<JestGlobals>);
}

function haveAll(holder: GlobalHolder): boolean {
  return NEEDED.every((key) => typeof holder[key] === 'function');
}

/**
 * Run `callback` with Jest's globals as soon as they exist, and let it replace them.
 *
 * In `setupFilesAfterEnv` they exist already. In `setupFiles` (which run before Jest installs its
 * test framework) a setter on each name catches the moment jest-circus assigns it.
 */
export function withJestGlobals(callback: (globals: JestGlobals) => Partial<JestGlobals>): void {
  const holder = globalThis as GlobalHolder;
  const install = (): void => {
    const globals = Object.fromEntries(NEEDED.map((key) => [key, holder[key]])) as unknown as JestGlobals;
    holder[kOriginals] = { ...globals };
    const replacements = callback(globals);
    for (const [key, value] of Object.entries(replacements)) {
      Object.defineProperty(holder, key, { value, writable: true, configurable: true, enumerable: true });
    }
  };
  if (haveAll(holder)) {
    install();
    return;
  }
  let installed = false;
  for (const key of NEEDED) {
    let current = holder[key];
    Object.defineProperty(holder, key, {
      configurable: true,
      enumerable: true,
      get: () => current,
      set: (value: unknown) => {
        current = value;
        Object.defineProperty(holder, key, { value, writable: true, configurable: true, enumerable: true });
        if (!installed && haveAll(holder)) {
          installed = true;
          install();
        }
      },
    });
  }
}
