/**
 * One registry of jest-circus event handlers for every Proving Ground package in a test file.
 *
 * jest-circus keeps a test file's event handlers in `globalThis[Symbol.for('EVENT_HANDLERS')]`,
 * assigned when its state module loads, which is after setup files run. Each package carries its
 * own bundled copy of this code, so the registry lives in one slot on the test file's global that
 * every copy finds: the first copy attaches one dispatcher to jest-circus (through a setter when the
 * slot is not there yet), and every copy only adds handlers to the registry. The order of setup
 * files can therefore not leave a package's handlers out.
 */

/** A jest-circus event: its `name` and whatever else the event carries. */
export interface CircusEvent {
  name: string;
  [key: string]: unknown;
}

/** A handler in the registry. Returning a promise makes jest-circus wait (for asynchronous events). */
export type CircusEventHandler = (event: never, state: never) => void | Promise<void>;

interface Registry {
  /** Bumped when the registry's shape changes; a copy that finds another version keeps its own slot. */
  readonly version: 1;
  readonly entries: Array<{ owner: string; handler: CircusEventHandler }>;
}

const kEventHandlers = Symbol.for('EVENT_HANDLERS');
const kRegistry = Symbol.for('@proving-ground/kit/circus-registry@1');
const kExpectState = Symbol.for('$$jest-matchers-object');

type Holder = Record<symbol, unknown>;

function dispatcher(registry: Registry) {
  // jest-circus awaits asynchronous handlers for `dispatch` and ignores results for `dispatchSync`
  // (`add_test`, ...): run in order, and only turn asynchronous when a handler returns a promise.
  return (event: unknown, state: unknown): void | Promise<void> => {
    // Handlers are only ever added, at the end: those added while this event runs wait for the next.
    const { entries } = registry;
    const count = entries.length;
    const runFrom = (index: number): void | Promise<void> => {
      for (let i = index; i < count; i++) {
        const result = (entries[i]!.handler as (event: unknown, state: unknown) => unknown)(event, state);
        // A thenable, not `instanceof Promise`: in a test file a global is looked up through the vm
        // context at every event of every test (and a promise may come from another realm). Any
        // other value a handler returns is ignored, as jest-circus does.
        if (result !== undefined && result !== null && typeof (result as { then?: unknown }).then === 'function')
          return (result as Promise<void>).then(() => runFrom(i + 1));
      }
      return undefined;
    };
    return runFrom(0);
  };
}

function attach(holder: Holder, registry: Registry): void {
  const handle = dispatcher(registry);
  const existing = holder[kEventHandlers];
  if (Array.isArray(existing)) {
    existing.unshift(handle);
    return;
  }
  // Something else (an older copy of a package, another library) may wait for the slot the same way:
  // keep its setter running.
  const previous = Object.getOwnPropertyDescriptor(holder, kEventHandlers);
  Object.defineProperty(holder, kEventHandlers, {
    configurable: true,
    enumerable: false,
    get: () => undefined,
    set: (value: unknown) => {
      Object.defineProperty(holder, kEventHandlers, { value, writable: true, configurable: true, enumerable: false });
      previous?.set?.call(holder, value);
      const list = holder[kEventHandlers];
      if (Array.isArray(list)) list.unshift(handle);
    },
  });
}

/**
 * Run `handler` on every jest-circus event of the current test file, before Jest's own handler (so
 * an `add_test` event can still be rewritten). Handlers run in the order they were added, whichever
 * package and whichever copy of it added them. Works from a setup file and from a test file.
 *
 * @param owner - who adds the handler (`test-modes`), for debugging the order
 * @example
 * addCircusEventHandler('factories', (event: CircusEvent) => { if (event.name === 'test_start') ... })
 */
export function addCircusEventHandler<E = CircusEvent, S = unknown>(
  owner: string,
  handler: (event: E, state: S) => void | Promise<void>,
): void {
  const holder = globalThis as unknown as Holder;
  let registry = holder[kRegistry] as Registry | undefined;
  if (registry === undefined) {
    registry = { version: 1, entries: [] };
    Object.defineProperty(holder, kRegistry, { value: registry, enumerable: false, configurable: true });
    attach(holder, registry);
  }
  registry.entries.push({ owner, handler });
}

/** The owners of the handlers in the registry of this test file, in the order they run. */
export function circusHandlerOwners(): string[] {
  const registry = (globalThis as unknown as Holder)[kRegistry] as Registry | undefined;
  return registry?.entries.map((entry) => entry.owner) ?? [];
}

/** A describe block of jest-circus, as far as names go. */
export interface CircusBlock {
  name: string;
  parent?: CircusBlock | undefined;
}

/**
 * The names from the outermost describe block down to `block` itself, without jest-circus's root block.
 *
 * @example
 * blockNames(event.test).join(' ') // 'orders should total the lines'
 */
export function blockNames(block: CircusBlock | undefined): string[] {
  const names: string[] = [];
  for (let current = block; current?.parent !== undefined; current = current.parent) names.unshift(current.name);
  return names;
}

/**
 * The full name of a test being added (`add_test`): the current describe blocks' names, then its own.
 *
 * @example
 * fullTestName(state, event.testName)
 */
export function fullTestName(state: { currentDescribeBlock?: CircusBlock | undefined }, testName: unknown): string {
  const own = typeof testName === 'function' ? testName.name : String(testName);
  return [...blockNames(state.currentDescribeBlock), own].join(' ');
}

/** The test file Jest is running in this realm, from `expect`'s shared state. */
export function currentTestPath(): string | undefined {
  const holder = (globalThis as unknown as Record<symbol, { state?: { testPath?: unknown } } | undefined>)[kExpectState];
  const path = holder?.state?.testPath;
  return typeof path === 'string' ? path : undefined;
}
