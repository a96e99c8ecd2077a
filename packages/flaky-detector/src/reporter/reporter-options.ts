import { checks, countProblems, describeOptionValue, listOptionProblems, type OptionCheck } from '@proving-ground/kit';
import { FlakyError } from '../errors.js';

/** Retries of failed tests: which, how many, how spaced. */
export interface RetryOptions {
  /** Retry the tests the history classes as flaky. Default true. */
  knownFlaky?: boolean | undefined;
  /** Test ids to retry as well (from a report), whatever the history says. */
  tests?: string[] | undefined;
  /** Also retry any test whose failure message matches this (a RegExp or its source), e.g. `ECONNRESET|socket hang up`. */
  errorPattern?: string | RegExp | undefined;
  /** Retries of one test in one run. Default 2. */
  maxRetries?: number | undefined;
  /** Retries of all tests in one run, shared by all workers. Default 20. */
  budget?: number | undefined;
  /** The wait before the first retry, before jitter. Default 100 ms. */
  initialDelayMs?: number | undefined;
  /** Each retry waits this many times longer. Default 2. */
  factor?: number | undefined;
  /** The longest wait. Default 2000 ms. */
  maxDelayMs?: number | undefined;
  /** Seed of the jitter. Default: derived from the run id (printed with the retries). */
  seed?: number | undefined;
}

/** Early detection: new and changed tests run several times before they can pass. */
export interface EarlyDetectionOptions {
  /** Extra time all early-detection runs of one run may take together. Default 30000 ms. */
  budgetMs?: number | undefined;
  /** Runs of a test by its first run's duration. Default `[{ underMs: 5000, runs: 10 }, { underMs: 10000, runs: 5 }, { underMs: 30000, runs: 3 }, { underMs: 300000, runs: 2 }]`. */
  runs?: Array<{ underMs: number; runs: number }> | undefined;
  /** A git ref (`origin/main`): tests in test files changed since it count as changed. Default: none (new tests only). */
  changedSince?: string | undefined;
}

/**
 * Options of the reporter, given in Jest's config:
 * `reporters: ['default', ['@proving-ground/flaky-detector/reporter', { ...options }]]`.
 */
export interface FlakyReporterOptions {
  /**
   * Where the history is: a SQLite file (relative to Jest's rootDir; default
   * `.flaky-detector/history.sqlite`) or a `postgres://` URL. Without it, the variable
   * `FLAKY_DETECTOR_DATABASE_URL` names a PostgreSQL database when set.
   */
  store?: string | undefined;
  /** The quarantine file, relative to rootDir. Default `flaky-quarantine.json` (no quarantine when it does not exist). */
  quarantineFile?: string | undefined;
  /** The run's id. Default the variable `FLAKY_DETECTOR_RUN_ID`, else a new one; `-shard-i-of-n` is added under `--shard`. */
  runId?: string | undefined;
  /** The CI job's name. Default read from the CI's variables (GitHub Actions, GitLab, CircleCI, Buildkite). */
  ciJob?: string | undefined;
  /**
   * How many recent runs are searched at the start for known-flaky tests (shards count as runs):
   * the tests that failed in them are read and scored. Default 20. A test is new (for early
   * detection) when the history has never recorded it, whatever this is.
   */
  historyRuns?: number | undefined;
  /** Retries of failed tests, or false for none. Needs the setup file. */
  retries?: RetryOptions | false | undefined;
  /** Early detection of flaky new tests, or false for none. Needs the setup file. */
  earlyDetection?: EarlyDetectionOptions | false | undefined;
  /** Print nothing (the quarantined failures, retries and early-detection summaries). Default false. */
  silent?: boolean | undefined;
}

const TEST_ID = /^[0-9a-f]{16}$/;

function checkPattern(value: unknown): string | undefined {
  if (value instanceof RegExp) return undefined;
  if (typeof value !== 'string' || value === '') return `expected a RegExp or its source, got ${describeOptionValue(value)}`;
  try {
    new RegExp(value);
    return undefined;
  } catch (error) {
    return `not a valid regular expression (${(error as Error).message})`;
  }
}

function checkRunsTable(value: unknown): string | undefined {
  const ok =
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (row: unknown) =>
        typeof row === 'object' &&
        row !== null &&
        typeof (row as { underMs?: unknown }).underMs === 'number' &&
        Number.isInteger((row as { runs?: unknown }).runs) &&
        (row as { runs: number }).runs >= 1,
    );
  return ok ? undefined : `expected rows { underMs: number, runs: whole number >= 1 }, got ${describeOptionValue(value)}`;
}

const RETRY_CHECKS: Readonly<Record<keyof RetryOptions, OptionCheck>> = {
  knownFlaky: checks.boolean(),
  tests: (value) =>
    Array.isArray(value) && value.every((id) => typeof id === 'string' && TEST_ID.test(id))
      ? undefined
      : `expected test ids (16 lowercase hexadecimal digits each), got ${describeOptionValue(value)}`,
  errorPattern: checkPattern,
  maxRetries: checks.integer(0, 100),
  budget: checks.integer(0),
  initialDelayMs: checks.number(0),
  factor: checks.number(1),
  maxDelayMs: checks.number(0),
  seed: checks.integer(0, 2 ** 32 - 1),
};

const EARLY_CHECKS: Readonly<Record<keyof EarlyDetectionOptions, OptionCheck>> = {
  budgetMs: checks.number(0),
  runs: checkRunsTable,
  changedSince: checks.string(),
};

const objectOrFalse = (value: unknown): string | undefined =>
  value === false || (typeof value === 'object' && value !== null && !Array.isArray(value))
    ? undefined
    : `expected an object of options or false, got ${describeOptionValue(value)}`;

const CHECKS: Readonly<Record<keyof FlakyReporterOptions, OptionCheck>> = {
  store: checks.string(),
  quarantineFile: checks.string(),
  runId: checks.string(),
  ciJob: checks.string(),
  historyRuns: checks.integer(1),
  retries: objectOrFalse,
  earlyDetection: objectOrFalse,
  silent: checks.boolean(),
};

/**
 * Check the reporter's options as a whole, reporting every problem at once.
 *
 * @throws FlakyError `FLAKY_INVALID_REPORTER_OPTIONS`
 * @example
 * checkReporterOptions({ retries: { maxRetries: -1 } })
 */
export function checkReporterOptions(options: unknown): FlakyReporterOptions {
  const given = (options ?? {}) as Record<string, unknown>;
  const problems =
    typeof given === 'object' && !Array.isArray(given)
      ? [
          ...listOptionProblems(given, CHECKS),
          ...(isObject(given['retries']) ? listOptionProblems(given['retries'], RETRY_CHECKS, 'retries.') : []),
          ...(isObject(given['earlyDetection']) ? listOptionProblems(given['earlyDetection'], EARLY_CHECKS, 'earlyDetection.') : []),
        ]
      : [`- options: expected an object, got ${describeOptionValue(options)}.`];
  if (problems.length > 0) {
    throw new FlakyError('FLAKY_INVALID_REPORTER_OPTIONS', {
      action: 'start the flaky-detector reporter',
      reason: countProblems(problems),
      details: problems,
      fix: 'Fix the options in the `reporters` entry of your Jest config (see docs/flaky-detector.md)',
    });
  }
  return given;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof RegExp);
}
