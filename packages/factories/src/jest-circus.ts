import { SEED_ENV } from './seed.js';
import { enterHook, enterTest, leaveTest, replayLineFor, scopeState, setTestPath } from './test-scope.js';

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

function messageOf(error: unknown): string {
  const first: unknown = Array.isArray(error) ? error[0] : error;
  const message = typeof first === 'object' && first !== null ? (first as { message?: unknown }).message : first;
  return String(message);
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
  const readTestPath = (): void => {
    const testPath = state.expectState?.().testPath;
    if (testPath !== undefined) setTestPath(state, testPath);
  };
  addHandler((event) => {
    switch (event.name) {
      case 'setup': {
        const jestExpect = event.runtimeGlobals?.expect;
        if (jestExpect !== undefined) state.expectState = () => jestExpect.getState();
        readTestPath();
        break;
      }
      case 'run_start':
        readTestPath();
        break;
      case 'test_start':
        readTestPath();
        // Concurrent tests start one after the other and then run together: each keeps its own scope.
        if (event.test !== undefined) enterTest(state, fullName(event.test).join(' '), event.test);
        break;
      case 'hook_start':
        if (event.hook !== undefined && (event.hook.type === 'beforeAll' || event.hook.type === 'afterAll')) {
          enterHook(state, `${event.hook.type}:${fullName(event.hook.parent).join(' ')}`);
        }
        break;
      case 'test_done': {
        const test = event.test;
        if (test === undefined) break;
        const testName = fullName(test).join(' ');
        const scope = leaveTest(state, testName);
        // An error that already carries the replay line (a schema violation, ...) needs no second one.
        const carriesLine = test.errors.some((error) => messageOf(error).includes(`${SEED_ENV}=`));
        if (test.errors.length > 0 && scope?.used === true && !carriesLine) {
          const hint = new ReplayHint(`Replay this test's data with: ${replayLineFor(state, testName)}`);
          test.errors.push([hint, hint]);
        }
        break;
      }
      default:
        break;
    }
  });
}
