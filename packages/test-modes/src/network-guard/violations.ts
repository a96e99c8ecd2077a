/** Charging blocked connections to the test that attempted them, through a jest-circus event handler. */
import { NetworkBlockedError } from '../errors.js';
import type { TestModesCircusHandler, CircusState } from '../jest-circus.js';
import type { BlockedAttempt, NetworkGuardRuntime } from './types.js';

function blockedError(blocked: readonly BlockedAttempt[], where: string): NetworkBlockedError | undefined {
  const first = blocked[0];
  if (first === undefined) return undefined;
  const others = blocked.length > 1 ? ` (and ${blocked.length - 1} more blocked connection${blocked.length > 2 ? 's' : ''})` : '';
  return new NetworkBlockedError(first.method, first.target, `${first.error.message}${others}${where}`, { cause: first.error });
}

/**
 * Fail the test that attempted a connection the guard blocked, even if its code swallowed the
 * error. A test's attempts are charged at `test_done`, after its `afterEach` hooks, so a test that
 * expects a block can clear it with `networkGuard().takeViolations()`. Attempts made outside any
 * test (a `beforeAll`/`afterAll` hook, async work left running) fail the test file instead of an
 * innocent test. Tests run with `test.concurrent` share one account.
 */
export function chargeViolations(guard: NetworkGuardRuntime): TestModesCircusHandler {
  const outsideTests = (state: CircusState): void => {
    const error = blockedError(
      guard.takeViolations(),
      ' [attempted outside a test: in a beforeAll/afterAll hook or by async work left running]',
    );
    if (error !== undefined) state.unhandledErrors.push(error);
  };
  return (event, state) => {
    if (event.name === 'test_start' || event.name === 'run_finish') outsideTests(state);
    if (event.name === 'test_done' && event.test !== undefined) {
      const error = blockedError(guard.takeViolations(), '');
      if (error !== undefined) event.test.errors.push([error, error]);
    }
  };
}
