import { currentMode, currentRecordPolicy, networkGuard, type InterceptedRequest } from '@proving-ground/test-modes';
import { namedCassettePath, cassettePathFor } from './cassette-path.js';
import { CassetteSession, type SessionOutcome } from './cassette-session.js';
import { CassettesError, isCassettesError } from './errors.js';
import type { CassetteCost, ModelPrice } from './llm-usage.js';
import { validateOptions, type CassetteMode, type CassetteOptions } from './options.js';
import { sharedState } from './internal/shared-state.js';
import { addCircusEventHandler, currentTestPath, fullTestName, type CircusBlock } from '@proving-ground/kit';

const state = sharedState();
const { scope, active } = state;

async function handleRequest(intercepted: InterceptedRequest): Promise<void> {
  // Requests sent from outside any test's async context (a server started in beforeAll answering
  // on its own) belong to the only active cassette, if there is exactly one.
  const session = scope.getStore() ?? (active.size === 1 ? [...active][0] : undefined);
  if (session === undefined || !active.has(session) || !session.takes(intercepted.request.url)) return;
  await session.handle(intercepted);
}

function activate(session: CassetteSession): void {
  active.add(session);
  state.removeHandler ??= networkGuard().addRequestHandler(handleRequest);
}

function deactivate(session: CassetteSession): void {
  active.delete(session);
  if (active.size === 0 && state.removeHandler !== undefined) {
    state.removeHandler();
    state.removeHandler = undefined;
  }
}

/**
 * The mode `auto` stands for now: `golden` replays; `live_smoke` records with `TEST_RECORD=missing`
 * or `all` and is off otherwise; `mock` is off unless `inMock: 'replay'`.
 *
 * @example
 * resolveCassetteMode({ mode: 'auto' }) // 'replay' when TEST_MODE=golden
 */
export function resolveCassetteMode(options: CassetteOptions = {}): CassetteMode {
  if (options.mode !== undefined && options.mode !== 'auto') return options.mode;
  const mode = currentMode();
  if (mode === 'golden') return 'replay';
  if (mode === 'live_smoke') {
    const record = currentRecordPolicy();
    return record === 'all' ? 'record-all' : record === 'missing' ? 'record-missing' : 'off';
  }
  return options.inMock ?? 'off';
}

function report(outcome: SessionOutcome): void {
  for (const warning of outcome.warnings) process.stderr.write(`${warning}\n`);
}

function combined(errors: readonly Error[]): Error | undefined {
  if (errors.length <= 1) return errors[0];
  return new AggregateError(errors, errors.map((error) => error.message).join('\n\n'));
}

/**
 * Run `fn` with its own cassette, named explicitly: `name` is a path ending in `.json` (relative to
 * the working directory) or a name placed in `__cassettes__` (or `options.dir`). Requests made by
 * `fn` (and everything it starts) replay or record in it; at the end the cassette is written when
 * recording and `fn` succeeded, and an unmatched request (or, with `strict`, an unused interaction)
 * fails the call. Works with or without {@link setupCassettes}, in any mode: `mode` forces one.
 *
 * @example
 * const answer = await withCassette('openai/refunds', () => askTheModel('How do refunds work?'), { mode: 'replay' })
 */
export async function withCassette<T>(name: string, fn: () => T | Promise<T>, options: CassetteOptions = {}): Promise<T> {
  const checked = validateOptions(options, `withCassette("${name}") options`);
  const mode = resolveCassetteMode(checked);
  if (mode === 'off') return fn();
  const path = namedCassettePath(name, checked.dir);
  const testPath = currentTestPath();
  const session = new CassetteSession(path, mode, checked, testPath === undefined ? undefined : { path: testPath, name });
  activate(session);
  let result: T;
  let failure: unknown;
  let failed = false;
  try {
    result = await scope.run(session, fn);
  } catch (error) {
    failed = true;
    failure = error;
  }
  deactivate(session);
  const outcome = await session.finish(!failed);
  report(outcome);
  const error = combined(outcome.errors);
  if (error !== undefined) throw error;
  if (failed) throw failure;
  return result!;
}

/** What {@link currentCassette} tells about the cassette in use. */
export interface CassetteInfo {
  path: string;
  mode: CassetteMode;
  /** Token usage and estimated cost of what was replayed and recorded so far. */
  cost: CassetteCost;
  /** The same estimate with more prices (USD per million tokens), on top of the `prices` option. */
  costWith(prices: Record<string, ModelPrice>): CassetteCost;
}

/**
 * The cassette of the running test (or `withCassette` callback), or undefined when none is in use.
 *
 * @example
 * expect(currentCassette()).toCostAtMost(0.01)
 */
export function currentCassette(): CassetteInfo | undefined {
  const session = scope.getStore();
  if (session === undefined) return undefined;
  return { path: session.path, mode: session.mode, cost: session.cost(), costWith: (prices) => session.cost(prices) };
}

/** A jest-circus event, as far as per-test cassettes read it. */
interface CircusEvent {
  name: string;
  fn?: (...args: unknown[]) => unknown;
  testName?: unknown;
  test?: { errors: unknown[]; fn?: unknown; name: string };
}

/** jest-circus's state, as far as per-test cassettes read it. */
interface CircusState {
  currentDescribeBlock?: CircusBlock;
}

const testSessions = new WeakMap<object, CassetteSession>();

/**
 * Whether the test already failed with `error`: jest-circus keeps an error or an `[error, asyncError]`
 * pair per failure, and a client that reports a failed request nests the reason it was given under
 * `cause` (fetch's `TypeError: fetch failed`), possibly as a copy made for another realm (same code
 * and message).
 */
function alreadyReported(testErrors: readonly unknown[], error: CassettesError): boolean {
  const isSame = (candidate: unknown): boolean =>
    candidate === error || (isCassettesError(candidate) && candidate.code === error.code && candidate.message === error.message);
  return testErrors.some((entry) => {
    const seen = new Set<unknown>();
    for (let current: unknown = Array.isArray(entry) ? entry[0] : entry; current !== undefined && !seen.has(current);) {
      if (isSame(current)) return true;
      seen.add(current);
      current = typeof current === 'object' && current !== null ? (current as { cause?: unknown }).cause : undefined;
    }
    return false;
  });
}

/**
 * Give every test of the test file its own cassette (call it from a setup file listed in
 * `setupFilesAfterEnv`, or at the top of a test file). The cassette is
 * `__cassettes__/<test file>/<test name>-<hash>.json` beside the test file (or under `dir`); what
 * it does follows the test mode (see {@link resolveCassetteMode}). An unmatched request fails its
 * test with a diff against the closest recordings; unused interactions are reported when the test
 * ends (and fail it with `strict`); recordings are written only when the test passed.
 * `test.concurrent` tests each get their own cassette: requests are told apart by async context.
 *
 * @throws CassettesError `CASSETTES_INVALID_OPTIONS` listing every problem with the options
 * @example
 * // jest.setup.ts
 * import { setupCassettes } from '@proving-ground/cassettes'
 * setupCassettes({ hosts: ['api.openai.com'], strict: true })
 */
export function setupCassettes(options: CassetteOptions = {}): void {
  const checked = validateOptions(options, 'setupCassettes() options');
  addCircusEventHandler('cassettes', async (event: CircusEvent, state: CircusState) => {
    if (event.name === 'add_test' && typeof event.fn === 'function') {
      const name = fullTestName(state, event.testName);
      const original = event.fn;
      const wrapped = function (this: unknown, ...args: unknown[]): unknown {
        const mode = resolveCassetteMode(checked);
        if (mode === 'off') return original.apply(this, args);
        const testPath = currentTestPath();
        if (testPath === undefined) {
          throw new CassettesError('CASSETTES_NO_ACTIVE_CASSETTE', {
            action: 'start a per-test cassette',
            reason: 'the test file is unknown (Jest did not set it)',
            fix: 'Use withCassette(name, fn) to name the cassette.',
          });
        }
        const session = new CassetteSession(cassettePathFor(testPath, name, checked.dir), mode, checked, { path: testPath, name });
        testSessions.set(wrapped, session);
        activate(session);
        return scope.run(session, () => original.apply(this, args));
      };
      // Jest passes a done callback to functions that declare a parameter.
      Object.defineProperty(wrapped, 'length', { value: original.length });
      event.fn = wrapped;
      return;
    }
    if (event.name === 'test_done' && event.test !== undefined) {
      const session = typeof event.test.fn === 'function' ? testSessions.get(event.test.fn) : undefined;
      if (session === undefined) return;
      testSessions.delete(event.test.fn as object);
      deactivate(session);
      const outcome = await session.finish(event.test.errors.length === 0);
      report(outcome);
      // A request the cassette refused already failed the client, and usually the test with it: report it once.
      for (const error of outcome.errors) {
        if (!isCassettesError(error) || !alreadyReported(event.test.errors, error)) event.test.errors.push([error, error]);
      }
    }
  });
}
