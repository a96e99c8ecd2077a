const kCassettesError = Symbol.for('@proving-ground/cassettes/error');

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
  | 'CASSETTES_COST_UNKNOWN'
  | 'CASSETTES_INVALID_HAR';

/**
 * Base class of every error thrown by `@proving-ground/cassettes`.
 *
 * Recognise it with {@link isCassettesError}: a test setup can hold two copies of the package.
 *
 * @example
 * try { readCassette('x.json') } catch (error) { if (isCassettesError(error)) console.log(error.code) }
 */
export class CassettesError extends Error {
  /** A stable identifier of the failure, safe to match on. */
  readonly code: CassettesErrorCode;

  constructor(code: CassettesErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CassettesError';
    this.code = code;
    Object.defineProperty(this, kCassettesError, { value: true });
  }
}

/**
 * Whether `value` is an error thrown by any copy of `@proving-ground/cassettes`.
 *
 * @example
 * if (isCassettesError(error) && error.code === 'CASSETTES_UNMATCHED_REQUEST') { ... }
 */
export function isCassettesError(value: unknown): value is CassettesError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[kCassettesError] === true;
}
