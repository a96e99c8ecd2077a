export { CassettesError, isCassettesError, type CassettesErrorCode } from './errors.js';
export {
  CASSETTE_VERSION,
  formatCassetteJson,
  type Cassette,
  type Interaction,
  type LlmUsage,
  type RecordedRequest,
  type RecordedResponse,
  type RecordedStream,
  type StoredBody,
  type StreamChunk,
  type StreamEnd,
} from './format.js';
export { parseCassette, readCassette, validateCassette, writeCassetteAtomically } from './cassette-store.js';
export { Redactor } from './redaction/redactor.js';
export { SENSITIVE_HEADERS, TOKEN_SHAPES, isSensitiveHeader, isSensitiveName, type RedactionOptions } from './redaction/rules.js';
export {
  diffShapes,
  requestKey,
  requestShape,
  similarity,
  type FieldDifference,
  type MatchOptions,
  type RequestShape,
} from './matching.js';
export { validateOptions, parseDuration, type CassetteMode, type CassetteOptions } from './options.js';
export { cassetteFileName, cassettePathFor, namedCassettePath } from './cassette-path.js';
export { aliasOrigin } from './origin-aliases.js';
export { normalizeResponse, type NormalizeOptions } from './normalization.js';
export { setupCassettes, withCassette, currentCassette, resolveCassetteMode, type CassetteInfo } from './cassettes.js';
export { DEFAULT_PRICES, estimateCost, readUsage, type CassetteCost, type ModelPrice } from './llm-usage.js';
export { cassetteMatchers, type CassetteMatchers, type MatcherResult } from './matchers.js';
export { replayResponse, type ReplaySpeed } from './replay.js';
export { cassetteToHar, harToCassette, type Har } from './har.js';
export { lintCassettes, pruneCassettes, type LintOptions, type LintProblem, type LintReport } from './lint.js';
