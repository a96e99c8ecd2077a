import { relative, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { blockNames, currentTestPath, type CircusBlock } from '@proving-ground/kit';
import { FlakyError } from '../errors.js';
import { testIdOf } from '../model.js';
import {
  readKnownTests,
  runFolderPaths,
  writeChannelAttempts,
  type AttemptCause,
  type ChannelAttempt,
  type QuarantinedTest,
  type RunConfig,
} from '../reporter/run-folder.js';
import { backoffDelay } from './backoff.js';
import { earlyDetectionRuns, mayRetry } from './rerun-policy.js';
import { RetryBudget, SharedTimeBudget } from './retry-budget.js';
import { foldCopies, isCopy, originalOf, runAgain, type CircusTest } from './test-copies.js';
import { testOccurrences, type TestOccurrence } from './test-occurrences.js';

/** What the controller keeps about one test of the file (the original and its copies). */
interface TestState {
  testId: string;
  fullName: string;
  quarantine: QuarantinedTest | undefined;
  /** New to the history, or in a changed file: runs several times before it can pass. */
  early: boolean;
  plannedRuns: number;
  retries: number;
  attempts: ChannelAttempt[];
  copies: CircusTest[];
  /** Errors of each attempt, in order (the copies' are cleared when they fold). */
  attemptErrors: (readonly unknown[])[];
  /** The cause and the wait of the attempt about to start. */
  nextCause: AttemptCause;
  nextDelayMs: number;
  /** Errors the test had before this attempt ran (a failed beforeAll): never hidden, never retried. */
  errorsBefore: number;
  startedAt: number;
}

type CircusEvent = { name: string; test?: CircusTest };

const kRetryTimes = Symbol.for('RETRY_TIMES');

/** Early-detection runs a new test that fails every one of them gets: it fails the run as broken, not flaky. */
const BROKEN_AFTER = 2;

/** The errors of an attempt that had none, shared (never changed). */
const NO_ERRORS: readonly unknown[] = Object.freeze([]);

// Taken once: in a test file every global (Math, Number, ...) is looked up through the vm context,
// and this code runs at every test.
const { round } = Math;
const now = performance.now.bind(performance);

/** The error or stack text of a jest-circus error entry, the way Jest's results carry it. */
export function errorText(entry: unknown): string {
  const error = Array.isArray(entry) ? (entry[0] as unknown) : entry;
  if (typeof error === 'object' && error !== null) {
    const { stack, message } = error as { stack?: unknown; message?: unknown };
    if (typeof stack === 'string') return stack;
    if (typeof message === 'string') return message;
  }
  return `thrown: ${String(error)}`;
}

/**
 * The test worker's half of the flaky detector, driven by jest-circus events: it times and records
 * every attempt (the side channel the reporter reads), keeps quarantined failures from failing the
 * run, retries known-flaky failures with backoff under the shared budget, and runs new and changed
 * tests several times. One controller per test file.
 */
export class AttemptController {
  private readonly tests = new Map<CircusTest, TestState>();
  private readonly knownFlaky: Set<string>;
  private readonly quarantine: Map<string, QuarantinedTest>;
  private readonly budget: RetryBudget;
  private readonly earlyTime: SharedTimeBudget;
  private testPath: string | undefined;
  private file = '';
  private knownTests: Set<string> | undefined;
  /** Each test's place among the file's tests of the same name, counted once per file. */
  private occurrences: Map<CircusTest, TestOccurrence> | undefined;
  /** The test file set Jest's own retryTimes: its retries run as Jest does them, and are recorded. */
  private jestRetries = false;

  constructor(
    private readonly folder: string,
    private readonly config: RunConfig,
  ) {
    const paths = runFolderPaths(folder);
    this.knownFlaky = new Set(config.reruns.knownFlaky);
    this.quarantine = new Map(Object.entries(config.quarantine));
    this.budget = new RetryBudget(paths.budget, config.reruns.budget);
    this.earlyTime = new SharedTimeBudget(paths.earlyTime, config.earlyDetection.budgetMs, process.pid);
  }

  /** The jest-circus event handler (add it with the kit's addCircusEventHandler). */
  readonly handle = (event: CircusEvent): void | Promise<void> => {
    switch (event.name) {
      case 'run_start':
        this.jestRetries = (Number.parseInt(String((globalThis as Record<symbol, unknown>)[kRetryTimes]), 10) || 0) > 0;
        return undefined;
      case 'test_start':
        return this.onStart(event.test!);
      case 'test_done':
        this.onDone(event.test!);
        return undefined;
      case 'run_finish':
        this.onFinish();
        return undefined;
      default:
        return undefined;
    }
  };

  private stateOf(original: CircusTest): TestState {
    let state = this.tests.get(original);
    if (state !== undefined) return state;
    if (this.testPath === undefined) {
      this.testPath = currentTestPath() ?? '';
      this.file = relative(this.config.rootDir, this.testPath).split(sep).join('/');
      this.knownTests = this.config.earlyDetection.enabled ? readKnownTests(this.folder, this.file) : undefined;
    }
    this.occurrences ??= testOccurrences(original);
    const { fullName, occurrence } = this.occurrences.get(original) ?? {
      fullName: blockNames(original as unknown as CircusBlock).join(' '),
      occurrence: 1,
    };
    const testId = testIdOf(this.file, fullName, occurrence);
    const quarantine = this.quarantine.get(testId);
    const ed = this.config.earlyDetection;
    const early =
      ed.enabled &&
      quarantine === undefined &&
      (this.knownTests === undefined || !this.knownTests.has(testId) || ed.changedFiles.includes(this.file));
    state = {
      testId,
      fullName,
      quarantine,
      early,
      plannedRuns: 1,
      retries: 0,
      attempts: [],
      copies: [],
      attemptErrors: [],
      nextCause: 'first',
      nextDelayMs: 0,
      errorsBefore: 0,
      startedAt: 0,
    };
    this.tests.set(original, state);
    return state;
  }

  /** Synchronous for a first attempt (jest-circus then waits for nothing); a copy may wait for its backoff first. */
  private onStart(test: CircusTest): void | Promise<void> {
    const state = this.stateOf(originalOf(test));
    if (!isCopy(test)) {
      this.started(test, state);
      return undefined;
    }
    return this.onCopyStart(test, state);
  }

  private async onCopyStart(test: CircusTest, state: TestState): Promise<void> {
    // Jest's own retries roll back what a failed attempt did to the snapshots (counters, written
    // and checked keys), keyed by the test object that ran it: do the same for the attempts before
    // this copy, so it matches `name 1` again rather than a new `name 2`.
    const expectGlobal = (globalThis as { expect?: { getState?: () => { snapshotState?: { clear?: (test: unknown) => void } } } }).expect;
    const snapshots = expectGlobal?.getState?.().snapshotState;
    for (const earlier of [originalOf(test), ...state.copies]) if (earlier !== test) snapshots?.clear?.(earlier);
    if (state.nextDelayMs > 0) await sleep(state.nextDelayMs);
    this.started(test, state);
  }

  private started(test: CircusTest, state: TestState): void {
    state.errorsBefore = test.errors.length;
    state.startedAt = now();
  }

  private onDone(test: CircusTest): void {
    const endedAt = now();
    const state = this.stateOf(originalOf(test));
    const durationMs = endedAt - state.startedAt;
    const failed = test.errors.length > 0;
    const attempt: ChannelAttempt = {
      testId: state.testId,
      file: this.file,
      fullName: state.fullName,
      attempt: state.attempts.length + 1,
      status: failed ? 'failed' : 'passed',
      durationMs: round(durationMs * 1000) / 1000,
      cause: state.nextCause,
    };
    if (failed) attempt.error = errorText(test.errors[test.errors.length - 1]);
    state.attempts.push(attempt);
    if (state.nextCause === 'early-detection') this.earlyTime.spend(durationMs);

    if (state.quarantine !== undefined && test.errors.length > state.errorsBefore) {
      attempt.quarantined = true;
      test.errors.splice(state.errorsBefore);
    }
    state.attemptErrors.push(test.errors.length === 0 ? NO_ERRORS : [...test.errors]);
    if (!this.another(test, state, failed && !attempt.quarantined, durationMs, attempt.error ?? '')) this.settle(state);
  }

  /** Decide whether `test` gets another attempt, and schedule it. */
  private another(test: CircusTest, state: TestState, failed: boolean, durationMs: number, error: string): boolean {
    if (this.jestRetries || state.errorsBefore > 0 || state.quarantine !== undefined) return false;
    if (state.early) {
      if (state.attempts.length === 1) state.plannedRuns = earlyDetectionRuns(this.config.earlyDetection.runs, durationMs);
      const outcomes = new Set(state.attempts.map((attempt) => attempt.status));
      const firstMs = state.attempts[0]!.durationMs;
      // Failed every run so far, BROKEN_AFTER times: broken, not flaky; more runs would prove nothing.
      const broken = outcomes.size === 1 && outcomes.has('failed') && state.attempts.length >= BROKEN_AFTER;
      if (state.attempts.length >= state.plannedRuns || outcomes.size > 1 || broken || !this.earlyTime.allows(firstMs)) return false;
      this.schedule(test, state, 'early-detection', 0);
      return true;
    }
    if (!failed || state.retries >= this.config.reruns.maxRetries) return false;
    if (!mayRetry(this.config.reruns, this.knownFlaky, state.testId, error) || !this.budget.take()) return false;
    state.retries++;
    const { initialDelayMs, factor, maxDelayMs, seed } = this.config.reruns;
    this.schedule(test, state, 'retry', backoffDelay({ initialDelayMs, factor, maxDelayMs, seed }, state.testId, state.retries));
    return true;
  }

  private schedule(test: CircusTest, state: TestState, cause: AttemptCause, delayMs: number): void {
    state.nextCause = cause;
    state.nextDelayMs = delayMs;
    state.copies.push(runAgain(test));
  }

  /** The test has had its last attempt: mark the early-detection verdict on it. */
  private settle(state: TestState): void {
    if (!state.early) return;
    const failures = state.attempts.filter((attempt) => attempt.status === 'failed').length;
    state.attempts[state.attempts.length - 1]!.earlyDetection = { runs: state.attempts.length, failures };
  }

  private onFinish(): void {
    const written: ChannelAttempt[] = [];
    for (const [original, state] of this.tests) {
      for (const attempt of state.attempts) written.push(attempt);
      if (state.copies.length === 0 && !state.early) continue;
      const lastErrors = state.attemptErrors[state.attemptErrors.length - 1] ?? original.errors;
      const failures = state.attempts.filter((attempt) => attempt.status === 'failed');
      let errors = lastErrors;
      if (state.early && failures.length > 0 && failures.length < state.attempts.length) {
        const firstFailed = state.attemptErrors[state.attempts.indexOf(failures[0]!)] ?? [];
        errors = [this.earlyDetectionError(state, failures.length), ...firstFailed];
      }
      if (state.copies.length > 0 || errors !== lastErrors) foldCopies(original, state.copies, [...errors]);
    }
    if (this.testPath !== undefined) writeChannelAttempts(this.folder, this.testPath, written);
  }

  private earlyDetectionError(state: TestState, failures: number): FlakyError {
    const changed = this.knownTests?.has(state.testId) === true;
    const error = new FlakyError('FLAKY_NEW_TEST_FLAKY', {
      action: `let the ${changed ? 'changed' : 'new'} test "${state.fullName}" (${state.testId}) pass`,
      reason: `it failed ${failures} of its ${state.attempts.length} early-detection runs, and a ${changed ? 'changed' : 'new'} test must pass every run`,
      fix: 'Fix its flakiness before it goes in (its first failure is below); the history now marks it flaky',
    });
    // Jest prints the stack: this error's own frames say nothing about the test.
    error.stack = error.message;
    return error;
  }
}
