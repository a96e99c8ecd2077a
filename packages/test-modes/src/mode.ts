import { didYouMean } from '@proving-ground/kit';
import { TestModesError } from './errors.js';

/** The ways a suite can treat the network: see the package README. */
export const MODES = ['mock', 'golden', 'live_smoke'] as const;
/** One of {@link MODES}. */
export type Mode = (typeof MODES)[number];

/** What `live_smoke` records: nothing, only interactions no cassette holds yet, or everything anew. */
export const RECORD_POLICIES = ['none', 'missing', 'all'] as const;
/** One of {@link RECORD_POLICIES}. */
export type RecordPolicy = (typeof RECORD_POLICIES)[number];

/** The effective settings of a run, resolved from the environment and the config file. */
export interface ModeSettings {
  mode: Mode;
  record: RecordPolicy;
  /** Where each value came from, for the banner and error messages. */
  source: { mode: 'TEST_MODE' | 'config' | 'default'; record: 'TEST_RECORD' | 'config' | 'default' };
}

/** Defaults a config file may set; the environment always wins. */
export interface ModeDefaults {
  defaultMode?: Mode | undefined;
  defaultRecord?: RecordPolicy | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

function parseChoice<T extends string>(
  raw: string,
  choices: readonly T[],
  variable: string,
  code: 'TEST_MODES_INVALID_MODE' | 'TEST_MODES_INVALID_RECORD_POLICY',
): T {
  const normalized = raw.trim().toLowerCase().replaceAll('-', '_');
  const match = choices.find((choice) => choice === normalized);
  if (match !== undefined) return match;
  throw new TestModesError(code, {
    action: `read ${variable}`,
    reason: `"${raw}" is not a valid value. Valid values: ${choices.join(', ')} (case-insensitive).${didYouMean(normalized, choices)}`,
    fix: `Set ${variable} to one of them, or unset it for the default.`,
  });
}

/**
 * Parse a `TEST_MODE` value. Case-insensitive: `MOCK`, `Golden` and `LIVE_SMOKE` are accepted.
 *
 * @param raw - the value as found in the environment
 * @throws TestModesError `TEST_MODES_INVALID_MODE`, listing the valid values and the nearest match
 * @example
 * parseMode('GOLDEN') // 'golden'
 */
export function parseMode(raw: string): Mode {
  return parseChoice(raw, MODES, 'TEST_MODE', 'TEST_MODES_INVALID_MODE');
}

/**
 * Parse a `TEST_RECORD` value (`none`, `missing` or `all`, case-insensitive).
 *
 * @throws TestModesError `TEST_MODES_INVALID_RECORD_POLICY`
 * @example
 * parseRecordPolicy('Missing') // 'missing'
 */
export function parseRecordPolicy(raw: string): RecordPolicy {
  return parseChoice(raw, RECORD_POLICIES, 'TEST_RECORD', 'TEST_MODES_INVALID_RECORD_POLICY');
}

function isSet(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

/** Whether `CI` is set the way CI providers set it (any value but empty, `0` or `false`). */
export function isCi(env: Env): boolean {
  const value = env['CI'];
  return isSet(value) && !['0', 'false'].includes(value.trim().toLowerCase());
}

/**
 * Resolve the mode and record policy of a run and check that they may be used together.
 *
 * - `TEST_MODE` (default `mock`) and `TEST_RECORD` (default `none`) win over config defaults.
 * - Recording (`missing` or `all`) needs `live_smoke`, and refuses to start when `CI` is set
 *   unless `TEST_RECORD_IN_CI=1`.
 *
 * @param env - usually `process.env`
 * @param defaults - `defaultMode` and `defaultRecord` from the config file
 * @example
 * resolveModeSettings({ TEST_MODE: 'live_smoke', TEST_RECORD: 'missing' }).record // 'missing'
 */
export function resolveModeSettings(env: Env, defaults: ModeDefaults = {}): ModeSettings {
  const rawMode = env['TEST_MODE'];
  const rawRecord = env['TEST_RECORD'];
  const mode = isSet(rawMode) ? parseMode(rawMode) : (defaults.defaultMode ?? 'mock');
  const record = isSet(rawRecord) ? parseRecordPolicy(rawRecord) : (defaults.defaultRecord ?? 'none');
  const source: ModeSettings['source'] = {
    mode: isSet(rawMode) ? 'TEST_MODE' : defaults.defaultMode === undefined ? 'default' : 'config',
    record: isSet(rawRecord) ? 'TEST_RECORD' : defaults.defaultRecord === undefined ? 'default' : 'config',
  };
  if (record !== 'none' && mode !== 'live_smoke') {
    throw new TestModesError('TEST_MODES_RECORDING_NEEDS_LIVE_SMOKE', {
      action: 'start recording',
      reason: `TEST_RECORD=${record} only applies in live_smoke mode, and the mode is ${mode}`,
      fix: `Run with TEST_MODE=live_smoke TEST_RECORD=${record} to record, or unset TEST_RECORD.`,
    });
  }
  if (record !== 'none' && isCi(env) && env['TEST_RECORD_IN_CI'] !== '1') {
    throw new TestModesError('TEST_MODES_RECORDING_IN_CI', {
      action: 'start recording',
      reason: `TEST_RECORD=${record} was requested while CI is set, and recordings made on CI are refused by default`,
      fix: 'Record on a developer machine and commit the result, or set TEST_RECORD_IN_CI=1 to record on CI anyway.',
    });
  }
  return { mode, record, source };
}

/**
 * The mode of the current run: `TEST_MODE`, or the config file's `defaultMode`, or `mock`.
 *
 * @throws TestModesError `TEST_MODES_INVALID_MODE` for an unknown value
 * @example
 * if (currentMode() === 'live_smoke') console.log('talking to the real upstream')
 */
export function currentMode(): Mode {
  return resolveModeSettings(process.env, readDefaultsFromEnv()).mode;
}

/**
 * The record policy of the current run: `TEST_RECORD`, or the config file's `defaultRecord`, or `none`.
 *
 * @example
 * if (currentRecordPolicy() !== 'none') console.log('recording')
 */
export function currentRecordPolicy(): RecordPolicy {
  return resolveModeSettings(process.env, readDefaultsFromEnv()).record;
}

/** Defaults from the config file are handed to test files through these variables by the setup entry. */
export const DEFAULT_MODE_ENV = 'PROVING_GROUND_TEST_MODES_DEFAULT_MODE';
export const DEFAULT_RECORD_ENV = 'PROVING_GROUND_TEST_MODES_DEFAULT_RECORD';

function readDefaultsFromEnv(): ModeDefaults {
  const defaultMode = process.env[DEFAULT_MODE_ENV];
  const defaultRecord = process.env[DEFAULT_RECORD_ENV];
  return {
    defaultMode: isSet(defaultMode) ? parseMode(defaultMode) : undefined,
    defaultRecord: isSet(defaultRecord) ? parseRecordPolicy(defaultRecord) : undefined,
  };
}

/** Choices for {@link whenMode}: one value per mode, or `default` for the modes not listed. */
export type ModeChoices<T> = Partial<Record<Mode, T>> & { default?: T };

/**
 * Pick the value for the current mode.
 *
 * @param choices - a value per mode; `default` covers the modes left out
 * @throws TestModesError `TEST_MODES_NO_MODE_BRANCH` when the current mode has no value and no default
 * @example
 * const baseUrl = whenMode({ mock: 'http://127.0.0.1:4010', default: 'https://api.example.com' })
 */
export function whenMode<T>(choices: ModeChoices<T>): T {
  const mode = currentMode();
  if (Object.hasOwn(choices, mode)) return choices[mode] as T;
  if (Object.hasOwn(choices, 'default')) return choices.default as T;
  const listed = Object.keys(choices).join(', ') || 'none';
  throw new TestModesError('TEST_MODES_NO_MODE_BRANCH', {
    action: 'choose a value in whenMode()',
    reason: `the current mode is ${mode}, and the choices cover only ${listed}`,
    fix: `Add a "${mode}" entry or a "default".`,
  });
}
