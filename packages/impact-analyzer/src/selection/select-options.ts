import { checks, countProblems, listOptionProblems, type OptionCheck } from '@proving-ground/kit';
import { ImpactError } from '../errors.js';
import type { SelectOptions } from '../model.js';

const historyCheck: OptionCheck = (value) =>
  value === false || (typeof value === 'string' && value !== '') ? undefined : 'expected a file path or false';

const CHECKS: Readonly<Record<keyof SelectOptions, OptionCheck>> = {
  cwd: checks.string(),
  base: checks.string(),
  head: checks.string(),
  map: checks.string(),
  jestConfig: checks.string(),
  runAllOn: checks.stringList(),
  include: checks.stringList(),
  maxStaleCommits: checks.integer(0),
  history: historyCheck,
};

/** `selectTests()` options with their defaults. */
export interface ResolvedSelectOptions {
  cwd: string;
  base: string;
  head: string | undefined;
  map: string | undefined;
  jestConfig: string | undefined;
  runAllOn: readonly string[];
  include: readonly string[];
  maxStaleCommits: number;
  history: string | false | undefined;
}

/** The default number of commits a map may be behind the base before it is stale. */
export const DEFAULT_MAX_STALE_COMMITS = 50;

/**
 * Checks `selectTests()` options as a whole (every problem at once) and fills in the defaults.
 *
 * @example
 * resolveSelectOptions({ base: 'origin/main' }).maxStaleCommits // 50
 */
export function resolveSelectOptions(options: SelectOptions): ResolvedSelectOptions {
  const problems = listOptionProblems(options, CHECKS);
  if (problems.length > 0) {
    throw new ImpactError('IMPACT_INVALID_OPTIONS', {
      action: 'select tests',
      reason: `the options have ${countProblems(problems)}`,
      details: problems,
      fix: 'Fix the options named above.',
    });
  }
  return {
    cwd: options.cwd ?? process.cwd(),
    base: options.base ?? 'HEAD',
    head: options.head,
    map: options.map,
    jestConfig: options.jestConfig,
    runAllOn: options.runAllOn ?? [],
    include: options.include ?? [],
    maxStaleCommits: options.maxStaleCommits ?? DEFAULT_MAX_STALE_COMMITS,
    history: options.history,
  };
}
