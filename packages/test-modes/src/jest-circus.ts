/**
 * What this package reads of Jest's test globals and of jest-circus's events. The handlers
 * themselves join the kit's one registry (`addCircusEventHandler`), shared by every Proving Ground
 * package in a test file.
 */

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

/** A jest-circus event, as far as this package reads it: `add_test` may be rewritten, `test_done` collects errors. */
export interface TestModesCircusEvent {
  name: string;
  test?: { errors: unknown[]; name: string };
  testName?: unknown;
  mode?: string | undefined;
}

/** An `add_test` event, whose `mode` and `testName` a handler may rewrite before Jest records the test. */
export type AddTestEvent = Pick<TestModesCircusEvent, 'name' | 'testName' | 'mode'>;

/** jest-circus's state, as far as this package reads it. */
export interface CircusState {
  unhandledErrors: unknown[];
}

/** A handler this package adds to the kit's registry. */
export type TestModesCircusHandler = (event: TestModesCircusEvent, state: CircusState) => void;
