import { CassettesError } from './errors.js';
import type { ModelPrice } from './llm-usage.js';
import type { MatchOptions } from './matching.js';
import type { NormalizeOptions } from './normalization.js';
import type { RedactionOptions } from './redaction.js';
import type { ReplaySpeed } from './replay.js';
import { nearestName } from './internal/did-you-mean.js';

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

const KNOWN: Record<keyof CassetteOptions, (value: unknown) => string | undefined> = {
  mode: (value) => oneOf(value, ['auto', 'replay', 'record-missing', 'record-all', 'off']),
  inMock: (value) => oneOf(value, ['off', 'replay']),
  dir: (value) => (typeof value === 'string' && value !== '' ? undefined : 'must be a non-empty string'),
  match: (value) => checkMatch(value),
  redact: (value) => (isObject(value) ? undefined : 'must be an object'),
  aliases: (value) =>
    isObject(value) && Object.entries(value).every(([from, to]) => URL.canParse(from) && typeof to === 'string' && URL.canParse(to))
      ? undefined
      : 'must map origins to origins, e.g. { "http://127.0.0.1:5123": "https://llm.test" }',
  hosts: (value) =>
    Array.isArray(value) && value.every((host) => typeof host === 'string') ? undefined : 'must be an array of origins or host names',
  normalize: (value) => checkNormalize(value),
  dropHeaders: (value) => (Array.isArray(value) ? undefined : 'must be an array of header names or patterns'),
  replaySpeed: (value) => {
    if (value === 'instant' || value === 'realtime' || (typeof value === 'number' && value > 0)) return undefined;
    const near = typeof value === 'string' ? nearestName(value, ['instant', 'realtime']) : undefined;
    return `must be "instant", "realtime" or a number above 0${near === undefined ? '' : ` (did you mean "${near}"?)`}`;
  },
  strict: (value) => (typeof value === 'boolean' ? undefined : 'must be true or false'),
  maxAge: (value) => (parseDuration(value) === undefined ? 'must be milliseconds or a duration like "90d", "12h", "30m"' : undefined),
  onExpired: (value) => oneOf(value, ['warn', 'fail']),
  recordOnFailure: (value) => (typeof value === 'boolean' ? undefined : 'must be true or false'),
  prices: (value) =>
    isObject(value) &&
    Object.values(value).every((price) => isObject(price) && typeof price['input'] === 'number' && typeof price['output'] === 'number')
      ? undefined
      : 'must map model names to { input, output } USD per million tokens',
};

const MATCH_KEYS = ['strategy', 'ignoreHeaders', 'matchHeaders', 'ignoreQuery', 'ignoreBodyPaths', 'matcher', 'threshold', 'repeats'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function oneOf(value: unknown, choices: string[]): string | undefined {
  if (typeof value === 'string' && choices.includes(value)) return undefined;
  const near = typeof value === 'string' ? nearestName(value, choices) : undefined;
  return `must be one of ${choices.map((choice) => `"${choice}"`).join(', ')}${near === undefined ? '' : ` (did you mean "${near}"?)`}`;
}

function checkMatch(value: unknown): string | undefined {
  if (!isObject(value)) return 'must be an object';
  const problems: string[] = [];
  for (const key of Object.keys(value)) {
    if (!MATCH_KEYS.includes(key)) {
      const near = nearestName(key, MATCH_KEYS);
      problems.push(`"${key}" is not an option${near === undefined ? '' : ` (did you mean "${near}"?)`}`);
    }
  }
  if (value['strategy'] !== undefined) {
    const problem = oneOf(value['strategy'], ['exact', 'similar', 'adaptive']);
    if (problem !== undefined) problems.push(`strategy ${problem}`);
  }
  const threshold = value['threshold'];
  if (threshold !== undefined && (typeof threshold !== 'number' || threshold < 0 || threshold > 1))
    problems.push('threshold must be a number from 0 to 1');
  if (value['matcher'] !== undefined && typeof value['matcher'] !== 'function') problems.push('matcher must be a function');
  return problems.length === 0 ? undefined : problems.join('; ');
}

function checkNormalize(value: unknown): string | undefined {
  if (!isObject(value)) return 'must be an object like { responseJson: { id: "chatcmpl-recorded", created: 0 } }';
  const problems: string[] = [];
  for (const key of Object.keys(value)) {
    if (key !== 'responseJson') {
      const near = nearestName(key, ['responseJson']);
      problems.push(`"${key}" is not an option${near === undefined ? '' : ` (did you mean "${near}"?)`}`);
    }
  }
  if (value['responseJson'] !== undefined && !isObject(value['responseJson']))
    problems.push('responseJson must map JSON paths to the values stored instead');
  return problems.length === 0 ? undefined : problems.join('; ');
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
    throw new CassettesError(
      'CASSETTES_INVALID_OPTIONS',
      `[cassettes] Failed to read ${where}: they must be an object. Pass {} or leave them out.`,
    );
  }
  const problems: string[] = [];
  const names = Object.keys(KNOWN);
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    const check = KNOWN[key as keyof CassetteOptions] as ((value: unknown) => string | undefined) | undefined;
    if (check === undefined) {
      const near = nearestName(key, names);
      problems.push(`"${key}" is not an option${near === undefined ? '' : ` (did you mean "${near}"?)`}`);
      continue;
    }
    const problem = check(value);
    if (problem !== undefined) problems.push(`${key} ${problem}`);
  }
  if (problems.length > 0) {
    throw new CassettesError(
      'CASSETTES_INVALID_OPTIONS',
      `[cassettes] Failed to read ${where}: ${problems.length} problem${problems.length > 1 ? 's' : ''}: ${problems.join('; ')}. Fix the options named above.`,
    );
  }
  return options;
}
