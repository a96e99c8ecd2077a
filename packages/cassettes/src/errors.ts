import { ProvingGroundError, errorGuard } from '@proving-ground/kit';

/** Stable codes carried by every {@link CassettesError}. */
export type CassettesErrorCode =
  | 'CASSETTES_UNMATCHED_REQUEST'
  | 'CASSETTES_UNUSED_INTERACTIONS'
  | 'CASSETTES_CORRUPT_CASSETTE'
  | 'CASSETTES_UNSUPPORTED_VERSION'
  | 'CASSETTES_SECRET_LEAK'
  | 'CASSETTES_EXPIRED'
  | 'CASSETTES_INVALID_OPTIONS'
  | 'CASSETTES_NO_ACTIVE_CASSETTE'
  | 'CASSETTES_INVALID_HAR'
  | 'CASSETTES_INVALID_USAGE_FILE'
  | 'CASSETTES_STREAM_LEFT_OPEN';

/**
 * Base class of every error thrown by `@proving-ground/cassettes`. Its message reads
 * `[cassettes] Failed to <action>: <reason>. <fix>` (the prefix is added here), and an error it
 * wraps is kept as `cause`.
 *
 * Recognise it with {@link isCassettesError}: a test setup can hold two copies of the package.
 *
 * @example
 * try { readCassette('x.json') } catch (error) { if (isCassettesError(error)) console.log(error.code) }
 */
export class CassettesError extends ProvingGroundError<CassettesErrorCode> {
  static override readonly packageName: string = 'cassettes';
  static override readonly errorName: string = 'CassettesError';
}

/**
 * Whether `value` is an error thrown by any copy of `@proving-ground/cassettes`.
 *
 * @example
 * if (isCassettesError(error) && error.code === 'CASSETTES_UNMATCHED_REQUEST') { ... }
 */
export const isCassettesError = errorGuard(CassettesError);
