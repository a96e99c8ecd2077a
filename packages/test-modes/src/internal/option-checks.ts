import { nearestMatch } from '@proving-ground/kit';

/** A check of one option: the problem, or undefined when the value is fine. */
export type OptionCheck = (value: unknown) => string | undefined;

/**
 * Every problem of an options object, one line each (`- name: problem.`): unknown options with the
 * nearest known name, and each known option that fails its check. An option set to `undefined`
 * counts as left out.
 */
export function listOptionProblems(options: object, checks: Readonly<Record<string, OptionCheck>>): string[] {
  const known = Object.keys(checks);
  const problems: string[] = [];
  for (const [key, value] of Object.entries(options)) {
    const check = checks[key];
    if (check === undefined) {
      const nearest = nearestMatch(key, known);
      problems.push(
        `- ${key}: unknown option.${nearest === undefined ? '' : ` Did you mean "${nearest}"?`} Known options: ${known.join(', ')}.`,
      );
      continue;
    }
    if (value === undefined) continue;
    const problem = check(value);
    if (problem !== undefined) problems.push(`- ${key}: ${problem}.`);
  }
  return problems;
}
