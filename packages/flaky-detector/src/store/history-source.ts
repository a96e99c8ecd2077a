import type { AttemptRecord, RunRecord } from '../model.js';
import type { RunColumnsEntry } from './attempt-columns.js';
import type { HistoryQuery, HistoryStore } from './history-store.js';
import type { RunStartDigest, RunStartDigestQuery } from './run-start-digest.js';

/** One run and its attempts, as a store yields them run by run. */
export interface RunWithAttempts {
  run: RunRecord;
  attempts: AttemptRecord[];
}

/**
 * What both stores offer beyond {@link HistoryStore}, for `merge` and for reading large histories a
 * run at a time: runs counted and read one by one, and attempts written with the count of new ones.
 */
export interface HistorySource extends HistoryStore {
  /** How many runs match `query`. */
  countRuns(query?: HistoryQuery): Promise<number>;
  /** The runs matching `query`, oldest first, each with its attempts. */
  eachRun(query?: HistoryQuery): AsyncIterable<RunWithAttempts>;
  /** {@link eachRun} with each run's attempts as typed-array columns over one catalog: no object per attempt. */
  eachRunColumns(query?: HistoryQuery): AsyncIterable<RunColumnsEntry>;
  /** What a run start needs (the tests that failed in the last runs, the known tests by file), computed in the store. */
  runStartDigest(query: RunStartDigestQuery): Promise<RunStartDigest>;
  /** For each of these runs, how many tests had a passed or failed attempt in it (0 for a run it does not hold). */
  testsPerRun(runIds: readonly string[]): Promise<Map<string, number>>;
  /** {@link HistoryStore.recordAttempts}, resolving to how many attempts were new. */
  writeAttempts(attempts: readonly AttemptRecord[]): Promise<number>;
}

/** Every run of `source` matching `query` and their attempts, in one {@link History}. */
export async function collectHistory(
  source: Pick<HistorySource, 'eachRun'>,
  query?: HistoryQuery,
): Promise<{ runs: RunRecord[]; attempts: AttemptRecord[] }> {
  const runs: RunRecord[] = [];
  const attempts: AttemptRecord[] = [];
  for await (const entry of source.eachRun(query)) {
    runs.push(entry.run);
    for (const attempt of entry.attempts) attempts.push(attempt);
  }
  return { runs, attempts };
}
