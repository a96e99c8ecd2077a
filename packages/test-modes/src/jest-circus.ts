/** The subset of Jest's test and describe functions `live` and `onlyIn` call. */
export interface JestTestFunction {
  (name: string, fn?: (...args: never[]) => unknown, timeout?: number): unknown;
  skip: (name: string, fn?: (...args: never[]) => unknown, timeout?: number) => unknown;
}

/** Jest's `test`, `it` or `describe` global of the current test file, if Jest injected it. */
export function jestGlobal(name: 'test' | 'it' | 'describe'): JestTestFunction | undefined {
  const value = (globalThis as Record<string, unknown>)[name];
  return typeof value === 'function' ? (value as JestTestFunction) : undefined;
}

/** A jest-circus event, as far as this package reads it. */
export interface CircusEvent {
  name: string;
  test?: { errors: unknown[]; name: string };
  testName?: unknown;
  mode?: string | undefined;
}

/** jest-circus's state, as far as this package reads it. */
export interface CircusState {
  unhandledErrors: unknown[];
}

export type CircusEventHandler = (event: CircusEvent, state: CircusState) => void;

// jest-circus keeps the event handlers of a test file in this global slot (whether or not Jest
// injects its globals), assigning it when its state module loads for the file.
const kEventHandlers = Symbol.for('EVENT_HANDLERS');

/**
 * Run `handlers` on every jest-circus event of this test file, before Jest's own handler, so an
 * `add_test` event can still be rewritten. Setup files run before jest-circus loads for the file:
 * a setter on its handler slot catches the moment it does.
 */
export function addCircusEventHandlers(handlers: readonly CircusEventHandler[]): void {
  const holder = globalThis as unknown as Record<symbol, unknown>;
  const attach = (list: unknown): void => {
    if (Array.isArray(list)) list.unshift(...handlers);
  };
  const existing = holder[kEventHandlers];
  if (Array.isArray(existing)) {
    attach(existing);
    return;
  }
  // Another package's setup file may already wait for the slot the same way: keep its setter running,
  // so its handlers are attached too whichever setup file comes first.
  const previous = Object.getOwnPropertyDescriptor(holder, kEventHandlers);
  Object.defineProperty(holder, kEventHandlers, {
    configurable: true,
    enumerable: false,
    get: () => undefined,
    set: (value: unknown) => {
      Object.defineProperty(holder, kEventHandlers, { value, writable: true, configurable: true, enumerable: false });
      previous?.set?.call(holder, value);
      attach(holder[kEventHandlers]);
    },
  });
}
