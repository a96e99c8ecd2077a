import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AttemptRecord, AttemptStatus, History, RunRecord } from '../model.js';
import { analyzeHistory } from '../scoring/analyze-history.js';
import type { HistorySource } from '../store/history-source.js';
import { openHistorySource } from '../store/open-store.js';
import { knownFlakyInStore, knownFlakyTests } from './known-tests.js';

/** A history of `runs` runs of `tests` tests, where `outcome(run, test)` gives each test's attempts' statuses. */
function history(runs: number, tests: number, outcome: (run: number, test: number) => AttemptStatus[]): History {
  const runRecords: RunRecord[] = [];
  const attempts: AttemptRecord[] = [];
  for (let run = 0; run < runs; run++) {
    const runId = `run-${run}`;
    runRecords.push({
      runId,
      commit: `c${Math.floor(run / 2)}`,
      nodeVersion: 'v24',
      os: 'linux',
      startedAt: new Date(Date.UTC(2026, 0, 1, 0, run)).toISOString(),
    });
    for (let test = 0; test < tests; test++) {
      outcome(run, test).forEach((status, index) =>
        attempts.push({
          runId,
          testId: test.toString(16).padStart(16, '0'),
          file: `f${test % 3}.test.js`,
          fullName: `test ${test}`,
          attempt: index + 1,
          status,
          durationMs: 2,
        }),
      );
    }
  }
  return { runs: runRecords, attempts };
}

const fullAnalysis = (input: History): string[] =>
  analyzeHistory(input)
    .tests.filter((test) => test.class === 'flaky')
    .map((test) => test.testId)
    .sort();

describe('knownFlakyTests', () => {
  it('should find what the full analysis classes flaky, and not the broken tests', () => {
    const input = history(12, 40, (run, test) => {
      if (test === 3) return run % 3 === 0 ? ['failed', 'passed'] : ['passed']; // passes on retry: flaky
      if (test === 7) return run >= 6 ? ['failed', 'failed'] : ['passed']; // a regression: broken
      if (test === 9) return run % 4 === 1 ? ['failed'] : ['passed']; // fails now and then across runs
      return ['passed'];
    });

    expect(knownFlakyTests(input).sort()).toEqual(fullAnalysis(input));
    expect(knownFlakyTests(input)).toContain((3).toString(16).padStart(16, '0'));
    expect(knownFlakyTests(input)).not.toContain((7).toString(16).padStart(16, '0'));
  });

  it('should agree with the full analysis when a run was an outage', () => {
    const input = history(12, 20, (run, test) => (run === 5 || (test === 2 && run % 3 === 0) ? ['failed', 'passed'] : ['passed']));

    expect(knownFlakyTests(input).sort()).toEqual(fullAnalysis(input));
  });

  it('should find none in a history without failures', () => {
    expect(knownFlakyTests(history(5, 10, () => ['passed']))).toEqual([]);
  });
});

describe('knownFlakyInStore', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'flaky-known-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  /** The history written to a new SQLite store, and that store (for the store's run-start digest). */
  async function stored(input: History): Promise<HistorySource> {
    const store = await openHistorySource({ cwd: folder });
    for (const run of input.runs) await store.recordRun(run);
    await store.recordAttempts(input.attempts);
    return store;
  }

  const idOf = (test: number): string => test.toString(16).padStart(16, '0');
  const withoutOutage = history(12, 40, (run, test) => {
    if (test === 3) return run % 3 === 0 ? ['failed', 'passed'] : ['passed']; // flaky
    if (test === 7) return run >= 6 ? ['failed'] : ['passed']; // broken
    return ['passed'];
  });
  const withOutage = history(12, 20, (run, test) => (run === 5 || (test === 2 && run % 3 === 0) ? ['failed', 'passed'] : ['passed']));

  it.each([
    ['without an outage', withoutOutage, idOf(3)],
    ['with an outage', withOutage, idOf(2)],
  ])('should find what the full analysis of the window finds, %s', async (_name, input, flaky) => {
    const store = await stored(input);
    try {
      const { failing } = await store.runStartDigest({ lastRuns: 10, knownTests: false });
      const runs = input.runs.slice(-10);
      const window: History = { runs, attempts: input.attempts.filter((attempt) => runs.some((run) => run.runId === attempt.runId)) };

      expect((await knownFlakyInStore(store, 10, failing)).sort()).toEqual(fullAnalysis(window));
      expect(fullAnalysis(window)).toContain(flaky);
    } finally {
      await store.close();
    }
  });
});
