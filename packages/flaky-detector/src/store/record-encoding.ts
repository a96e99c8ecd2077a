import { FlakyError } from '../errors.js';
import type { AttemptStatus, RunRecord } from '../model.js';

/** The schema version this code writes and reads (SQLite `PRAGMA user_version`, PostgreSQL `flaky_schema`). */
export const SCHEMA_VERSION = 2;

/** Statuses as small integers, the way both stores keep them. */
export const STATUS_CODES: Readonly<Record<AttemptStatus, number>> = { passed: 0, failed: 1, skipped: 2, todo: 3 };

/** `STATUS_CODES` read back: index = code. */
export const STATUSES: readonly AttemptStatus[] = ['passed', 'failed', 'skipped', 'todo'];

/** The code of `status`, or a FLAKY_INVALID_RECORD error naming the test. */
export function statusCode(status: string, testId: string): number {
  const code = (STATUS_CODES as Record<string, number | undefined>)[status];
  if (code === undefined) {
    throw new FlakyError('FLAKY_INVALID_RECORD', {
      action: `record an attempt of test ${testId}`,
      reason: `its status ${JSON.stringify(status)} is none of ${STATUSES.join(', ')}`,
      fix: 'Record the status Jest reported for the attempt.',
    });
  }
  return code;
}

/** The error for attempts of a run that was never recorded. */
export function unknownRunError(runId: string, location: string): FlakyError {
  return new FlakyError('FLAKY_INVALID_RECORD', {
    action: `record attempts of run "${runId}" in ${location}`,
    reason: 'that run was never recorded',
    fix: 'Call recordRun() with the run before recordAttempts().',
  });
}

/** A run's columns, in the order both stores declare them after the run id. */
export type RunColumns = [
  commit: string | null,
  lockfileHash: string | null,
  nodeVersion: string,
  os: string,
  ciJob: string | null,
  shard: string | null,
  startedAt: string,
  finishedAt: string | null,
  totals: string | null,
  suiteErrors: number | null,
  coverage: string | null,
];

/** `run` as the values of its columns (optional fields as NULL, totals and coverage as JSON). */
export function runColumns(run: RunRecord): RunColumns {
  return [
    run.commit ?? null,
    run.lockfileHash ?? null,
    run.nodeVersion,
    run.os,
    run.ciJob ?? null,
    run.shard ?? null,
    run.startedAt,
    run.finishedAt ?? null,
    run.totals === undefined ? null : JSON.stringify(run.totals),
    run.suiteErrors ?? null,
    run.coverage === undefined ? null : JSON.stringify(run.coverage),
  ];
}

/** A run read back from its row: `runId` then the {@link RunColumns} (JSON columns as text or parsed). */
export function runFromColumns(runId: string, columns: readonly unknown[]): RunRecord {
  const [commit, lockfileHash, nodeVersion, os, ciJob, shard, startedAt, finishedAt, totals, suiteErrors, coverage] = columns;
  const run: RunRecord = { runId, nodeVersion: String(nodeVersion), os: String(os), startedAt: String(startedAt) };
  if (typeof commit === 'string') run.commit = commit;
  if (typeof lockfileHash === 'string') run.lockfileHash = lockfileHash;
  if (typeof ciJob === 'string') run.ciJob = ciJob;
  if (typeof shard === 'string') run.shard = shard;
  if (typeof finishedAt === 'string') run.finishedAt = finishedAt;
  if (totals !== null) run.totals = (typeof totals === 'string' ? JSON.parse(totals) : totals) as NonNullable<RunRecord['totals']>;
  if (suiteErrors !== null) run.suiteErrors = Number(suiteErrors);
  if (coverage !== null) {
    run.coverage = (typeof coverage === 'string' ? JSON.parse(coverage) : coverage) as NonNullable<RunRecord['coverage']>;
  }
  return run;
}
