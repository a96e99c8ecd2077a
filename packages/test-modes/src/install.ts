import { formatBanner } from './banner.js';
import { loadConfig } from './config-file.js';
import { NetworkBlockedError } from './errors.js';
import { loadNativeRuntime } from './internal/native-runtime.js';
import type { BlockedAttempt, NetworkGuardRuntime } from './runtime.js';
import { addCircusEventHandlers, type CircusEventHandler, type CircusState } from './jest-circus.js';
import { skipUnmarkedTests } from './live.js';
import { DEFAULT_MODE_ENV, DEFAULT_RECORD_ENV, resolveModeSettings, type ModeSettings } from './mode.js';

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
function chargeViolations(guard: NetworkGuardRuntime): CircusEventHandler {
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

/**
 * What the setup entry does, callable from a custom setup file.
 *
 * @returns the effective mode and record policy
 * @example
 * // jest.setup.ts, listed in setupFiles
 * import { installTestModes } from '@proving-ground/test-modes'
 * installTestModes()
 */
export function installTestModes(options: { cwd?: string } = {}): ModeSettings {
  const { config, file } = loadConfig(options);
  const settings = resolveModeSettings(process.env, config);
  if (config.defaultMode !== undefined) process.env[DEFAULT_MODE_ENV] = config.defaultMode;
  if (config.defaultRecord !== undefined) process.env[DEFAULT_RECORD_ENV] = config.defaultRecord;

  const guard = loadNativeRuntime().getNetworkGuard();
  const allowHosts = config.allowHosts ?? [];
  guard.configure({
    mode: settings.mode,
    allowHosts,
    allowLoopback: config.allowLoopback,
    configFile: file,
  });
  // The test file's realm may hold its own binding of the global fetch.
  guard.guardFetch(globalThis);
  if (config.banner !== false) guard.announceOnce(formatBanner(settings, config, file));

  guard.takeViolations();
  const handlers: CircusEventHandler[] = [];
  if (config.failOnBlockedConnection !== false && settings.mode !== 'live_smoke') handlers.push(chargeViolations(guard));
  if (settings.mode === 'live_smoke') handlers.push(skipUnmarkedTests);
  addCircusEventHandlers(handlers);
  return settings;
}
