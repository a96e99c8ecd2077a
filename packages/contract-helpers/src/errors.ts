const kContractError = Symbol.for('@proving-ground/contract-helpers/error');

/** Stable codes carried by every {@link ContractError}. */
export type ContractErrorCode =
  | 'CONTRACT_INVALID_SCHEMA'
  | 'CONTRACT_INVALID_SPEC'
  | 'CONTRACT_INVALID_OPTIONS'
  | 'CONTRACT_UNSUPPORTED_RESPONSE'
  | 'CONTRACT_UNKNOWN_OPERATION'
  | 'CONTRACT_MISSING_PEER'
  | 'CONTRACT_PACT_MISMATCH'
  | 'CONTRACT_PACT_CONFLICT'
  | 'CONTRACT_PACT_FILE'
  | 'CONTRACT_PROVIDER_VERIFICATION_FAILED'
  | 'CONTRACT_FUZZ_FAILED'
  | 'CONTRACT_ERROR_MAPPING';

/**
 * Base class of every error thrown by `@proving-ground/contract-helpers`.
 *
 * Recognise it with {@link isContractError} rather than `instanceof`: a test setup can hold two
 * copies of the package (Jest's module registry and Node's own).
 *
 * @example
 * try { loadApiSpec('openapi.yaml') } catch (error) { if (isContractError(error)) console.log(error.code) }
 */
export class ContractError extends Error {
  /** A stable identifier of the failure, safe to match on. */
  readonly code: ContractErrorCode;

  /**
   * @param code - the stable code
   * @param message - `[contract-helpers] Failed to <verb> <object>: <reason>. <what to do>`
   * @param options - `cause`: the underlying error
   */
  constructor(code: ContractErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ContractError';
    this.code = code;
    Object.defineProperty(this, kContractError, { value: true });
  }
}

/**
 * Whether `value` is an error thrown by any copy of `@proving-ground/contract-helpers`.
 *
 * @param value - anything caught
 * @example
 * if (isContractError(error) && error.code === 'CONTRACT_INVALID_SPEC') { ... }
 */
export function isContractError(value: unknown): value is ContractError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[kContractError] === true;
}
