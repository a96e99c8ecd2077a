/**
 * Checks of a service definition's options, run when it is defined: every problem at once, by
 * option name. The presets (`postgresService()`) add their own checks to these.
 */
import { countProblems, listOptionProblems, type OptionCheck } from '@proving-ground/kit';
import { TestModesError } from '../errors.js';
import type { ServiceOptions } from './types.js';

/**
 * `postgres` → `POSTGRES`, `myCache` → `MY_CACHE`, `object-store` → `OBJECT_STORE`: the stem of a
 * service's environment variables.
 *
 * @internal
 */
export function upperSnake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase();
}

const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9]*(?:[-_][A-Za-z0-9]+)*$/;
const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A value in a message: strings quoted, anything else by its type. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value;
}

/**
 * Check `options` as a whole against `checks` and throw one `TEST_MODES_INVALID_SERVICE` error that
 * lists every problem by option name, with "did you mean" for unknown keys.
 *
 * @internal
 */
export function validateServiceOptions(
  subject: string,
  options: unknown,
  checks: Record<string, OptionCheck>,
  extraProblems: string[] = [],
): void {
  const problems = [...extraProblems];
  const known = Object.keys(checks);
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    problems.push(`- options: expected an object such as { ${known[0] ?? 'url'}: ... }, got ${describeValue(options)}.`);
  } else if (options !== undefined) {
    problems.push(...listOptionProblems(options, checks));
  }
  if (problems.length === 0) return;
  throw new TestModesError('TEST_MODES_INVALID_SERVICE', {
    action: `define ${subject}`,
    reason: countProblems(problems),
    details: problems,
    fix: 'Fix the options named above; see "Services by mode" in docs/test-modes.md.',
  });
}

/**
 * The problem with a service name, or undefined.
 *
 * @internal
 */
export function describeInvalidServiceName(name: unknown): string | undefined {
  if (typeof name === 'string' && NAME_PATTERN.test(name)) return undefined;
  return `expected a non-empty name of letters, digits, "-" and "_" that starts with a letter (it names the environment variables), got ${describeValue(name)}`;
}

/**
 * Checks of the `url` option, shared with the presets.
 *
 * @internal
 */
export const checkUrlOption: OptionCheck = (value) => {
  if (typeof value === 'function') return undefined;
  if (typeof value !== 'string')
    return `expected the name of an environment variable or a function returning a URL, got ${describeValue(value)}`;
  if (!ENV_NAME_PATTERN.test(value)) {
    return `expected the name of an environment variable (letters, digits and "_"), got ${describeValue(value)}${/^[a-z][a-z0-9+.-]*:/i.test(value) ? '; to hard-code a URL, pass a function: url: () => "..."' : ''}`;
  }
  return undefined;
};

const checkFunction =
  (returns: string): OptionCheck =>
  (value) =>
    typeof value === 'function' ? undefined : `expected a function returning ${returns}, got ${describeValue(value)}`;

/** Checks of {@link ServiceOptions}. */
export const SERVICE_OPTION_CHECKS: Record<keyof ServiceOptions, OptionCheck> = {
  url: checkUrlOption,
  container: checkFunction('a promise of { url, stop }'),
  embedded: checkFunction('a promise of { url, stop }'),
};
