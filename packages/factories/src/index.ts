export { FactoriesError, isFactoriesError, type FactoriesErrorCode } from './errors.js';
export { Factory } from './factory/factory.js';
export { defineFactory } from './factory/define.js';
export {
  type AnyFactory,
  type ArbitraryOptions,
  type BuildOptions,
  type BuiltOf,
  type CreatedOf,
  type CreateListOptions,
  type FactoryName,
  type FactoryNameOf,
  type FactoryRegistry,
  type HasManyOptions,
  type CreateHookContext,
  type HookContext,
  type OverridesOf,
  type TraitFields,
  type TraitRef,
  type PickedParent,
  type TransientOf,
} from './factory/types.js';
export { FieldSpec, cycle, sequence, unique, type BuildContext, type FieldRecipe } from './fields.js';
export { configureFactories, resetSequences, workerId, DEFAULT_SEQUENCE_BLOCK, WORKER_ID_ENV } from './sequences.js';
export { memoryAdapter, type MemoryAdapter, type PersistContext, type PersistenceAdapter } from './persistence.js';
export { sqlAdapter, type SqlAdapterOptions, type SqlQueryable } from './sql-adapter.js';
export { openPGlite, type EmbeddedDatabase } from './pglite.js';
export { withTenant, crossTenant, assertSingleTenant, tenantReferences } from './tenant.js';
export { verifyFactories, type VerifyCreateOptions, type VerifyFailure, type VerifyOptions, type VerifyReport } from './verify.js';
export {
  compileValidator,
  type FactorySchema,
  type JsonSchemaLike,
  type SchemaValidator,
  type StandardSchemaLike,
  type ValidateFunction,
} from './validation.js';
export { DEFAULT_RUN_SEED, SEED_ENV, SeededRandom, deriveSeed, hashString } from './seed.js';
export { DEFAULT_REF_DATE, replayLine } from './test-scope.js';
export { installFactories } from './jest-circus.js';
