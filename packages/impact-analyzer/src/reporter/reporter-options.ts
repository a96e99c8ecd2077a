import { checks, countProblems, describeOptionValue, listOptionProblems, type OptionCheck } from '@proving-ground/kit';
import { ImpactError } from '../errors.js';

/** Shadow mode: after a full run, log what the selection file would have missed. */
export interface ShadowOptions {
  /** The selection file `impact-analyzer select --out` wrote (default `.impact-analyzer/selection.json` at the repository root). */
  selection?: string | undefined;
  /** The shadow log (default `.impact-analyzer/shadow.jsonl` at the repository root). */
  log?: string | undefined;
}

/**
 * Options of the reporter, given in Jest's config:
 * `reporters: ['default', ['@proving-ground/impact-analyzer/reporter', { ...options }]]`.
 */
export interface ImpactReporterOptions {
  /** The map file, relative to the repository root (default `.impact-analyzer/map.json`). */
  map?: string | undefined;
  /** Shadow mode: `true` for the default paths, or the paths. Default off. */
  shadow?: boolean | ShadowOptions | undefined;
  /** Record function-level coverage too (through the inspector; off when Jest collects V8 coverage). Default false. */
  functions?: boolean | undefined;
}

const SHADOW_CHECKS: Readonly<Record<string, OptionCheck>> = { selection: checks.string(), log: checks.string() };

/**
 * Checks the reporter's options as a whole: every problem at once, with did-you-mean for unknown
 * names; throws `IMPACT_INVALID_OPTIONS`.
 *
 * @example
 * checkReporterOptions({ shadwo: true }) // throws: - shadwo: unknown option. Did you mean "shadow"? ...
 */
export function checkReporterOptions(options: unknown): ImpactReporterOptions {
  if (options === undefined || options === null) return {};
  const problems: string[] = [];
  if (typeof options !== 'object' || Array.isArray(options)) {
    problems.push(`- options: expected an object, got ${describeOptionValue(options)}.`);
  } else {
    problems.push(
      ...listOptionProblems(options, {
        map: checks.string(),
        functions: checks.boolean(),
        shadow: (value) =>
          typeof value === 'boolean' || (typeof value === 'object' && value !== null && !Array.isArray(value))
            ? undefined
            : `expected true, false or { selection?, log? }, got ${describeOptionValue(value)}`,
      }),
    );
    const shadow = (options as { shadow?: unknown }).shadow;
    if (typeof shadow === 'object' && shadow !== null && !Array.isArray(shadow))
      problems.push(...listOptionProblems(shadow, SHADOW_CHECKS, 'shadow.'));
  }
  if (problems.length > 0) {
    throw new ImpactError('IMPACT_INVALID_OPTIONS', {
      action: 'start the impact-analyzer reporter',
      reason: `its options have ${countProblems(problems)}`,
      details: problems,
      fix: 'Fix the options of @proving-ground/impact-analyzer/reporter in the Jest config',
    });
  }
  return options;
}
