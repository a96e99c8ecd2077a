import { ProvingGroundError, errorGuard } from '@proving-ground/kit';

/** Stable codes carried by every {@link ImpactError}. */
export type ImpactErrorCode =
  /** A revision (`--base`, `--head`) that git does not know. */
  | 'IMPACT_UNKNOWN_REVISION'
  /** The folder is not inside a git work tree, or git cannot be run. */
  | 'IMPACT_NOT_A_REPOSITORY'
  /** A map file that is not JSON, of another version, or has wrong fields (it is left as it is). */
  | 'IMPACT_CORRUPT_MAP'
  /** A map file written by a newer impact-analyzer than this one reads. */
  | 'IMPACT_MAP_TOO_NEW'
  /** A map file, a selection file or a shadow log that cannot be written. */
  | 'IMPACT_WRITE_FAILED'
  /** Options of `selectTests()`, the recorder, the reporter, the filter or the sequencer that are unknown or of the wrong kind (all listed at once). */
  | 'IMPACT_INVALID_OPTIONS'
  /** `impact-analyzer <name>` with a name that is no command. */
  | 'IMPACT_UNKNOWN_COMMAND'
  /** A command's flags that it does not take, or a flag without its value. */
  | 'IMPACT_INVALID_CLI_ARGUMENTS'
  /** The Jest configuration of the project could not be read (`jest --showConfig` failed). */
  | 'IMPACT_JEST_CONFIG'
  /** `why <test>` for a path that is no test file the analyzer knows. */
  | 'IMPACT_UNKNOWN_TEST'
  /** A selection file (for the `--filter` module or the sequencer) that is missing or not a selection. */
  | 'IMPACT_INVALID_SELECTION'
  /** The recorder's run folder (the side channel between test workers and the reporter) that cannot be written or read. */
  | 'IMPACT_RUN_FOLDER'
  /** An optional peer (`@proving-ground/flaky-detector`, `typescript`) that is needed and not installed. */
  | 'IMPACT_MISSING_PEER'
  /** `impact-analyzer report` over a shadow log that has no entry. */
  | 'IMPACT_REPORT_NO_DATA';

/**
 * Base class of every error thrown by `@proving-ground/impact-analyzer`. Recognise it with
 * {@link isImpactError}: a test setup can hold two copies of the package.
 *
 * @example
 * try { await selectTests({ base: 'nope' }) } catch (error) { if (isImpactError(error)) console.log(error.code) }
 */
export class ImpactError extends ProvingGroundError<ImpactErrorCode> {
  static override readonly packageName: string = 'impact-analyzer';
  static override readonly errorName: string = 'ImpactError';
}

/**
 * Whether `value` is an error thrown by any copy of `@proving-ground/impact-analyzer`.
 *
 * @example
 * if (isImpactError(error) && error.code === 'IMPACT_UNKNOWN_REVISION') { ... }
 */
export const isImpactError = errorGuard(ImpactError);
