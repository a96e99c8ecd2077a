import { createHash } from 'node:crypto';

/**
 * The variable through which the reporter (in Jest's main process) tells the recorder (in each test
 * worker) where this run's folder is. Set in the reporter's constructor and again at each run
 * start, before Jest starts its workers, which inherit the main process's environment.
 */
export const RUN_FOLDER_VARIABLE = 'IMPACT_ANALYZER_RUN_FOLDER';

/** Set to `1` by the reporter with `functions: true`: the recorder then collects function coverage. */
export const FUNCTIONS_VARIABLE = 'IMPACT_ANALYZER_FUNCTIONS';

/** What the recorder hands to the reporter for one test file (paths repository-relative, sorted). */
export interface ChannelRecord {
  /** Absolute path of the test file, as Jest names it. */
  testPath: string;
  /** The repository root the paths are relative to. */
  root: string;
  modules: string[];
  reads: string[];
  directories: string[];
  env: string[];
  packages: Record<string, string>;
  functions?: Record<string, string[]>;
}

/**
 * The name of a test file's record in the run folder: a short hash of its absolute path.
 *
 * @example
 * channelFileName('/repo/a.test.ts') // '3f1c…e2.json'
 */
export function channelFileName(testPath: string): string {
  return `${createHash('sha1').update(testPath).digest('hex').slice(0, 24)}.json`;
}
