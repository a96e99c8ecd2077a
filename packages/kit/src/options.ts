import { describeChoice, didYouMean, listChoices } from './did-you-mean.js';

/** A check of one option: what is wrong with `value`, or undefined when it is fine. */
export type OptionCheck = (value: unknown) => string | undefined;

/**
 * Every problem of an options object at once, one line each (`- name: problem.`): unknown options
 * with the nearest known name, and each known option whose check fails. An option set to `undefined`
 * counts as left out. `path` prefixes nested option names (`retry.` gives `- retry.times: ...`).
 *
 * @example
 * listOptionProblems({ tiemout: 5 }, { timeout: checkNumber })
 * // ['- tiemout: unknown option. Did you mean "timeout"? Known options: timeout.']
 */
export function listOptionProblems(options: object, checks: Readonly<Record<string, OptionCheck>>, path = ''): string[] {
  const known = Object.keys(checks);
  const problems: string[] = [];
  for (const [key, value] of Object.entries(options)) {
    const check = checks[key];
    if (check === undefined) {
      problems.push(`- ${path}${key}: unknown option.${didYouMean(key, known)} Known options: ${known.join(', ')}.`);
      continue;
    }
    if (value === undefined) continue;
    const problem = check(value);
    if (problem !== undefined) problems.push(`- ${path}${key}: ${problem.replace(/\.$/, '')}.`);
  }
  return problems;
}

/** `1 problem` or `3 problems`, for the reason of an options error. */
export function countProblems(problems: readonly unknown[]): string {
  return `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
}

/** Common checks, each returning what is wrong or undefined. */
export const checks = {
  /** A whole number within `[min, max]`. */
  integer:
    (min = 0, max = Infinity): OptionCheck =>
    (value) =>
      typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
        ? undefined
        : `expected a whole number ${Number.isFinite(max) ? `from ${min} to ${max}` : `>= ${min}`}, got ${describe(value)}`,
  /** A finite number within `[min, max]`. */
  number:
    (min = -Infinity, max = Infinity): OptionCheck =>
    (value) =>
      typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max
        ? undefined
        : `expected a number${Number.isFinite(min) ? ` >= ${min}` : ''}${Number.isFinite(max) ? ` <= ${max}` : ''}, got ${describe(value)}`,
  /** A boolean. */
  boolean: (): OptionCheck => (value) => (typeof value === 'boolean' ? undefined : `expected true or false, got ${describe(value)}`),
  /** A non-empty string. */
  string: (): OptionCheck => (value) =>
    typeof value === 'string' && value !== '' ? undefined : `expected a non-empty string, got ${describe(value)}`,
  /** An array of non-empty strings (globs, paths). */
  stringList: (): OptionCheck => (value) =>
    Array.isArray(value) && value.every((item) => typeof item === 'string' && item !== '')
      ? undefined
      : `expected an array of non-empty strings, got ${describe(value)}`,
  /** A function. */
  function: (): OptionCheck => (value) => (typeof value === 'function' ? undefined : `expected a function, got ${describe(value)}`),
  /** One of `choices`, with "did you mean" for near misses. */
  oneOf:
    (choices: readonly string[]): OptionCheck =>
    (value) =>
      typeof value === 'string' && choices.includes(value)
        ? undefined
        : `expected one of ${listChoices(choices)}, got ${typeof value === 'string' ? describeChoice(value, choices) : describe(value)}`,
} as const;

/**
 * A short description of a value for an option message: its type, and the value itself only for
 * booleans, numbers and short strings (options are not where secrets are expected, but long strings are cut).
 */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return value.length <= 40 ? JSON.stringify(value) : `a string of ${value.length} characters`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
