import type { ImpactMap, RunVariant } from '../model.js';

/** What {@link mapStaleness} needs of the repository. */
export interface CommitDistance {
  commitsBetween(from: string, to: string): number | undefined;
}

function major(version: string): string {
  return /^v?(\d+)/.exec(version)?.[1] ?? version;
}

/**
 * Why a map cannot be trusted for a change against `base`, in one sentence, or undefined when it
 * can: recorded on another Node major version or time zone (tests can behave differently there), or
 * more than `maxStaleCommits` commits away from the base (its records describe older code).
 *
 * @example
 * mapStaleness(map, repo, baseSha, 50, currentVariant()) // 'the map was recorded in time zone UTC, this run is in Europe/Paris'
 */
export function mapStaleness(
  map: ImpactMap,
  repo: CommitDistance,
  base: string,
  maxStaleCommits: number,
  variant: RunVariant,
): string | undefined {
  if (major(map.variant.node) !== major(variant.node)) {
    return `the map was recorded on Node ${map.variant.node}, this run is on Node ${variant.node}`;
  }
  if (map.variant.timeZone !== variant.timeZone) {
    return `the map was recorded in time zone ${map.variant.timeZone}, this run is in ${variant.timeZone}`;
  }
  if (map.commit === undefined) return 'the map does not say which commit it was recorded at';
  if (map.commit === base) return undefined;
  // A map may be behind the base (recorded on main, a branch started later) or ahead of it (main
  // moved on since the branch started): either way only a few commits of drift are allowed.
  const behind = repo.commitsBetween(map.commit, base);
  const ahead = behind === undefined ? repo.commitsBetween(base, map.commit) : undefined;
  const distance = behind ?? ahead;
  if (distance === undefined) {
    return `the map was recorded at ${map.commit.slice(0, 12)}, which is neither an ancestor nor a descendant of the base ${base.slice(0, 12)}`;
  }
  if (distance > maxStaleCommits) {
    return `the map is ${distance} commits ${behind === undefined ? 'ahead of' : 'behind'} the base (more than maxStaleCommits, ${maxStaleCommits})`;
  }
  return undefined;
}
