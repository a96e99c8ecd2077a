/**
 * Another attempt of one jest-circus test, without Jest's `retryTimes`.
 *
 * jest-circus 30 reads `retryTimes` once per describe block and retries every failing test of the
 * block, only after a failure, and only if the test had no error before it ran; the loop that
 * retries is private. What it does expose is the describe block's `children` array, which its run
 * loop iterates live: a copy of a test inserted right after it (from a `test_done` handler) is the
 * next thing the block runs, through jest-circus's own path: `test_start`, every `beforeEach` from
 * the outermost block in, the test with its timeout, every `afterEach`, `test_done`. So each attempt
 * runs its hooks again, and any test can get another attempt, passed or failed. At `run_finish`, before
 * jest-circus builds the file's results, the copies are taken out and their outcome folded into the
 * original, so Jest reports one test with `invocations` attempts.
 */

/** The part of a jest-circus test object this module reads and writes. */
export interface CircusTest {
  type: 'test';
  name: string;
  parent: { children: unknown[]; name: string; parent?: unknown };
  errors: unknown[];
  retryReasons: unknown[];
  invocations: number;
  duration: number | null;
  status: string | null;
  concurrent: boolean;
  mode?: string | undefined;
  [key: string | symbol]: unknown;
}

const kOriginal = Symbol.for('@proving-ground/flaky-detector/original-test');

/** The test a copy was made from (the test itself when it is no copy). */
export function originalOf(test: CircusTest): CircusTest {
  return (test[kOriginal] as CircusTest | undefined) ?? test;
}

/** Whether `test` is a copy made by {@link runAgain}. */
export function isCopy(test: CircusTest): boolean {
  return test[kOriginal] !== undefined;
}

/**
 * Insert a fresh copy of `test` right after it in its describe block, so jest-circus runs it next
 * (with its hooks). Returns the copy.
 *
 * @example
 * addCircusEventHandler('flaky-detector', (event) => { if (event.name === 'test_done' && failed(event.test)) runAgain(event.test) })
 */
export function runAgain(test: CircusTest): CircusTest {
  const copy: CircusTest = {
    ...test,
    // A copy of a concurrent test runs on its own after the group: the group was gathered before it existed.
    concurrent: false,
    duration: null,
    errors: [],
    invocations: 0,
    numPassingAsserts: 0,
    retryReasons: [],
    seenDone: false,
    startedAt: null,
    status: null,
    unhandledRejectionErrorByPromise: new Map(),
    [kOriginal]: originalOf(test),
  };
  const siblings = test.parent.children;
  siblings.splice(siblings.indexOf(test) + 1, 0, copy);
  return copy;
}

/**
 * Take `copies` out of their blocks and fold them into `original`: it ends with `errors` (the final
 * outcome), the earlier attempts' errors as `retryReasons` (Jest prints them as "RETRY n"), every
 * attempt counted in `invocations`, and the last attempt's duration.
 */
export function foldCopies(original: CircusTest, copies: readonly CircusTest[], errors: unknown[]): void {
  if (copies.length === 0) {
    original.errors = errors;
    return;
  }
  const attempts = [original, ...copies];
  const last = attempts[attempts.length - 1]!;
  for (const attempt of attempts.slice(0, -1)) original.retryReasons.push(...attempt.errors);
  original.invocations = attempts.reduce((sum, attempt) => sum + attempt.invocations, 0);
  original.duration = last.duration;
  original.errors = errors;
  for (const copy of copies) {
    const siblings = copy.parent.children;
    const index = siblings.indexOf(copy);
    if (index >= 0) siblings.splice(index, 1);
  }
}
