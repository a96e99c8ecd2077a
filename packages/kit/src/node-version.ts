/** The oldest Node every published package supports (`engines.node`). */
export const MINIMUM_NODE = '22.19.0';

function parts(version: string): number[] {
  return version
    .replace(/^v/, '')
    .split('.')
    .map((part) => Number.parseInt(part, 10) || 0);
}

/** Whether `version` (`22.19.0` or `v22.19.0`) is at least `minimum`. */
export function isSupportedNode(version: string, minimum: string = MINIMUM_NODE): boolean {
  const have = parts(version);
  const need = parts(minimum);
  for (let i = 0; i < 3; i++) {
    if ((have[i] ?? 0) !== (need[i] ?? 0)) return (have[i] ?? 0) > (need[i] ?? 0);
  }
  return true;
}

/**
 * Throws `[packageName] requires Node >= 22.19 (this is 20.x). ...` on a Node older than
 * {@link MINIMUM_NODE}. Self-contained (no outside names), because {@link nodeCheckBanner} turns it
 * into text that runs as the first lines of every built entry file.
 *
 * @example
 * refuseUnsupportedNode('cassettes', '20.20.2') // throws, code PROVING_GROUND_UNSUPPORTED_NODE
 */
export function refuseUnsupportedNode(packageName: string, version: string): void {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  if (major > 22 || (major === 22 && minor >= 19)) return;
  const error = new Error(
    `[${packageName}] requires Node >= 22.19 (this is ${version.replace(/^v/, '')}). ` +
      'Upgrade Node to 22.19 or later (for example `nvm install 22`), or point Jest at a newer Node.',
  ) as Error & { code: string };
  error.code = 'PROVING_GROUND_UNSUPPORTED_NODE';
  throw error;
}

/**
 * JavaScript for the first lines of a package's built files (tsdown's `banner`): it runs
 * {@link refuseUnsupportedNode} before any code that needs a newer Node does.
 */
export function nodeCheckBanner(packageName: string): string {
  return `(${String(refuseUnsupportedNode)})(${JSON.stringify(packageName)}, typeof process === 'object' && process.versions ? process.versions.node : '0.0.0');`;
}
