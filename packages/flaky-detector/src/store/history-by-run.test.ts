import { describe, expect, it } from '@jest/globals';
import type { AttemptRecord, History, RunRecord } from '../model.js';
import { historyByRun } from './history-by-run.js';
import type { HistoryStore } from './history-store.js';

const run = (runId: string): RunRecord => ({
  runId,
  nodeVersion: 'v24',
  os: 'linux',
  startedAt: `2026-01-0${runId.slice(-1)}T00:00:00.000Z`,
});
const attempt = (runId: string, fullName: string): AttemptRecord => ({
  runId,
  testId: '0123456789abcdef',
  file: 'a.test.ts',
  fullName,
  attempt: 1,
  status: 'passed',
  durationMs: 1,
});

/** A store that only has `history()`, the way a test double of {@link HistoryStore} is written. */
function storeOf(history: History): HistoryStore {
  return {
    location: 'memory',
    recordRun: () => Promise.resolve(),
    recordAttempts: () => Promise.resolve(),
    history: () => Promise.resolve(history),
    close: () => Promise.resolve(),
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
}

describe('historyByRun', () => {
  it('should split the history of a store without run-by-run reading into its runs, in order, runs without attempts included', async () => {
    const store = storeOf({
      runs: [run('r1'), run('r2'), run('r3')],
      attempts: [attempt('r1', 'x'), attempt('r3', 'y'), attempt('r1', 'z')],
    });

    const runs: [string, string[]][] = [];
    for await (const entry of historyByRun(store)) runs.push([entry.run.runId, entry.attempts.map((a) => a.fullName)]);

    expect(runs).toEqual([
      ['r1', ['x', 'z']],
      ['r2', []],
      ['r3', ['y']],
    ]);
  });
});
