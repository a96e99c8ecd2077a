import { checks, countProblems, listOptionProblems } from '@proving-ground/kit';
import { ChaosError } from '../errors.js';

/** When a fault fires, of the requests its target matches. */
export interface ScheduleState {
  /** How likely an eligible request is to be faulted (0 to 1), rolled from the fault's seeded stream. */
  probability: number;
  /** Fire at most this many times, then let requests pass. */
  times: number;
  /** Let this many matching requests through first. */
  after: number;
  /** Fire only on these matching requests (1 is the first). */
  nth: ReadonlySet<number> | undefined;
  /** Fire only from `from` ms after the fault was added, until `until` ms after it. */
  window: { from: number; until: number };
}

/** A schedule that fires on every matching request. */
export function alwaysSchedule(): ScheduleState {
  return { probability: 1, times: Infinity, after: 0, nth: undefined, window: { from: 0, until: Infinity } };
}

/** Throws the kit-style error for a fault's bad options: every problem listed, each on its line. */
export function invalidFault(action: string, problems: string[]): never {
  throw new ChaosError('CHAOS_INVALID_HTTP_FAULT', {
    action,
    reason: `${countProblems(problems)}`,
    details: problems,
    fix: 'Fix what is listed above (the HTTP section of docs/chaos-injectors.md lists every fault and its options).',
  });
}

/** Checks `value` with `check` as the argument `name` of `method`, throwing the kit-style error. */
export function checkArgument(method: string, name: string, value: unknown, check: (value: unknown) => string | undefined): void {
  const problem = value === undefined ? 'required' : check(value);
  if (problem !== undefined) invalidFault(`set ${method}`, [`- ${name}: ${problem.replace(/\.$/, '')}.`]);
}

/** Checks an options object of a fault method, throwing the kit-style error listing every problem. */
export function checkOptions(
  method: string,
  options: unknown,
  known: Readonly<Record<string, (value: unknown) => string | undefined>>,
  extra: string[] = [],
): void {
  if (options === undefined) {
    if (extra.length > 0) invalidFault(`add the ${method} fault`, extra);
    return;
  }
  const problems =
    typeof options === 'object' && options !== null && !Array.isArray(options)
      ? listOptionProblems(options, known)
      : [`- options: expected an object with ${Object.keys(known).join(', ')}.`];
  problems.push(...extra);
  if (problems.length > 0) invalidFault(`add the ${method} fault`, problems);
}

export const scheduleChecks = {
  probability: checks.number(0, 1),
  count: checks.integer(1),
  after: checks.integer(0),
  ms: checks.number(0),
};
