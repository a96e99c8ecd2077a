const kFactoriesError = Symbol.for('@proving-ground/factories/error');

/**
 * Stable codes carried by every {@link FactoriesError}.
 *
 * @example
 * if (isFactoriesError(error) && error.code === 'FACTORIES_UNKNOWN_FIELD') { ... }
 */
export type FactoriesErrorCode =
  | 'FACTORIES_INVALID_DEFINITION'
  | 'FACTORIES_UNKNOWN_FIELD'
  | 'FACTORIES_UNKNOWN_TRAIT'
  | 'FACTORIES_UNKNOWN_FACTORY'
  | 'FACTORIES_DEPENDENCY_CYCLE'
  | 'FACTORIES_ASSOCIATION_CYCLE'
  | 'FACTORIES_NO_ADAPTER'
  | 'FACTORIES_PERSIST_FAILED'
  | 'FACTORIES_INVALID_OBJECT'
  | 'FACTORIES_INVALID_SCHEMA'
  | 'FACTORIES_INVALID_FACTORIES'
  | 'FACTORIES_UNIQUE_EXHAUSTED'
  | 'FACTORIES_TENANT_MISMATCH'
  | 'FACTORIES_INVALID_SEED'
  | 'FACTORIES_MISSING_PEER';

/**
 * Base class of every error thrown by `@proving-ground/factories`.
 *
 * Recognise it with {@link isFactoriesError} rather than `instanceof`: a test setup can hold two
 * copies of the package (Jest loads one per module registry).
 *
 * @example
 * try { User.build({ nmae: 'x' } as never) } catch (error) { if (isFactoriesError(error)) console.log(error.code) }
 */
export class FactoriesError extends Error {
  /** A stable identifier of the failure, safe to match on. */
  readonly code: FactoriesErrorCode;

  constructor(code: FactoriesErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FactoriesError';
    this.code = code;
    Object.defineProperty(this, kFactoriesError, { value: true });
  }
}

/**
 * Whether `value` is an error thrown by any copy of `@proving-ground/factories`.
 *
 * @param value - anything caught
 * @example
 * if (isFactoriesError(error) && error.code === 'FACTORIES_UNKNOWN_TRAIT') { ... }
 */
export function isFactoriesError(value: unknown): value is FactoriesError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[kFactoriesError] === true;
}
