/** The parts of Jest's global config that narrow which test files run. */
export interface RunScopeConfig {
  shard?: unknown;
  runTestsByPath?: boolean;
  onlyChanged?: boolean;
  onlyFailures?: boolean;
  findRelatedTests?: boolean;
  changedSince?: string;
  filter?: string;
  listTests?: boolean;
  lastCommit?: boolean;
  testPathPatterns?: { isSet?: () => boolean; patterns?: readonly string[] } | readonly string[];
}

/**
 * Whether the run ran every test file Jest knows: no shard, no path patterns, no changed-files or
 * related-tests mode, no `--filter` (the analyzer's own selection is a filter). A partial run only
 * updates the records of the tests it ran.
 *
 * @example
 * isFullRun({ shard: { shardIndex: 1, shardCount: 2 } }) // false
 */
export function isFullRun(config: RunScopeConfig): boolean {
  if (config.shard !== undefined && config.shard !== null) return false;
  if (config.runTestsByPath === true || config.onlyChanged === true || config.onlyFailures === true) return false;
  if (config.findRelatedTests === true || config.lastCommit === true || config.listTests === true) return false;
  if ((config.changedSince ?? '') !== '' || (config.filter ?? '') !== '') return false;
  const patterns = config.testPathPatterns;
  if (patterns === undefined) return true;
  if (Array.isArray(patterns)) return patterns.length === 0;
  const set = patterns as { isSet?: () => boolean; patterns?: readonly string[] };
  if (typeof set.isSet === 'function') return !set.isSet();
  return (set.patterns?.length ?? 0) === 0;
}
