import { ColumnEncoder, copyColumns, type RunColumnsEntry } from './attempt-columns.js';
import type { HistoryQuery, HistoryStore } from './history-store.js';
import type { HistorySource, RunWithAttempts } from './history-source.js';

function readsRunByRun(store: HistoryStore): store is HistorySource {
  return typeof (store as Partial<HistorySource>).eachRun === 'function';
}

/**
 * The runs of `store` that `query` selects, oldest first, one at a time with their attempts: the
 * way to go over a large history (1,000 runs of 10,000 tests is 10 M attempts, over 1 GB as one
 * array) with only one run's attempts in memory. Stores from {@link openHistoryStore} read run by
 * run; any other {@link HistoryStore} (a test double) is read with `history()` and split.
 *
 * @example
 * for await (const { run, attempts } of historyByRun(store, { lastRuns: 200 })) {
 *   console.log(run.runId, attempts.filter((attempt) => attempt.status === 'failed').length);
 * }
 */
export async function* historyByRun(store: HistoryStore, query?: HistoryQuery): AsyncGenerator<RunWithAttempts, void, undefined> {
  if (readsRunByRun(store)) {
    yield* store.eachRun(query);
    return;
  }
  const { runs, attempts } = await store.history(query);
  const byRun = Map.groupBy(attempts, (attempt) => attempt.runId);
  for (const run of runs) yield { run, attempts: byRun.get(run.runId) ?? [] };
}

/**
 * {@link historyByRun} with each run's attempts as typed-array columns (`AttemptColumns`)
 * instead of one object per attempt: what `flaky-detector report` reads, and the way to feed
 * `createHistoryDigest().addColumns` and `createHistoryAnalyzer().addColumns` over a history of
 * millions of attempts. Any other {@link HistoryStore} (a test double) is read with `history()` and encoded.
 *
 * @example
 * const analyzer = createHistoryAnalyzer();
 * for await (const { run, columns } of historyColumnsByRun(store)) analyzer.addColumns(run, columns);
 * const analysis = analyzer.finish();
 */
export async function* historyColumnsByRun(store: HistoryStore, query?: HistoryQuery): AsyncGenerator<RunColumnsEntry, void, undefined> {
  if (readsRunByRun(store) && typeof store.eachRunColumns === 'function') {
    yield* store.eachRunColumns(query);
    return;
  }
  const encoder = new ColumnEncoder();
  for await (const { run, attempts } of historyByRun(store, query)) yield { run, columns: copyColumns(encoder.encode(attempts)) };
}
