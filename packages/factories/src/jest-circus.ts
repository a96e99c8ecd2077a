import { addCircusEventHandler, blockNames, type CircusBlock } from '@proving-ground/kit';
import { SEED_ENV } from './seed.js';
import { enterHook, enterTest, leaveTest, replayLineFor, scopeState, setTestPath } from './test-scope.js';

interface CircusEvent {
  name: string;
  test?: CircusBlock & { errors: unknown[] };
  hook?: { type: string; parent: CircusBlock };
  runtimeGlobals?: { expect?: { getState(): { testPath?: string } } };
}

const kInstalled = Symbol.for('@proving-ground/factories/installed');

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
  addCircusEventHandler('factories', (event: CircusEvent) => {
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
        if (event.test !== undefined) enterTest(state, blockNames(event.test).join(' '), event.test);
        break;
      case 'hook_start':
        if (event.hook !== undefined && (event.hook.type === 'beforeAll' || event.hook.type === 'afterAll')) {
          enterHook(state, `${event.hook.type}:${blockNames(event.hook.parent).join(' ')}`);
        }
        break;
      case 'test_done': {
        const test = event.test;
        if (test === undefined) break;
        const testName = blockNames(test).join(' ');
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
