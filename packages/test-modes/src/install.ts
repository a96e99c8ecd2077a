import { addCircusEventHandler } from '@proving-ground/kit';
import { formatBanner } from './banner.js';
import { loadConfig } from './config-file.js';
import type { CircusState, TestModesCircusEvent } from './jest-circus.js';
import { skipUnmarkedTests } from './live.js';
import { DEFAULT_MODE_ENV, DEFAULT_RECORD_ENV, resolveModeSettings, type ModeSettings } from './mode.js';
import { networkGuard } from './network-guard/network-guard.js';
import { chargeViolations } from './network-guard/violations.js';

/**
 * What the setup entry does, callable from a custom setup file: validate the mode, record policy
 * and config; configure the network guard; print the banner once per run; and join the kit's
 * jest-circus handler registry to charge blocked connections and, in `live_smoke`, skip unmarked tests.
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

  const guard = networkGuard();
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
  if (config.failOnBlockedConnection !== false && settings.mode !== 'live_smoke') {
    addCircusEventHandler<TestModesCircusEvent, CircusState>('test-modes', chargeViolations(guard));
  }
  if (settings.mode === 'live_smoke') addCircusEventHandler<TestModesCircusEvent>('test-modes', skipUnmarkedTests);
  return settings;
}
