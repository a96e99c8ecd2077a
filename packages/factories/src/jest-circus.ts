import { enterScope, replayLine, scopeState } from './test-scope.js';

interface CircusBlock {
  name: string;
  parent?: CircusBlock | undefined;
}

interface CircusEvent {
  name: string;
  test?: CircusBlock & { errors: unknown[] };
  hook?: { type: string; parent: CircusBlock };
  runtimeGlobals?: { expect?: { getState(): { testPath?: string } } };
}

type CircusHandler = (event: CircusEvent) => void;

// jest-circus keeps the event handlers of a test file in this global slot (with or without injected
// globals), assigning it when its state module loads; setup files may run before that.
const kEventHandlers = Symbol.for('EVENT_HANDLERS');
const kInstalled = Symbol.for('@proving-ground/factories/installed');

function addHandler(handler: CircusHandler): void {
  const holder = globalThis as unknown as Record<symbol, unknown>;
  const existing = holder[kEventHandlers];
  if (Array.isArray(existing)) {
    existing.unshift(handler);
    return;
  }
  // Another setup file (test-modes) may be waiting for the slot the same way: keep its setter running.
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

function fullName(block: CircusBlock | undefined): string[] {
  const names: string[] = [];
  for (let current = block; current?.parent !== undefined; current = current.parent) names.unshift(current.name);
  return names;
}

class ReplayHint extends Error {
  constructor(line: string) {
    super(line);
    this.name = 'FactoriesReplay';
    this.stack = `${this.name}: ${line}`;
  }
}

/**
 * What the setup entry does: track tests through jest-circus events so seeds follow the running test,
 * and print the replay line under a failing test that used factories.
 *
 * @example
 * // jest.setup.ts, in setupFilesAfterEnv
 * import { installFactories } from '@proving-ground/factories'
 * installFactories()
 */
export function installFactories(): void {
  const holder = globalThis as unknown as Record<symbol, unknown>;
  if (holder[kInstalled] === true) return;
  Object.defineProperty(holder, kInstalled, { value: true, configurable: true, enumerable: false });
  const state = scopeState();
  state.tracked = true;
  let expectState: (() => { testPath?: string }) | undefined;
  const readTestPath = (): void => {
    const testPath = expectState?.().testPath;
    if (testPath !== undefined && testPath !== state.testPath) {
      state.testPath = testPath;
      enterScope(state, state.scope, state.testName);
    }
  };
  addHandler((event) => {
    switch (event.name) {
      case 'setup': {
        const jestExpect = event.runtimeGlobals?.expect;
        if (jestExpect !== undefined) expectState = () => jestExpect.getState();
        break;
      }
      case 'run_start':
        readTestPath();
        break;
      case 'test_start':
        readTestPath();
        enterScope(state, `test:${fullName(event.test).join(' ')}`, fullName(event.test).join(' '));
        break;
      case 'hook_start':
        if (event.hook !== undefined && (event.hook.type === 'beforeAll' || event.hook.type === 'afterAll')) {
          enterScope(state, `${event.hook.type}:${fullName(event.hook.parent).join(' ')}`, undefined);
        }
        break;
      case 'test_done': {
        const test = event.test;
        if (test !== undefined && test.errors.length > 0 && state.used) {
          const hint = new ReplayHint(`Replay this test's data with: ${replayLine(state)}`);
          test.errors.push([hint, hint]);
        }
        enterScope(state, 'file', undefined);
        break;
      }
      default:
        break;
    }
  });
}
