export { ContractError, isContractError, type ContractErrorCode } from './errors.js';
export {
  contractMatchers,
  toMatchSchema,
  toSatisfyApiSpec,
  toBeProblemDetails,
  toContainPii,
  type MatcherContext,
  type MatcherOutcome,
} from './matchers.js';
export { printSafe } from './safe-print.js';
export {
  compileSchema,
  validateAgainstSchema,
  type CompiledSchema,
  type SchemaInput,
  type SchemaOptions,
  type SchemaViolation,
  type StandardSchemaLike,
  type StandardResult,
} from './schema/validator.js';
export { detectDialect, toDraft2020, type SchemaDialect } from './schema/dialect.js';
export { closeSchema, type SchemaDirection } from './schema/strict.js';
export { findSchemaProblems, type SchemaProblem } from './schema/problems.js';
export { canonicalJson, contentHash } from './canonical-json.js';
export { formatJsonPath, compileJsonPathPattern, type JsonPathPattern, type PathSegment } from './json-path.js';
export {
  loadApiSpec,
  ApiSpec,
  type ApiOperation,
  type ApiParameter,
  type ApiResponse,
  type LoadApiSpecOptions,
} from './openapi/api-spec.js';
export {
  checkResponse,
  checkRequest,
  documentedResponse,
  type ApiCheck,
  type ApiCheckOptions,
  type ApiRequest,
  type ApiViolation,
} from './openapi/conformance.js';
export { toHttpExchange, toHttpExchangeSync, isJsonMediaType, type HttpExchange, type HttpResponseLike } from './http-exchange.js';
export {
  PROBLEM_JSON,
  checkProblemDetails,
  checkErrorMapping,
  describeErrorMapping,
  type ErrorMapper,
  type ErrorMappingOutcome,
  type ErrorMappingRow,
  type ExpectedProblem,
  type ProblemDetailsOptions,
} from './problem-details.js';
export { PII_CATEGORIES, type PiiCategory, type PiiFinding } from './pii/pii-categories.js';
export { findPii, type PiiAllowList, type PiiScanOptions } from './pii/pii-scan.js';
export { redactPii, type RedactionOptions } from './pii/redaction.js';
export { captureLogs, type LogCapture, type LogCaptureOptions } from './pii/log-capture.js';
export { maskPii } from './pii/pii-mask.js';
export { evaluatePiiDetectors, type LabelledPiiSample, type PiiCategoryMetrics, type PiiEvaluation } from './pii/pii-metrics.js';
export { checkPactAgainstSpec, type PactSpecProblem, type PactSpecReport } from './openapi/pact-conformance.js';
export { arbitraryFromSchema, invalidArbitraryFromSchema, type SchemaArbitraryOptions } from './schema/arbitrary.js';
export { fuzzApi, type FuzzOptions, type FuzzReport, type FuzzRequest, type FuzzTarget } from './openapi/fuzz.js';
