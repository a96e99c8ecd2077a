import { formatBanner } from './banner.js';
import { loadConfig } from './config-file.js';
import { NetworkBlockedError } from './errors.js';
import { loadNativeRuntime } from './internal/native-runtime.js';
import type { NetworkGuardRuntime } from './runtime.js';
import { addCircusEventHandler, withJestGlobals } from './jest-globals.js';
import { skipUnmarkedTests } from './live.js';
import { DEFAULT_MODE_ENV, DEFAULT_RECORD_ENV, resolveModeSettings, type ModeSettings } from './mode.js';

interface CircusEvent {
  name: string;
  test?: { errors: unknown[] };
}

/**
 * Fail the finished test if it (or a hook of it) attempted a connection the guard blocked, even if
 * its code swallowed the error. Runs at `test_done`, after every `afterEach` hook, so a test that
 * expects a block can clear it with `networkGuard().takeViolations()`.
 */
function failTestOnViolations(event: CircusEvent, guard: NetworkGuardRuntime): void {
  if (event.name !== 'test_done' || event.test === undefined) return;
  const blocked = guard.takeViolations();
  const first = blocked[0];
  if (first === undefined) return;
  const others = blocked.length > 1 ? ` (and ${blocked.length - 1} more blocked connection${blocked.length > 2 ? 's' : ''})` : '';
  const error = new NetworkBlockedError(first.method, first.target, `${first.error.message}${others}`);
  event.test.errors.push([error, error]);
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
  if (config.banner !== false) guard.announceOnce(formatBanner(settings, config, file));

  guard.takeViolations();
  const failOnBlocked = config.failOnBlockedConnection !== false && settings.mode !== 'live_smoke';
  withJestGlobals(() => {
    const handlers: Array<(event: CircusEvent) => void> = [];
    if (failOnBlocked) handlers.push((event) => failTestOnViolations(event, guard));
    if (settings.mode === 'live_smoke') handlers.push(skipUnmarkedTests);
    for (const handler of handlers) {
      if (!addCircusEventHandler(handler)) {
        throw new Error(
          "[test-modes] Failed to attach to the test runner: it is not jest-circus (Jest's default), so blocked connections cannot fail tests and live tests cannot be selected. Use Jest's default runner.",
        );
      }
    }
  });
  return settings;
}
