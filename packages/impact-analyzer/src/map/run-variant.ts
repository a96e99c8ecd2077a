import type { RunVariant } from '../model.js';

/**
 * The variant of this process a map is recorded in: Node's version, the time zone (`TZ` when set,
 * else Intl's) and the platform. A map from another variant is stale.
 *
 * @example
 * currentVariant() // { node: 'v24.1.0', timeZone: 'UTC', platform: 'linux' }
 */
export function currentVariant(): RunVariant {
  const tz = process.env['TZ'];
  return {
    node: process.version,
    timeZone: tz !== undefined && tz !== '' ? tz : Intl.DateTimeFormat().resolvedOptions().timeZone,
    platform: process.platform,
  };
}
