import { formatBanner } from './banner.js';
import { loadConfig } from './config-file.js';
import { NetworkBlockedError } from './errors.js';
import { loadNativeRuntime } from './internal/native-runtime.js';
import { addCircusEventHandler, withJestGlobals } from './jest-globals.js';
import { skipUnmarkedTests } from './live.js';
import { DEFAULT_MODE_ENV, DEFAULT_RECORD_ENV, resolveModeSettings, type ModeSettings } from './mode.js';

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
  guard.configure({ mode: settings.mode, allowHosts, allowLoopback: config.allowLoopback, configFile: file });
  if (config.banner !== false) guard.announceOnce(formatBanner(settings, allowHosts, file));

  withJestGlobals((jest) => {
    if (config.failOnBlockedConnection !== false && settings.mode !== 'live_smoke') {
      jest.beforeEach(() => {
        guard.takeViolations();
      });
      jest.afterEach(() => {
        const blocked = guard.takeViolations();
        const first = blocked[0];
        if (first === undefined) return;
        const others = blocked.length > 1 ? ` (and ${blocked.length - 1} more blocked connection${blocked.length > 2 ? 's' : ''})` : '';
        throw new NetworkBlockedError(first.method, first.target, `${first.error.message}${others}`);
      });
    }
    if (settings.mode === 'live_smoke' && !addCircusEventHandler(skipUnmarkedTests)) {
      throw new Error(
        '[test-modes] Failed to select live tests: the test runner is not jest-circus, so tests not marked live cannot be skipped in live_smoke mode. Use Jest\'s default runner (jest-circus).',
      );
    }
  });
  return settings;
}
