import { testIdOf, type AttemptRecord, type AttemptStatus, type RunRecord } from '../src/index.js';

/** A run record started `hour` hours after 2026-01-01 00:00 UTC. */
export function sampleRun(runId: string, hour: number, extra: Partial<RunRecord> = {}): RunRecord {
  return {
    runId,
    commit: 'c0ffee0000000000000000000000000000000000',
    nodeVersion: 'v24.21.0',
    os: 'linux',
    startedAt: new Date(Date.UTC(2026, 0, 1, hour)).toISOString(),
    ...extra,
  };
}

/** An attempt of test `name` in `src/<file>.test.ts`. */
export function sampleAttempt(
  runId: string,
  name: string,
  status: AttemptStatus = 'passed',
  extra: Partial<AttemptRecord> = {},
): AttemptRecord {
  const file = `src/${name.split(' ')[0]}.test.ts`;
  return { runId, testId: testIdOf(file, name), file, fullName: name, attempt: 1, status, durationMs: 10, ...extra };
}

/** Each attempt's key, `runId testId #attempt`, sorted: equal lists mean the same attempts, each once. */
export function attemptKeys(attempts: readonly AttemptRecord[]): string[] {
  return attempts.map((attempt) => `${attempt.runId} ${attempt.testId} #${attempt.attempt}`).sort();
}
