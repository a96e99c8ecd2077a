/**
 * Jest `globalSetup` entry: validates the mode, record policy and config once for the whole run
 * (a bad value stops the run before any test file starts) and prints the banner exactly once.
 *
 * @example
 * // jest.config.js
 * export default { globalSetup: '@proving-ground/test-modes/global-setup', setupFiles: ['@proving-ground/test-modes/setup'] }
 */
import { formatBanner } from './banner.js';
import { loadConfig } from './config-file.js';
import { resolveModeSettings } from './mode.js';
import { BANNER_PRINTED_ENV } from './network-guard/announce.js';

export default function globalSetup(): void {
  const { config, file } = loadConfig();
  const settings = resolveModeSettings(process.env, config);
  if (config.banner !== false && process.env[BANNER_PRINTED_ENV] !== '1') {
    process.stderr.write(`\n${formatBanner(settings, config, file)}\n`);
  }
  process.env[BANNER_PRINTED_ENV] = '1';
}
