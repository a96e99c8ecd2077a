import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { firstLine } from '@proving-ground/kit';
import { FlakyError } from '../errors.js';
import type { AttemptStatus } from '../model.js';

/**
 * The variable through which the reporter (in Jest's main process) tells the setup file (in each
 * test worker) where this run's folder is. Set in the reporter's constructor and again at each run
 * start, before Jest starts its workers, which inherit the main process's environment.
 */
export const RUN_FOLDER_VARIABLE = 'FLAKY_DETECTOR_RUN_FOLDER';

/** A quarantine entry as the worker needs it. */
export interface QuarantinedTest {
  owner: string;
  reason: string;
  issue: string;
  expires: string;
}

/** How reruns of failed tests are decided and spaced. */
export interface RerunConfig {
  /** Test ids known to be flaky (from the history, plus the ones named in the options). */
  knownFlaky: string[];
  /** Failures whose message matches this are retried too (a RegExp's source and flags). */
  errorPattern: { source: string; flags: string } | undefined;
  /** Retries of one test in one run. */
  maxRetries: number;
  /** Retries of all tests in one run, shared by every worker. */
  budget: number;
  initialDelayMs: number;
  factor: number;
  maxDelayMs: number;
  seed: number;
}

/** How new and changed tests are run several times before they can pass. */
export interface EarlyDetectionConfig {
  enabled: boolean;
  /** Test files (relative, `/`) changed since the base: all their tests count as changed. */
  changedFiles: string[];
  /** Extra time the early-detection runs of all workers may take together in one run. */
  budgetMs: number;
  /** Runs of a test by the duration of its first run: the first row whose `underMs` exceeds it. */
  runs: Array<{ underMs: number; runs: number }>;
}

/** What the reporter hands to the setup file in each worker, as `config.json` in the run folder. */
export interface RunConfig {
  version: 1;
  runId: string;
  /** Jest's rootDir: test files are named relative to it. */
  rootDir: string;
  quarantine: Record<string, QuarantinedTest>;
  reruns: RerunConfig;
  earlyDetection: EarlyDetectionConfig;
}

/** Why an attempt ran. */
export type AttemptCause = 'first' | 'retry' | 'early-detection';

/** One attempt as the setup file saw it in the worker: exact status, duration and error. */
export interface ChannelAttempt {
  testId: string;
  file: string;
  fullName: string;
  attempt: number;
  status: AttemptStatus;
  durationMs: number;
  cause: AttemptCause;
  /** The error's message and stack as Jest would report it (failed attempts). */
  error?: string | undefined;
  /** A failure that the quarantine kept from failing the run. */
  quarantined?: boolean | undefined;
  /** Set on the last attempt of a new or changed test: how many of its early-detection runs failed. */
  earlyDetection?: { runs: number; failures: number } | undefined;
}

// Taken once: in a test file (the setup file runs there) `JSON` is a global, looked up through the
// vm context at each use.
const { stringify } = JSON;

/** A short, file-name-safe key of a test file's absolute path. */
export function testFileKey(testPath: string): string {
  return createHash('sha1').update(testPath).digest('hex').slice(0, 20);
}

/** The paths inside a run folder. */
export function runFolderPaths(folder: string): { config: string; attempts: string; budget: string; known: string; earlyTime: string } {
  return {
    config: join(folder, 'config.json'),
    attempts: join(folder, 'attempts'),
    budget: join(folder, 'retry-budget'),
    known: join(folder, 'known'),
    earlyTime: join(folder, 'early-detection-time'),
  };
}

function folderError(action: string, error: unknown): FlakyError {
  return new FlakyError(
    'FLAKY_RUN_FOLDER',
    {
      action,
      reason: firstLine(error),
      fix: `Check that the temporary folder is writable (or set TMPDIR); ${RUN_FOLDER_VARIABLE} must be left to the reporter`,
    },
    { cause: error },
  );
}

/**
 * Create the run folder's layout and write `config` and the known test ids of each test file
 * (the setup file reads them to tell new tests from known ones).
 */
export function writeRunFolder(folder: string, config: RunConfig, knownTestsByFile: ReadonlyMap<string, readonly string[]>): void {
  const paths = runFolderPaths(folder);
  try {
    // Readable by this user only: it holds test names and failure messages.
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    for (const dir of [paths.attempts, paths.budget, paths.known, paths.earlyTime]) mkdirSync(dir, { recursive: true });
    for (const [file, ids] of knownTestsByFile) writeFileSync(join(paths.known, `${testFileKey(file)}.json`), JSON.stringify(ids));
    writeFileSync(paths.config, JSON.stringify(config));
  } catch (error) {
    throw folderError(`write the run folder ${folder}`, error);
  }
}

/** The run's config, or undefined when `folder` has none (the reporter is not running). */
export function readRunConfig(folder: string): RunConfig | undefined {
  const { config } = runFolderPaths(folder);
  if (!existsSync(config)) return undefined;
  try {
    return JSON.parse(readFileSync(config, 'utf8')) as RunConfig;
  } catch (error) {
    throw folderError(`read the run config ${config}`, error);
  }
}

/** The test ids the history knows in the test file `file` (relative), or undefined when it knows none of them. */
export function readKnownTests(folder: string, file: string): Set<string> | undefined {
  const path = join(runFolderPaths(folder).known, `${testFileKey(file)}.json`);
  if (!existsSync(path)) return undefined;
  return new Set(JSON.parse(readFileSync(path, 'utf8')) as string[]);
}

/** Append the attempts of one test file, written once when the file's tests have run. */
export function writeChannelAttempts(folder: string, testPath: string, attempts: readonly ChannelAttempt[]): void {
  if (attempts.length === 0) return;
  const path = join(runFolderPaths(folder).attempts, `${testFileKey(testPath)}.ndjson`);
  appendFileSync(path, `${attempts.map((attempt) => stringify(attempt)).join('\n')}\n`);
}

/** Take (read, then delete) the attempts the setup file wrote for the test file `testPath`; undefined when it wrote none. */
export function takeChannelAttempts(folder: string, testPath: string): ChannelAttempt[] | undefined {
  const path = join(runFolderPaths(folder).attempts, `${testFileKey(testPath)}.ndjson`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  unlinkSync(path);
  const attempts: ChannelAttempt[] = [];
  // A worker killed mid-write leaves a partial last line: the complete lines before it still count.
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      attempts.push(JSON.parse(line) as ChannelAttempt);
    } catch {
      // Partial line.
    }
  }
  return attempts;
}

/** Delete the run folder. */
export function removeRunFolder(folder: string): void {
  rmSync(folder, { recursive: true, force: true });
}
