import { relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { addCircusEventHandler, blockNames, type CircusBlock, currentTestPath, firstLine, jestCommand } from '@proving-ground/kit';
import { ChaosError } from '../errors.js';
import { faultsOf, formatTimeline, registryState, restoreFaults, seedAssignment, type TestScope } from './registry.js';

interface CircusTest extends CircusBlock {
  errors: unknown[];
}

interface CircusEvent {
  name: string;
  test?: CircusTest & { fn?: unknown };
  fn?: unknown;
}

const kInstalled = Symbol.for('@proving-ground/chaos-injectors/guard-installed');

/** @internal Marks the body of one seed's test of a `chaosTest()` sweep: `{ seed, suffix }`. */
export const kSweepSeed = Symbol.for('@proving-ground/chaos-injectors/sweep-seed');

interface SweepMark {
  seed: string;
  suffix: string;
}

function sweepMarkOf(fn: unknown): SweepMark | undefined {
  return typeof fn === 'function' ? ((fn as unknown as Record<symbol, SweepMark | undefined>)[kSweepSeed] ?? undefined) : undefined;
}

/** A failure line Jest prints as is (no stack): the fault timeline and the replay line. */
class ChaosReplay extends Error {
  constructor(text: string) {
    super(text);
    this.name = 'ChaosReplay';
    this.stack = text;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Inside double quotes, the shell only reads `\`, `"`, `$` (but not a `$` right before the closing quote) and the backtick. */
function doubleQuoted(text: string): string {
  return `"${text.replace(/[\\"`]|\$(?!$)/g, '\\$&')}"`;
}

/**
 * The command that replays one test with the same seed (the current test's seed unless `seed` is given).
 *
 * @param testPath - the test file (printed relative to the working folder)
 * @param testName - the test's full name (a sweep's test without its `[seed n]` suffix)
 * @param seed - the seed to replay, when it is not the current test's
 * @example
 * replayLine('test/orders.test.ts', 'orders should survive a full disk')
 * // 'CHAOS_SEED=123 npx jest test/orders.test.ts -t "^orders should survive a full disk$"'
 */
export function replayLine(testPath: string | undefined, testName: string, seed?: string): string {
  const file = testPath === undefined ? '' : ` ${relative(process.cwd(), testPath) || testPath}`;
  return `${seedAssignment(seed)} ${jestCommand()}${file} -t ${doubleQuoted(`^${escapeRegExp(testName)}$`)}`;
}

/** Whether a test error (jest-circus keeps `[error, asyncError]` pairs) already prints a replay line. */
function carriesReplay(entry: unknown): boolean {
  const error: unknown = Array.isArray(entry) ? entry[0] : entry;
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === 'string' && message.includes('\nReplay: ');
}

function leftActiveError(scope: TestScope, names: string[]): ChaosError {
  return new ChaosError('CHAOS_FAULT_LEFT_ACTIVE', {
    action: `end "${scope.name}" with every fault restored`,
    reason: `it left ${names.length === 1 ? 'a fault' : `${names.length} faults`} active`,
    details: names.map((name) => `  - ${name}`),
    fix: 'Restore each fault in the test (`await using fault = ...`, or `await fault.restore()` in a finally block or afterEach); they have been restored now.',
  });
}

/**
 * What the setup entry does: restore every fault a test injected once it ends (even when it threw or
 * timed out), fail a test that left one active (naming it), and print the fault timeline, the seed
 * and a one-line replay under a failing test that injected faults.
 *
 * @example
 * // jest.setup.ts, in setupFiles or setupFilesAfterEnv
 * import { installChaosGuard } from '@proving-ground/chaos-injectors'
 * installChaosGuard()
 */
export function installChaosGuard(): void {
  const holder = globalThis as unknown as Record<symbol, unknown>;
  if (holder[kInstalled] === true) return;
  Object.defineProperty(holder, kInstalled, { value: true, configurable: true, enumerable: false });
  const state = registryState();
  // Synchronous except where it must wait (test_done, run_finish): jest-circus dispatches add_test
  // and the other definition events synchronously, and a promise here would hold back the handlers
  // registered after this one (a cassette's per-test setup) until after the test is registered.
  addCircusEventHandler('chaos-injectors', (event: CircusEvent): void | Promise<void> => {
    switch (event.name) {
      case 'add_test': {
        if (typeof event.fn !== 'function') return;
        const original = event.fn as (...args: unknown[]) => unknown;
        // The test body runs in its test's async context, so a body that outlives its test (a
        // timeout) is recognised when it injects a fault afterwards.
        const wrapped = function (this: unknown, ...args: unknown[]): unknown {
          const scope = state.current;
          return scope === undefined ? original.apply(this, args) : state.storage.run(scope, () => original.apply(this, args));
        };
        Object.defineProperty(wrapped, 'length', { value: original.length });
        const mark = sweepMarkOf(original);
        if (mark !== undefined) Object.defineProperty(wrapped, kSweepSeed, { value: mark });
        event.fn = wrapped;
        return;
      }
      case 'test_start': {
        if (event.test === undefined) return;
        const name = blockNames(event.test).join(' ');
        const scope: TestScope = { name, path: currentTestPath(), ended: false, used: false, started: performance.now() };
        // One seed of a sweep: its faults draw from that seed, keyed on the name without the suffix,
        // so the replay line (the test alone, CHAOS_SEED=<seed>) rolls the same faults.
        const mark = sweepMarkOf(event.test.fn);
        if (mark !== undefined) {
          scope.seed = mark.seed;
          scope.key = name.endsWith(mark.suffix) ? name.slice(0, -mark.suffix.length) : name;
        }
        state.current = scope;
        state.timeline = [];
        return;
      }
      case 'test_done':
        return finishTest(event);
      case 'run_finish':
        // Faults injected outside a test (beforeAll) live until the end of the file.
        return restoreFaults().then(() => undefined);
      default:
        return;
    }
  });

  async function finishTest(event: CircusEvent): Promise<void> {
    const scope = state.current;
    const test = event.test;
    if (scope === undefined || test === undefined) return;
    scope.ended = true;
    state.current = undefined;
    const left = faultsOf(scope);
    if (left.length > 0) {
      const names = left.map((fault) => `${fault.kind} ${fault.target}`);
      for (const fault of left) {
        state.timeline.push({
          at: Math.round(performance.now() - scope.started),
          event: 'left active',
          kind: fault.kind,
          target: fault.target,
          seed: fault.seed,
        });
      }
      test.errors.push([leftActiveError(scope, names), leftActiveError(scope, names)]);
      try {
        await restoreFaults((fault) => left.includes(fault));
      } catch (error) {
        const failure = new ChaosError(
          'CHAOS_FAULT_LEFT_ACTIVE',
          { action: `restore a fault "${scope.name}" left active`, reason: firstLine(error) },
          { cause: error },
        );
        test.errors.push([failure, failure]);
      }
    }
    // A failed experiment's message carries its own timeline and replay line already.
    if (test.errors.length > 0 && scope.used && !test.errors.some(carriesReplay)) {
      const text = [
        `Chaos faults of this test (seed ${scope.seed ?? state.seed}):`,
        formatTimeline(state.timeline),
        `Replay: ${replayLine(scope.path, scope.key ?? scope.name, scope.seed ?? state.seed)}`,
      ].join('\n');
      test.errors.push([new ChaosReplay(text), new ChaosReplay(text)]);
    }
  }
}
