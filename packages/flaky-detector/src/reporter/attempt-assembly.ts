import { errorFingerprint, testIdOf, type AttemptRecord, type AttemptStatus } from '../model.js';
import { failureDetails } from './failure-details.js';
import type { ChannelAttempt } from './run-folder.js';

/** The part of Jest's per-test result (`AssertionResult`, `TestCaseResult`) the reporter reads. */
export interface JestTestCase {
  fullName: string;
  status: string;
  duration?: number | null | undefined;
  invocations?: number | undefined;
  failureMessages: string[];
  retryReasons?: string[] | undefined;
}

/** Jest's status as an attempt status. */
export function attemptStatus(status: string): AttemptStatus {
  switch (status) {
    case 'passed':
    case 'focused':
      return 'passed';
    case 'failed':
      return 'failed';
    case 'todo':
      return 'todo';
    default:
      return 'skipped';
  }
}

/** Everything known about the attempts of one test file, for {@link assembleAttempts}. */
export interface FileAttempts {
  runId: string;
  /** The test file relative to rootDir, `/` separators. */
  file: string;
  /** The final result of each test (`testResult.testResults`). */
  finals: readonly JestTestCase[];
  /** What `onTestCaseResult` reported, one per attempt, in order. */
  cases: readonly JestTestCase[];
  /** What the setup file wrote, when it runs: exact per attempt. */
  channel: readonly ChannelAttempt[] | undefined;
}

/**
 * The attempts of one test file as records for the store. Three sources, best first:
 *
 * 1. the setup file's side channel: every attempt with its exact status, duration and error, the
 *    real failure of a quarantined test included;
 * 2. `onTestCaseResult`, which Jest 30 calls once per attempt (its own retries included), each with
 *    that attempt's status and duration;
 * 3. the final result alone: the last attempt's status and duration, and `invocations - 1` earlier
 *    attempts, recorded as failed (a test is retried only after a failure) with a duration of 0 ms
 *    (unknown) and the fingerprint of `retryReasons[i]` when Jest kept it (`logErrorsBeforeRetry`).
 *
 * @example
 * store.recordAttempts(assembleAttempts({ runId, file: 'src/a.test.ts', finals: result.testResults, cases, channel }))
 */
export function assembleAttempts(input: FileAttempts): AttemptRecord[] {
  const records: AttemptRecord[] = [];
  const channelByTest = groupBy(input.channel ?? [], (attempt) => attempt.fullName);
  const casesByTest = groupBy(input.cases, (testCase) => testCase.fullName);
  const occurrences = new Map<string, number>();
  const withFingerprint = (record: AttemptRecord, error: string | undefined): AttemptRecord => {
    if (record.status !== 'failed') return record;
    const text = error ?? '';
    record.errorFingerprint = errorFingerprint(text);
    const details = failureDetails(text, input.file);
    if (details.message !== '') record.failureMessage = details.message;
    if (details.line !== undefined) record.failureLine = details.line;
    return record;
  };
  for (const final of input.finals) {
    // Tests sharing a full name in one file get ids by their place among them, in the file's order.
    const occurrence = (occurrences.get(final.fullName) ?? 0) + 1;
    occurrences.set(final.fullName, occurrence);
    const status = attemptStatus(final.status);
    // Skipped and todo tests never run: the setup file writes nothing for them, and taking by name
    // would hand them the attempts (and the id) of a later test of the same name.
    const fromChannel = status === 'skipped' || status === 'todo' ? undefined : take(channelByTest, final.fullName);
    // The setup file named the test with the same file, name and place: no second hash.
    const testId = fromChannel?.[0]?.testId ?? testIdOf(input.file, final.fullName, occurrence);
    const base = { runId: input.runId, testId, file: input.file, fullName: final.fullName };
    if (fromChannel !== undefined && fromChannel.length > 0) {
      for (const attempt of fromChannel) {
        records.push(
          withFingerprint({ ...base, attempt: attempt.attempt, status: attempt.status, durationMs: attempt.durationMs }, attempt.error),
        );
      }
      continue;
    }
    const invocations = status === 'skipped' || status === 'todo' ? 1 : Math.max(1, final.invocations ?? 1);
    const cases = casesByTest.get(final.fullName)?.splice(0, invocations) ?? [];
    if (cases.length === invocations && status !== 'skipped') {
      cases.forEach((testCase, index) =>
        records.push(
          withFingerprint(
            { ...base, attempt: index + 1, status: attemptStatus(testCase.status), durationMs: testCase.duration ?? 0 },
            testCase.failureMessages[0],
          ),
        ),
      );
      continue;
    }
    for (let attempt = 1; attempt < invocations; attempt++) {
      records.push(withFingerprint({ ...base, attempt, status: 'failed', durationMs: 0 }, final.retryReasons?.[attempt - 1] ?? ''));
    }
    records.push(withFingerprint({ ...base, attempt: invocations, status, durationMs: final.duration ?? 0 }, final.failureMessages[0]));
  }
  return records;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const name = key(item);
    const group = groups.get(name);
    if (group === undefined) groups.set(name, [item]);
    else group.push(item);
  }
  return groups;
}

/** The channel attempts of the next test named `fullName` (tests may share a name: attempt numbers restart at 1 for each). */
function take(groups: Map<string, ChannelAttempt[]>, fullName: string): ChannelAttempt[] | undefined {
  const group = groups.get(fullName);
  if (group === undefined || group.length === 0) return undefined;
  let end = 1;
  while (end < group.length && group[end]!.attempt > group[end - 1]!.attempt) end++;
  return group.splice(0, end);
}
