/**
 * Jest setup entry: add `@proving-ground/flaky-detector/setup` to `setupFilesAfterEnv`, next to the
 * reporter `@proving-ground/flaky-detector/reporter` in `reporters`.
 *
 * In each test file it times every attempt of every test exactly and hands the attempts to the
 * reporter through the run folder the reporter named in `FLAKY_DETECTOR_RUN_FOLDER`; keeps the
 * failures of quarantined tests from failing the run (their real outcome is still recorded); retries
 * known-flaky failures with backoff under the run's retry budget; and runs new and changed tests
 * several times before they can pass. Without the reporter (no run folder), it does nothing.
 */
import { addCircusEventHandler } from '@proving-ground/kit';
import { readRunConfig, RUN_FOLDER_VARIABLE } from './reporter/run-folder.js';
import { AttemptController } from './reruns/attempt-controller.js';

const folder = process.env[RUN_FOLDER_VARIABLE];
const config = folder === undefined || folder === '' ? undefined : readRunConfig(folder);
if (folder !== undefined && config !== undefined) {
  addCircusEventHandler('flaky-detector', new AttemptController(folder, config).handle);
}
