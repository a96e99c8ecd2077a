import type { AllowedHost } from './host-policy.js';
import type { ModeSettings } from './mode.js';

/**
 * The one line printed at the start of a run.
 *
 * @example
 * formatBanner({ mode: 'golden', record: 'none', source: { mode: 'TEST_MODE', record: 'default' } }, [])
 */
export function formatBanner(settings: ModeSettings, allowHosts: readonly AllowedHost[], configFile?: string): string {
  const guard =
    settings.mode === 'live_smoke'
      ? 'network guard off: real calls allowed; only live tests run'
      : `network guard on: loopback${allowHosts.length > 0 ? `, ${allowHosts.map(String).join(', ')}` : ''} allowed`;
  const config = configFile === undefined ? '' : `; config ${configFile}`;
  return `[test-modes] mode=${settings.mode} (from ${settings.source.mode}) record=${settings.record} (from ${settings.source.record}); ${guard}${config}`;
}
