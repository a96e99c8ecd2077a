import { ProvingGroundError, errorGuard } from '@proving-ground/kit';

/** Stable codes carried by every {@link FlakyError}. */
export type FlakyErrorCode =
  /** A test id that is not the 16-hex-digit form {@link testIdOf} makes. */
  | 'FLAKY_INVALID_TEST_ID'
  /** `flaky-detector <name>` with a name that is no command. */
  | 'FLAKY_UNKNOWN_COMMAND'
  /** A command's flags that it does not take, or a flag without its value. */
  | 'FLAKY_INVALID_CLI_ARGUMENTS'
  /** `flaky-detector report` over a history with no run (or without the run asked for). */
  | 'FLAKY_REPORT_NO_RUN'
  /** `flaky-detector report --out` to a file that cannot be written. */
  | 'FLAKY_REPORT_WRITE_FAILED'
  /** `analyzeHistory()` options that are unknown or out of range (all problems listed at once, each by its path). */
  | 'FLAKY_INVALID_ANALYSIS_OPTIONS'
  /** A duration baselines JSON file that is not JSON, of another version, or has wrong fields (each named). */
  | 'FLAKY_INVALID_BASELINES'
  /** The test sequencer's options, or a durations file it was pointed at, that it cannot use. */
  | 'FLAKY_INVALID_SEQUENCER_OPTIONS'
  /** Reporter options that are unknown or of the wrong kind (all problems listed at once). */
  | 'FLAKY_INVALID_REPORTER_OPTIONS'
  /** A quarantine file that is missing (when named), not JSON, or has entries with missing or wrong fields (each named). */
  | 'FLAKY_INVALID_QUARANTINE'
  /** Quarantine entries past their `expires` day: the run fails until each is renewed or removed. */
  | 'FLAKY_QUARANTINE_EXPIRED'
  /** `flaky-detector quarantine add` for a test the history classes as broken (a regression), or does not know. */
  | 'FLAKY_QUARANTINE_REFUSED'
  /** A new or changed test that failed one of its early-detection runs: it is flaky and may not go in. */
  | 'FLAKY_NEW_TEST_FLAKY'
  /** The reporter's run folder (the side channel of the setup file) that cannot be written or read. */
  | 'FLAKY_RUN_FOLDER'
  /** `openHistoryStore()` options that are unknown or of the wrong kind (all problems listed at once). */
  | 'FLAKY_INVALID_STORE_OPTIONS'
  /** A history store file that is not SQLite, fails `PRAGMA quick_check`, or holds no history (it is left as it is). */
  | 'FLAKY_CORRUPT_STORE'
  /** A history store written by a newer flaky-detector (a higher schema version than this one reads). */
  | 'FLAKY_STORE_TOO_NEW'
  /** A history store that cannot be reached: a missing source file, a refused connection, a lock held too long. */
  | 'FLAKY_STORE_UNREACHABLE'
  /** A record the store cannot take: an unknown attempt status, or attempts of a run that was never recorded. */
  | 'FLAKY_INVALID_RECORD'
  /** An optional peer (`pg` for a PostgreSQL store, the `@opentelemetry` packages for OTLP) that is not installed. */
  | 'FLAKY_MISSING_PEER'
  /** Metrics options (run metrics, Pushgateway, OTLP) that are unknown or of the wrong kind (all problems listed at once). */
  | 'FLAKY_INVALID_METRICS_OPTIONS'
  /** A Pushgateway that cannot be reached: refused connection, unknown host, no answer in time. */
  | 'FLAKY_PUSHGATEWAY_UNREACHABLE'
  /** A Pushgateway that answered a push with an error status (bad path, credentials, inconsistent metrics). */
  | 'FLAKY_PUSHGATEWAY_REJECTED'
  /** An OTLP export that the receiver refused or that did not reach it. */
  | 'FLAKY_OTLP_EXPORT_FAILED'
  /** `flaky-detector metrics` on a history without runs, or without the run `--run` names. */
  | 'FLAKY_METRICS_NO_RUN';

/**
 * Base class of every error thrown by `@proving-ground/flaky-detector`. Recognise it with
 * {@link isFlakyError}: a test setup can hold two copies of the package.
 *
 * @example
 * try { parseTestId('x') } catch (error) { if (isFlakyError(error)) console.log(error.code) }
 */
export class FlakyError extends ProvingGroundError<FlakyErrorCode> {
  static override readonly packageName: string = 'flaky-detector';
  static override readonly errorName: string = 'FlakyError';
}

/**
 * Whether `value` is an error thrown by any copy of `@proving-ground/flaky-detector`.
 *
 * @example
 * if (isFlakyError(error) && error.code === 'FLAKY_INVALID_TEST_ID') { ... }
 */
export const isFlakyError = errorGuard(FlakyError);
