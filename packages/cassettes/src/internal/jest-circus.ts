/** A jest-circus event, as far as this package reads it. */
export interface CircusEvent {
  name: string;
  fn?: (...args: unknown[]) => unknown;
  testName?: unknown;
  test?: { errors: unknown[]; fn?: unknown; name: string };
}

/** A describe block of jest-circus's state. */
export interface CircusDescribeBlock {
  name: string;
  parent?: CircusDescribeBlock;
}

/** jest-circus's state, as far as this package reads it. */
export interface CircusState {
  currentDescribeBlock?: CircusDescribeBlock;
  unhandledErrors: unknown[];
}

export type CircusEventHandler = (event: CircusEvent, state: CircusState) => void | Promise<void>;

const kEventHandlers = Symbol.for('EVENT_HANDLERS');
const kExpectState = Symbol.for('$$jest-matchers-object');

/**
 * Run `handler` on every jest-circus event of this test file, before Jest's own handler (so an
 * `add_test` event can be rewritten). Works from a setup file (before jest-circus loads) and from a
 * test file.
 */
export function addCircusEventHandler(handler: CircusEventHandler): void {
  const holder = globalThis as unknown as Record<symbol, unknown>;
  const existing = holder[kEventHandlers];
  if (Array.isArray(existing)) {
    existing.unshift(handler);
    return;
  }
  // Another package's setup file may already wait for the slot the same way: keep its setter running.
  const previous = Object.getOwnPropertyDescriptor(holder, kEventHandlers);
  Object.defineProperty(holder, kEventHandlers, {
    configurable: true,
    enumerable: false,
    get: () => undefined,
    set: (value: unknown) => {
      Object.defineProperty(holder, kEventHandlers, { value, writable: true, configurable: true, enumerable: false });
      previous?.set?.call(holder, value);
      const list = holder[kEventHandlers];
      if (Array.isArray(list)) list.unshift(handler);
    },
  });
}

/** The test file Jest is running in this realm, from `expect`'s shared state. */
export function currentTestPath(): string | undefined {
  const holder = (globalThis as unknown as Record<symbol, { state?: { testPath?: unknown } } | undefined>)[kExpectState];
  const path = holder?.state?.testPath;
  return typeof path === 'string' ? path : undefined;
}

/** The full name of a test being added: its describe blocks' names, then its own. */
export function fullTestName(state: CircusState, testName: unknown): string {
  const names: string[] = [typeof testName === 'function' ? testName.name : String(testName)];
  for (let block = state.currentDescribeBlock; block !== undefined && block.parent !== undefined; block = block.parent)
    names.unshift(block.name);
  return names.join(' ');
}
