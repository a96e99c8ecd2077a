export { ImpactError, isImpactError, type ImpactErrorCode } from './errors.js';
export { selectTests } from './selection/select-tests.js';
export {
  failureScore,
  coFailureRates,
  orderByFailureLikelihood,
  type FailureEvidence,
  type PastOutcome,
} from './prediction/failure-order.js';
export type * from './model.js';
export { classifyChange, type ChangeClass, type ClassifyChangeOptions } from './precision/classify-change.js';
export { formatPaths, testsToRun } from './outputs/test-paths.js';
export {
  toSelectionFile,
  writeSelectionFile,
  readSelectionFile,
  DEFAULT_SELECTION_PATH,
  SELECTION_VARIABLE,
} from './outputs/selection-file.js';
export { formatSummary, formatMarkdown, shortRevision, MARKDOWN_TEST_LIMIT } from './outputs/selection-summary.js';
export { formatWhy, formatChain } from './outputs/why.js';
export { planShards, packShards } from './outputs/shard-plan.js';
export {
  summarizeShadowLog,
  formatShadowReport,
  type ShadowRun,
  type ShadowSummary,
  type ShadowDay,
  type ShadowMiss,
  type ShadowReportFormat,
} from './outputs/shadow-report.js';
export { openRepository, type Repository } from './git/repository.js';
export {
  readJestSettings,
  jestSettingsFromConfigs,
  findJestConfigFiles,
  testFileMatcher,
  type JestProjectConfig,
  type JestGlobalConfig,
} from './config/jest-settings.js';
export { diffLockfile, isLockfile } from './changes/lockfile-diff.js';
export { diffManifest, type ManifestDiff } from './changes/manifest-diff.js';
export { diffEnvFile, isEnvFile, parseEnvFile } from './changes/env-file-diff.js';
export { configChangeReason } from './changes/config-files.js';
export { scanModule, SCANNER_VERSION } from './graph/scan-module.js';
export { buildStaticGraph, type StaticGraph, type StaticGraphOptions } from './graph/static-graph.js';
export { reverseClosure, type ReverseClosureOptions } from './graph/reverse-closure.js';
export { openScanCache, DEFAULT_SCAN_CACHE_PATH, type ScanCache } from './graph/scan-cache.js';
export { readImpactMap, writeImpactMap, DEFAULT_MAP_PATH } from './map/map-file.js';
export { mergeImpactMaps } from './map/map-merge.js';
export { currentVariant } from './map/run-variant.js';
export { readShadowLog, appendShadowEntry, DEFAULT_SHADOW_LOG, type ShadowEntry } from './shadow/shadow-log.js';
export type { ImpactReporterOptions, ShadowOptions } from './reporter/reporter-options.js';
