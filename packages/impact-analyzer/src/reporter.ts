/**
 * Jest reporter entry: add `['@proving-ground/impact-analyzer/reporter', options]` to `reporters`
 * and `@proving-ground/impact-analyzer/recorder` to `setupFilesAfterEnv`. Each run then updates the
 * map (`.impact-analyzer/map.json` at the repository root) that `impact-analyzer select` reads.
 */
import { ImpactReporter } from './reporter/impact-reporter.js';

export { ImpactReporter };
export type { ImpactReporterOptions, ShadowOptions } from './reporter/reporter-options.js';
export { RUN_FOLDER_VARIABLE } from './recorder/run-channel.js';
export default ImpactReporter;
