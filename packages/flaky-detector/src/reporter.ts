/**
 * Jest reporter entry: `reporters: ['default', ['@proving-ground/flaky-detector/reporter', options]]`.
 * Its default export is the reporter class, as Jest expects.
 */
import { FlakyDetectorReporter } from './reporter/flaky-reporter.js';

export type { FlakyReporterOptions, RetryOptions, EarlyDetectionOptions } from './reporter/reporter-options.js';
export type { ReporterGlobalConfig, ReporterTest, ReporterTestResult, ReporterAggregatedResult } from './reporter/flaky-reporter.js';
export type { JestTestCase } from './reporter/attempt-assembly.js';
export { FlakyDetectorReporter };
export default FlakyDetectorReporter;
