import { ProvingGroundError, errorGuard, formatFailure, type Failure } from '@proving-ground/kit';

/** Stable codes carried by every {@link ContractError}. */
export type ContractErrorCode =
  | 'CONTRACT_INVALID_SCHEMA'
  | 'CONTRACT_INVALID_SPEC'
  | 'CONTRACT_INVALID_OPTIONS'
  | 'CONTRACT_UNSUPPORTED_RESPONSE'
  | 'CONTRACT_UNKNOWN_OPERATION'
  | 'CONTRACT_UNKNOWN_SCHEMA'
  | 'CONTRACT_MISSING_PEER'
  | 'CONTRACT_MISSING_JEST_GLOBALS'
  | 'CONTRACT_PACT_MISMATCH'
  | 'CONTRACT_PACT_MOCK_SERVER'
  | 'CONTRACT_PACT_CONFLICT'
  | 'CONTRACT_PACT_FILE'
  | 'CONTRACT_PROVIDER_VERIFICATION_FAILED'
  | 'CONTRACT_FUZZ_FAILED'
  | 'CONTRACT_INVALID_METRICS'
  | 'CONTRACT_SCRAPE_FAILED'
  | 'CONTRACT_UNKNOWN_METRIC'
  | 'CONTRACT_UNSUPPORTED_TELEMETRY';

/**
 * Base class of every error thrown by `@proving-ground/contract-helpers`. Its message reads
 * `[contract-helpers] Failed to <action>: <reason>. <fix>` (the prefix is added here), and an error
 * it wraps is kept as `cause`.
 *
 * Recognise it with {@link isContractError} rather than `instanceof`: a test setup can hold two
 * copies of the package (Jest's module registry and Node's own).
 *
 * @example
 * try { loadApiSpec('openapi.yaml') } catch (error) { if (isContractError(error)) console.log(error.code) }
 */
export class ContractError extends ProvingGroundError<ContractErrorCode> {
  static override readonly packageName: string = 'contract-helpers';
  static override readonly errorName: string = 'ContractError';
}

/**
 * The text of a failure in the package's message shape, for what reports a failure without
 * throwing it (a matcher's diff header, a body sent to Pact's verifier).
 *
 * @internal
 */
export function contractFailureText(failure: Failure): string {
  return formatFailure('contract-helpers', failure);
}

/**
 * Whether `value` is an error thrown by any copy of `@proving-ground/contract-helpers`.
 *
 * @param value - anything caught
 * @example
 * if (isContractError(error) && error.code === 'CONTRACT_INVALID_SPEC') { ... }
 */
export const isContractError = errorGuard(ContractError);
