import { afterAll, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorFingerprint, historyByRun, openHistoryStore, testIdOf } from '../src/index.js';

const cwd = mkdtempSync(join(tmpdir(), 'flaky-recipe-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

it('should record a run and read its failures back, one run at a time', async () => {
  // .flaky-detector/history.sqlite under cwd; pass { url: 'postgres://...' } for PostgreSQL.
  await using store = await openHistoryStore({ cwd });
  const runId = 'ci-812-shard-1';
  const test = { testId: testIdOf('src/cart.test.ts', 'cart should add'), file: 'src/cart.test.ts', fullName: 'cart should add' };
  await store.recordRun({ runId, nodeVersion: process.version, os: process.platform, shard: '1/4', startedAt: new Date().toISOString() });
  await store.recordAttempts([
    { runId, ...test, attempt: 1, status: 'failed', durationMs: 42, errorFingerprint: errorFingerprint('Expected 3, received 4') },
    { runId, ...test, attempt: 2, status: 'passed', durationMs: 40 },
  ]);

  const failures: string[] = [];
  for await (const { run, attempts } of historyByRun(store, { lastRuns: 50 })) {
    for (const attempt of attempts) {
      if (attempt.status === 'failed') failures.push(`${run.runId}: ${attempt.fullName}, attempt ${attempt.attempt}`);
    }
  }

  expect(failures).toEqual(['ci-812-shard-1: cart should add, attempt 1']);
});
