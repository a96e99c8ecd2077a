import type { TestModesConfig } from './config-file.js';
import type { ModeSettings } from './mode.js';

/**
 * The one line printed at the start of a run.
 *
 * @param settings - the resolved mode and record policy
 * @param config - the config file's options (for the guard's allowances)
 * @param configFile - the config file's path, if any
 * @example
 * formatBanner({ mode: 'golden', record: 'none', source: { mode: 'TEST_MODE', record: 'default' } }, { allowHosts: ['api.internal'] })
 */
export function formatBanner(settings: ModeSettings, config: TestModesConfig = {}, configFile?: string): string {
  const allowed = [...(config.allowLoopback === false ? [] : ['loopback']), ...(config.allowHosts ?? []).map(String)];
  const guard =
    settings.mode === 'live_smoke'
      ? 'network guard off: real calls allowed; only live tests run'
      : `network guard on: ${allowed.length > 0 ? `${allowed.join(', ')} allowed` : 'nothing allowed'}`;
  const file = configFile === undefined ? '' : `; config ${configFile}`;
  return `[test-modes] mode=${settings.mode} (from ${settings.source.mode}) record=${settings.record} (from ${settings.source.record}); ${guard}${file}`;
}
