import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { isModuleNotFound, nativeRequireFromProject } from '@proving-ground/kit';
import type * as FlakyDetector from '@proving-ground/flaky-detector';
import { ImpactError } from '../errors.js';

/** What flaky-detector's history says about each test file. */
export interface FailureHistory {
  /** Where it was read from. */
  source: string;
  /** Test files with a failure in the most recent run that no retry turned into a pass. */
  lastFailed: ReadonlySet<string>;
  /** Share of the recent runs in which each test file had a final failure (0 to 1). */
  failureRate: ReadonlyMap<string, number>;
}

const DEFAULT_HISTORY = '.flaky-detector/history.sqlite';
const RECENT_RUNS = 30;

type FlakyModule = typeof FlakyDetector;

/** The repository path of `file` (relative to the Jest rootDir flaky-detector ran in) among `tests`, looked up once per file. */
function testPathLookup(tests: readonly string[]): (file: string) => string | undefined {
  const known = new Map<string, string | undefined>();
  return (file) => {
    if (!known.has(file))
      known.set(
        file,
        tests.find((test) => test === file || test.endsWith(`/${file}`)),
      );
    return known.get(file);
  };
}

/**
 * Reads which tests failed last time, and how often they failed recently, from flaky-detector's
 * history store when there is one. `option` false ignores it; a path that does not exist is an error
 * when named, and nothing when it is the default one.
 *
 * @example
 * const history = await readFailureHistory(root, undefined, ['test/a.test.ts'])
 * history?.lastFailed.has('test/a.test.ts')
 */
export async function readFailureHistory(
  root: string,
  option: string | false | undefined,
  tests: readonly string[],
): Promise<FailureHistory | undefined> {
  if (option === false) return undefined;
  const path = isAbsolute(option ?? DEFAULT_HISTORY) ? (option ?? DEFAULT_HISTORY) : join(root, option ?? DEFAULT_HISTORY);
  if (!existsSync(path)) {
    if (option === undefined) return undefined;
    throw new ImpactError('IMPACT_INVALID_OPTIONS', {
      action: 'read the failure history',
      reason: `the history option names "${option}", which does not exist`,
      fix: 'Point history at the store flaky-detector writes (its reporter option store), or set history: false.',
    });
  }
  let flaky: FlakyModule;
  try {
    flaky = nativeRequireFromProject('@proving-ground/flaky-detector', root) as FlakyModule;
  } catch (error) {
    if (!isModuleNotFound(error, '@proving-ground/flaky-detector')) throw error;
    throw new ImpactError(
      'IMPACT_MISSING_PEER',
      {
        action: 'read the failure history',
        reason: `${path} is a flaky-detector history, and @proving-ground/flaky-detector is not installed`,
        fix: 'npm i -D @proving-ground/flaky-detector, or set history: false.',
      },
      { cause: error },
    );
  }
  const store = await flaky.openHistoryStore({ path, cwd: root, quickCheck: false });
  try {
    const { runs, attempts } = await store.history({ lastRuns: RECENT_RUNS });
    const testPathOf = testPathLookup(tests);
    const finalByRun = new Map<string, Map<string, { attempt: number; failed: boolean }>>();
    for (const attempt of attempts) {
      const test = testPathOf(attempt.file);
      if (test === undefined || attempt.status === 'skipped' || attempt.status === 'todo') continue;
      let byTest = finalByRun.get(attempt.runId);
      if (byTest === undefined) finalByRun.set(attempt.runId, (byTest = new Map<string, { attempt: number; failed: boolean }>()));
      // A file fails when any of its tests' last attempt fails.
      const key = `${test}\u0000${attempt.testId}`;
      const seen = byTest.get(key);
      if (seen === undefined || attempt.attempt >= seen.attempt)
        byTest.set(key, { attempt: attempt.attempt, failed: attempt.status === 'failed' });
    }
    const failedRuns = new Map<string, number>();
    const lastFailed = new Set<string>();
    const lastRun = runs.at(-1)?.runId;
    for (const [runId, byTest] of finalByRun) {
      const failedFiles = new Set([...byTest].filter(([, final]) => final.failed).map(([key]) => key.split('\u0000')[0]!));
      for (const file of failedFiles) {
        failedRuns.set(file, (failedRuns.get(file) ?? 0) + 1);
        if (runId === lastRun) lastFailed.add(file);
      }
    }
    const failureRate = new Map([...failedRuns].map(([file, count]) => [file, count / Math.max(1, runs.length)]));
    return { source: path, lastFailed, failureRate };
  } finally {
    await store.close();
  }
}
