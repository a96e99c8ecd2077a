import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realService } from '@proving-ground/test-kit';
import {
  failureTextOf,
  historyByRun,
  historyColumnsByRun,
  isFlakyError,
  openHistoryStore,
  type AttemptRecord,
  type HistoryStore,
  type HistoryStoreOptions,
} from '../src/index.js';
import type { HistorySource } from '../src/store/history-source.js';
import { attemptKeys, sampleAttempt, sampleRun } from './history-samples.js';
import { scratchDatabase, type ScratchDatabase } from './postgres-database.js';

const postgres = realService('postgres');

/** Each kind of store, as a way to get the options of a new, empty one. */
interface StoreKind {
  name: string;
  skipReason: string | undefined;
  fresh(): Promise<HistoryStoreOptions>;
  cleanup(): Promise<void>;
}

const folders: string[] = [];
const databases: ScratchDatabase[] = [];

const KINDS: StoreKind[] = [
  {
    name: 'SQLite',
    skipReason: undefined,
    fresh: () => {
      const folder = mkdtempSync(join(tmpdir(), 'flaky-store-'));
      folders.push(folder);
      return Promise.resolve({ cwd: folder });
    },
    cleanup: () => {
      for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
      return Promise.resolve();
    },
  },
  {
    name: 'PostgreSQL',
    skipReason: postgres.skipReason,
    fresh: async () => {
      const database = await scratchDatabase(postgres.url!, 'contract');
      databases.push(database);
      return { url: database.url };
    },
    cleanup: async () => {
      await Promise.all(databases.splice(0).map((database) => database.drop()));
    },
  },
];

describe.each(KINDS)('openHistoryStore ($name)', (kind) => {
  const describeWithStore = kind.skipReason === undefined ? describe : describe.skip;
  describeWithStore(`a new store ${kind.skipReason ?? ''}`.trim(), () => {
    let options: HistoryStoreOptions;
    let store: HistoryStore;

    beforeEach(async () => {
      options = await kind.fresh();
      store = await openHistoryStore(options);
    });
    afterEach(async () => {
      await store.close();
    });
    afterAll(() => kind.cleanup());

    it('should return runs oldest first, each with its attempts and every field', async () => {
      await store.recordRun(sampleRun('late', 5, { shard: '2/2', ciJob: 'test' }));
      await store.recordRun(sampleRun('early', 1, { lockfileHash: 'abc123' }));
      const failed = sampleAttempt('early', 'orders should total', 'failed', { durationMs: 12.75, errorFingerprint: '0123456789ab' });
      const retried = sampleAttempt('early', 'orders should total', 'passed', { attempt: 2, durationMs: 8 });
      const skipped = sampleAttempt('late', 'orders should refund', 'skipped', { durationMs: 0 });
      const todo = sampleAttempt('late', 'orders should split', 'todo', { durationMs: 0 });

      await store.recordAttempts([skipped, todo]);
      await store.recordAttempts([failed, retried]);
      const history = await store.history();

      expect(history.runs.map((run) => run.runId)).toEqual(['early', 'late']);
      expect(history.runs[0]).toStrictEqual(sampleRun('early', 1, { lockfileHash: 'abc123' }));
      expect(history.runs[1]).toStrictEqual(sampleRun('late', 5, { shard: '2/2', ciJob: 'test' }));
      expect(history.attempts.slice(0, 2)).toEqual([failed, retried]);
      expect(history.attempts.slice(2).sort((a, b) => a.fullName.localeCompare(b.fullName))).toEqual([skipped, todo]);
      expect(history.attempts[0]).toStrictEqual(failed);
    });

    it('should keep each attempt once when the same batch is written again', async () => {
      await store.recordRun(sampleRun('run-1', 1));
      const batch = ['a one', 'a two', 'b three'].map((name) => sampleAttempt('run-1', name));

      await store.recordAttempts(batch);
      await store.recordAttempts(batch);
      await store.recordAttempts([{ ...batch[0]!, status: 'failed', durationMs: 99 }]);

      const { attempts } = await store.history();
      expect(attemptKeys(attempts)).toEqual(attemptKeys(batch));
      expect(attempts.find((attempt) => attempt.fullName === 'a one')).toEqual(batch[0]);
    });

    it("should replace a run's fields when the run is recorded again", async () => {
      await store.recordRun(sampleRun('run-1', 1));
      const finished = sampleRun('run-1', 1, {
        finishedAt: '2026-01-01T01:05:00.000Z',
        totals: { passed: 10, failed: 1, skipped: 2, todo: 0 },
        suiteErrors: 1,
        coverage: { lines: 81.5, statements: 80, functions: 75.25, branches: 60 },
      });

      await store.recordRun(finished);

      expect((await store.history()).runs).toStrictEqual([finished]);
    });

    it('should select the last runs, runs since a time, and chosen tests', async () => {
      for (let hour = 0; hour < 5; hour += 1) {
        await store.recordRun(sampleRun(`run-${hour}`, hour));
        await store.recordAttempts([sampleAttempt(`run-${hour}`, 'a kept'), sampleAttempt(`run-${hour}`, 'b dropped')]);
      }
      const kept = sampleAttempt('run-0', 'a kept').testId;

      const last = await store.history({ lastRuns: 2 });
      const since = await store.history({ since: '2026-01-01T03:00:00.000Z' });
      const chosen = await store.history({ testIds: [kept.toUpperCase()], lastRuns: 3 });

      expect(last.runs.map((run) => run.runId)).toEqual(['run-3', 'run-4']);
      expect(last.attempts.map((attempt) => attempt.runId)).toEqual(['run-3', 'run-3', 'run-4', 'run-4']);
      expect(since.runs.map((run) => run.runId)).toEqual(['run-3', 'run-4']);
      expect(chosen.runs.map((run) => run.runId)).toEqual(['run-2', 'run-3', 'run-4']);
      expect(chosen.attempts.map((attempt) => [attempt.runId, attempt.fullName])).toEqual([
        ['run-2', 'a kept'],
        ['run-3', 'a kept'],
        ['run-4', 'a kept'],
      ]);
    });

    it('should name the tests that failed in the last runs, every known test by file, and count the tests of runs', async () => {
      for (let hour = 0; hour < 4; hour += 1) {
        const runId = `run-${hour}`;
        await store.recordRun(sampleRun(runId, hour));
        await store.recordAttempts([
          sampleAttempt(runId, 'orders steady'),
          // Fails its first attempt in run 1 and passes the retry.
          ...(hour === 1
            ? [sampleAttempt(runId, 'orders retried', 'failed'), sampleAttempt(runId, 'orders retried', 'passed', { attempt: 2 })]
            : [sampleAttempt(runId, 'orders retried')]),
          // Failed only in run 0, outside the window of the last 4 runs (run-now is one of them).
          sampleAttempt(runId, 'refunds old', hour === 0 ? 'failed' : 'passed'),
          sampleAttempt(runId, 'refunds skipped', 'skipped'),
        ]);
      }
      await store.recordRun(sampleRun('run-now', 9));
      const source = store as unknown as HistorySource;

      const digest = await source.runStartDigest({ lastRuns: 4, knownTests: true });
      const brief = await source.runStartDigest({ lastRuns: 4, knownTests: false });
      const counted = await source.testsPerRun(['run-1', 'run-now', 'run-unknown']);

      expect(digest.failing).toEqual([sampleAttempt('x', 'orders retried').testId]);
      expect([...digest.knownByFile!].map(([file, ids]) => [file, [...ids].sort()]).sort()).toEqual([
        ['src/orders.test.ts', [sampleAttempt('x', 'orders steady').testId, sampleAttempt('x', 'orders retried').testId].sort()],
        ['src/refunds.test.ts', [sampleAttempt('x', 'refunds old').testId, sampleAttempt('x', 'refunds skipped').testId].sort()],
      ]);
      expect(brief).toEqual({ failing: digest.failing, knownByFile: undefined });
      // Skipped tests do not count; a retried test counts once.
      expect([...counted]).toEqual([
        ['run-1', 3],
        ['run-now', 0],
        ['run-unknown', 0],
      ]);
    });

    it('should yield the selected runs one at a time, oldest first, each with its own attempts', async () => {
      for (const [runId, hour] of [
        ['run-b', 2],
        ['run-a', 1],
        ['run-c', 3],
      ] as const) {
        await store.recordRun(sampleRun(runId, hour));
        await store.recordAttempts([sampleAttempt(runId, 'a one'), sampleAttempt(runId, 'b two', 'failed')]);
      }

      const seen: [string, string[]][] = [];
      for await (const { run, attempts } of historyByRun(store, { since: '2026-01-01T02:00:00.000Z' })) {
        seen.push([run.runId, attempts.map((attempt) => `${attempt.runId} ${attempt.fullName}`)]);
      }

      expect(seen).toEqual([
        ['run-b', ['run-b a one', 'run-b b two']],
        ['run-c', ['run-c a one', 'run-c b two']],
      ]);
    });

    it('should keep one text and line per test and fingerprint, the first written, and give it to every attempt with that fingerprint', async () => {
      await store.recordRun(sampleRun('run-1', 1));
      await store.recordRun(sampleRun('run-2', 2));
      const first = sampleAttempt('run-1', 'cart totals', 'failed', {
        errorFingerprint: 'aaaaaaaaaaaa',
        failureMessage: 'Error: expected 3, got 4',
        failureLine: 12,
      });
      const later = sampleAttempt('run-2', 'cart totals', 'failed', {
        errorFingerprint: 'aaaaaaaaaaaa',
        failureMessage: 'Error: expected 5, got 6',
        failureLine: 13,
      });
      const other = sampleAttempt('run-2', 'cart refunds', 'failed', {
        errorFingerprint: 'aaaaaaaaaaaa',
        failureMessage: 'Error: refunds',
      });
      const bare = sampleAttempt('run-2', 'cart splits', 'failed', { errorFingerprint: 'bbbbbbbbbbbb' });

      await store.recordAttempts([first]);
      await store.recordAttempts([later, other, bare]);

      const byKey = new Map((await store.history()).attempts.map((attempt) => [`${attempt.runId} ${attempt.fullName}`, attempt]));
      expect(byKey.get('run-1 cart totals')).toStrictEqual(first);
      expect(byKey.get('run-2 cart totals')).toStrictEqual({ ...later, failureMessage: 'Error: expected 3, got 4', failureLine: 12 });
      expect(byKey.get('run-2 cart refunds')).toStrictEqual(other);
      expect(byKey.get('run-2 cart splits')).toStrictEqual(bare);
      const columns: string[] = [];
      for await (const entry of historyColumnsByRun(store)) {
        for (let row = 0; row < entry.columns.length; row++) {
          const text = failureTextOf(entry.columns, row);
          if (text !== undefined)
            columns.push(`${entry.run.runId} ${entry.columns.catalog.tests[entry.columns.test[row]!]!.fullName}: ${text.message}`);
        }
      }
      expect(columns.sort()).toEqual([
        'run-1 cart totals: Error: expected 3, got 4',
        'run-2 cart refunds: Error: refunds',
        'run-2 cart totals: Error: expected 3, got 4',
      ]);
    });

    it('should keep the history when the store is opened again', async () => {
      await store.recordRun(sampleRun('run-1', 1));
      const batch = [sampleAttempt('run-1', 'a one', 'failed', { errorFingerprint: 'feedbeef0001' })];
      await store.recordAttempts(batch);
      await store.close();

      store = await openHistoryStore(options);

      expect((await store.history()).attempts).toEqual(batch);
    });

    it('should write none of a batch that holds an attempt it refuses', async () => {
      await store.recordRun(sampleRun('run-1', 1));
      const good = sampleAttempt('run-1', 'a good');
      const bad = { ...sampleAttempt('run-1', 'a bad'), status: 'exploded' } as unknown as AttemptRecord;
      const orphan = sampleAttempt('never-recorded', 'a orphan');

      const badStatus = await store.recordAttempts([good, bad]).catch((error: unknown) => error);
      const unknownRun = await store.recordAttempts([good, orphan]).catch((error: unknown) => error);

      expect(isFlakyError(badStatus) && badStatus.code).toBe('FLAKY_INVALID_RECORD');
      expect(String(badStatus)).toContain('"exploded" is none of passed, failed, skipped, todo');
      expect(isFlakyError(unknownRun) && unknownRun.code).toBe('FLAKY_INVALID_RECORD');
      expect(String(unknownRun)).toContain('run "never-recorded"');
      expect((await store.history()).attempts).toEqual([]);
      await store.recordAttempts([good]);
      expect((await store.history()).attempts).toEqual([good]);
    });

    it('should refuse work once closed', async () => {
      await store.close();

      const error = await store.history().catch((caught: unknown) => caught);

      expect(isFlakyError(error) && error.code).toBe('FLAKY_STORE_UNREACHABLE');
      expect(String(error)).toContain('the store was closed');
    });
  });
});
