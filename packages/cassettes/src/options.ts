import { checks, countProblems, describeOptionValue, listOptionProblems, nearestMatch, type OptionCheck } from '@proving-ground/kit';
import { CassettesError } from './errors.js';
import type { ModelPrice } from './llm-usage.js';
import type { MatchOptions } from './matching.js';
import type { NormalizeOptions } from './normalization.js';
import type { RedactionOptions } from './redaction/rules.js';
import type { ReplaySpeed } from './replay.js';

/** What a cassette does with requests. */
export type CassetteMode = 'replay' | 'record-missing' | 'record-all' | 'off';

/** Options of {@link setupCassettes} and {@link withCassette}. */
export interface CassetteOptions {
  /**
   * `auto` (default) follows test-modes: `golden` replays, `live_smoke` with `TEST_RECORD=missing`
   * or `all` records, `mock` and `live_smoke` without recording leave requests alone. Or force one.
   */
  mode?: 'auto' | CassetteMode;
  /** What `auto` does in `mock` mode: `off` (default) or `replay`. */
  inMock?: 'off' | 'replay';
  /** Where per-test cassettes go: default `__cassettes__` beside each test file. */
  dir?: string;
  match?: MatchOptions;
  redact?: RedactionOptions;
  /** Real origin → stable alias used in cassettes and matching (random ports, per-machine hosts). */
  aliases?: Record<string, string>;
  /** Only requests to these origins or host names (after aliasing) use cassettes; default all. */
  hosts?: readonly string[];
  /** Values replaced in stored responses (completion ids, timestamps), so re-recording gives no diff. */
  normalize?: NormalizeOptions;
  /** More headers to leave out of cassettes. */
  dropHeaders?: readonly (string | RegExp)[];
  /** How streams replay: `instant` (default), `realtime`, or a speed factor (2 = twice as fast). */
  replaySpeed?: ReplaySpeed;
  /** Fail the test when recorded interactions were not used (default false: a warning). */
  strict?: boolean;
  /** Maximum age of a cassette: milliseconds or `90d`, `12h`, `30m`. */
  maxAge?: number | string;
  /** What an older cassette does: `warn` (default) or `fail`. */
  onExpired?: 'warn' | 'fail';
  /** Write what a failing test recorded (default false: nothing is written). */
  recordOnFailure?: boolean;
  /** Prices (USD per million tokens) for cost estimates, by model name or prefix. */
  prices?: Record<string, ModelPrice>;
}

/** Every problem of a nested options object (`match`, `normalize`), named by its full path. */
function nestedProblems(value: unknown, nestedChecks: Readonly<Record<string, OptionCheck>>, path: string, example: string): string[] {
  if (!isObject(value)) return [`- ${path}: expected an object like ${example}, got ${describeOptionValue(value)}.`];
  return listOptionProblems(value, nestedChecks, `${path}.`);
}

const MATCH_CHECKS: Record<keyof MatchOptions, OptionCheck> = {
  strategy: checks.oneOf(['exact', 'similar', 'adaptive']),
  ignoreHeaders: stringList('header names'),
  matchHeaders: stringList('header names'),
  ignoreQuery: stringList('query parameter names'),
  ignoreBodyPaths: stringList('JSON paths such as "metadata.requestId"'),
  matcher: checks.function(),
  threshold: checks.number(0, 1),
  repeats: checks.boolean(),
};

const NORMALIZE_CHECKS: Record<keyof NormalizeOptions, OptionCheck> = {
  responseJson: (value) => (isObject(value) ? undefined : 'expected an object mapping JSON paths to the values stored instead'),
};

/** Checks of the top-level options; `match` and `normalize` are checked field by field in {@link validateOptions}. */
const OPTION_CHECKS: Record<keyof CassetteOptions, OptionCheck> = {
  mode: checks.oneOf(['auto', 'replay', 'record-missing', 'record-all', 'off']),
  inMock: checks.oneOf(['off', 'replay']),
  dir: checks.string(),
  match: () => undefined,
  redact: (value) => (isObject(value) ? undefined : `expected an object, got ${describeOptionValue(value)}`),
  aliases: (value) =>
    isObject(value) && Object.entries(value).every(([from, to]) => URL.canParse(from) && typeof to === 'string' && URL.canParse(to))
      ? undefined
      : 'expected a map of origins to origins, e.g. { "http://127.0.0.1:5123": "https://llm.test" }',
  hosts: stringList('origins or host names'),
  normalize: () => undefined,
  dropHeaders: (value) => (Array.isArray(value) ? undefined : 'expected an array of header names or patterns'),
  replaySpeed: (value) => {
    if (value === 'instant' || value === 'realtime' || (typeof value === 'number' && value > 0)) return undefined;
    const near = typeof value === 'string' ? nearestMatch(value, ['instant', 'realtime']) : undefined;
    return `expected "instant", "realtime" or a number above 0, got ${describeOptionValue(value)}${near === undefined ? '' : ` (did you mean ${JSON.stringify(near)}?)`}`;
  },
  strict: checks.boolean(),
  maxAge: (value) => (parseDuration(value) === undefined ? 'expected milliseconds or a duration like "90d", "12h", "30m"' : undefined),
  onExpired: checks.oneOf(['warn', 'fail']),
  recordOnFailure: checks.boolean(),
  prices: (value) =>
    isObject(value) &&
    Object.values(value).every((price) => isObject(price) && typeof price['input'] === 'number' && typeof price['output'] === 'number')
      ? undefined
      : 'expected a map of model names to { input, output } USD per million tokens',
};

function stringList(what: string): OptionCheck {
  return (value) => (Array.isArray(value) && value.every((item) => typeof item === 'string') ? undefined : `expected an array of ${what}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Milliseconds of a duration given as a number or as `90d`, `12h`, `30m`, `45s`; undefined when invalid.
 *
 * @example
 * parseDuration('2d') // 172800000
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/.exec(value.trim());
  if (match === null) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[match[2] as 'ms'];
  return Number(match[1]) * unit;
}

/**
 * Check options as a whole and report every problem at once.
 *
 * @throws CassettesError `CASSETTES_INVALID_OPTIONS` naming each option at fault
 * @example
 * validateOptions({ mode: 'replay', strict: true })
 */
export function validateOptions(options: unknown, where = 'cassette options'): CassetteOptions {
  if (!isObject(options)) {
    throw new CassettesError('CASSETTES_INVALID_OPTIONS', {
      action: `read ${where}`,
      reason: `they must be an object, got ${describeOptionValue(options)}`,
      fix: 'Pass {} or leave them out.',
    });
  }
  const problems = listOptionProblems(options, OPTION_CHECKS);
  if (options['match'] !== undefined) problems.push(...nestedProblems(options['match'], MATCH_CHECKS, 'match', "{ strategy: 'similar' }"));
  if (options['normalize'] !== undefined)
    problems.push(...nestedProblems(options['normalize'], NORMALIZE_CHECKS, 'normalize', "{ responseJson: { id: 'chatcmpl-recorded' } }"));
  if (problems.length > 0) {
    throw new CassettesError('CASSETTES_INVALID_OPTIONS', {
      action: `read ${where}`,
      reason: countProblems(problems),
      details: problems,
      fix: 'Fix the options named above.',
    });
  }
  return options;
}
