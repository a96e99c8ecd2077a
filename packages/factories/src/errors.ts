import { ProvingGroundError, errorGuard } from '@proving-ground/kit';

/**
 * Stable codes carried by every {@link FactoriesError}.
 *
 * @example
 * if (isFactoriesError(error) && error.code === 'FACTORIES_UNKNOWN_FIELD') { ... }
 */
export type FactoriesErrorCode =
  | 'FACTORIES_INVALID_DEFINITION'
  | 'FACTORIES_INVALID_OPTIONS'
  | 'FACTORIES_INVALID_COUNT'
  | 'FACTORIES_INVALID_OVERRIDES'
  | 'FACTORIES_INVALID_TENANT'
  | 'FACTORIES_UNKNOWN_FIELD'
  | 'FACTORIES_UNKNOWN_TRAIT'
  | 'FACTORIES_UNKNOWN_FACTORY'
  | 'FACTORIES_DEPENDENCY_CYCLE'
  | 'FACTORIES_ASSOCIATION_CYCLE'
  | 'FACTORIES_NO_ADAPTER'
  | 'FACTORIES_PERSIST_FAILED'
  | 'FACTORIES_DATABASE_UNREACHABLE'
  | 'FACTORIES_INVALID_OBJECT'
  | 'FACTORIES_INVALID_SCHEMA'
  | 'FACTORIES_INVALID_FACTORIES'
  | 'FACTORIES_UNIQUE_EXHAUSTED'
  | 'FACTORIES_TENANT_MISMATCH'
  | 'FACTORIES_INVALID_SEED'
  | 'FACTORIES_MISSING_PEER';

/**
 * Base class of every error thrown by `@proving-ground/factories`: a stable `code`, and a message
 * `[factories] Failed to <action>: <reason>. <fix>`.
 *
 * Recognise it with {@link isFactoriesError} rather than `instanceof`: a test setup can hold two
 * copies of the package (Jest loads one per module registry).
 *
 * @example
 * try { User.build({ nmae: 'x' } as never) } catch (error) { if (isFactoriesError(error)) console.log(error.code) }
 */
export class FactoriesError extends ProvingGroundError<FactoriesErrorCode> {
  static override readonly packageName: string = 'factories';
  static override readonly errorName: string = 'FactoriesError';
}

/**
 * Whether `value` is an error thrown by any copy of `@proving-ground/factories`.
 *
 * @param value - anything caught
 * @example
 * if (isFactoriesError(error) && error.code === 'FACTORIES_UNKNOWN_TRAIT') { ... }
 */
export const isFactoriesError = errorGuard(FactoriesError);
