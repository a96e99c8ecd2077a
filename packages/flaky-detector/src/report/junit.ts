import { FlakyError } from '../errors.js';
import type { AttemptRecord, RunRecord } from '../model.js';
import { xmlAttribute, xmlCdata } from './xml-text.js';

/** An attempt as JUnit shows it: the history's record, with the failure's text when the caller has it. */
export type JunitAttempt = AttemptRecord & {
  /** The failure's first line, for the `message` attribute. */
  errorMessage?: string | undefined;
  /** The whole failure (message and stack). */
  errorStack?: string | undefined;
};

/** Which run {@link renderJunit} writes. */
export interface JunitOptions {
  /** The run's id. Default: the most recent run. */
  runId?: string | undefined;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function attributes(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${xmlAttribute(String(value))}"`)
    .join('');
}

function properties(indent: string, values: Record<string, string | number | undefined>): string {
  const lines = Object.entries(values)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '')
    .map(([name, value]) => `${indent}  <property${attributes({ name, value })}/>`);
  return lines.length === 0 ? '' : `${indent}<properties>\n${lines.join('\n')}\n${indent}</properties>\n`;
}

/**
 * The `message` and body text of a failed attempt: the caller's text when given, else the stored
 * failure message (its first line as `message`, all of it and the test file's line as the body),
 * else which attempt it was and its fingerprint (a store written before version 2 kept no text).
 */
function failureText(attempt: JunitAttempt, of: number): { message: string; stack: string } {
  const fallback = `Attempt ${attempt.attempt} of ${of} failed${attempt.errorFingerprint === undefined ? '' : ` (error fingerprint ${attempt.errorFingerprint})`}`;
  if (attempt.errorMessage !== undefined || attempt.errorStack !== undefined) {
    const message = attempt.errorMessage ?? attempt.errorStack!.split('\n', 1)[0] ?? fallback;
    return { message, stack: attempt.errorStack ?? attempt.errorMessage ?? fallback };
  }
  if (attempt.failureMessage === undefined) return { message: fallback, stack: fallback };
  const where = attempt.failureLine === undefined ? '' : `\n    at ${attempt.file}:${attempt.failureLine}`;
  return { message: attempt.failureMessage.split('\n', 1)[0]!, stack: `${attempt.failureMessage}${where}` };
}

interface Testcase {
  xml: string;
  status: 'passed' | 'failed' | 'skipped';
  ms: number;
}

function testcase(attempts: JunitAttempt[]): Testcase {
  attempts.sort((a, b) => a.attempt - b.attempt);
  const last = attempts[attempts.length - 1]!;
  const first = attempts[0]!;
  const ms = attempts.reduce((sum, attempt) => sum + attempt.durationMs, 0);
  const status = last.status === 'passed' ? 'passed' : last.status === 'failed' ? 'failed' : 'skipped';
  const indent = '      ';
  let body = properties(indent, {
    testId: first.testId,
    attempts: attempts.length,
    attemptDurationsMs: attempts.map((attempt) => Math.round(attempt.durationMs)).join(','),
    errorFingerprint: attempts.find((attempt) => attempt.errorFingerprint !== undefined)?.errorFingerprint,
  });
  const failed = attempts.filter((attempt) => attempt.status === 'failed');
  failed.forEach((attempt, index) => {
    const { message, stack } = failureText(attempt, attempts.length);
    const type = attempt.errorFingerprint === undefined ? 'Error' : `fingerprint:${attempt.errorFingerprint}`;
    if (status === 'passed') {
      body += `${indent}<flakyFailure${attributes({ message, type })}>\n${indent}  <stackTrace>${xmlCdata(stack)}</stackTrace>\n${indent}</flakyFailure>\n`;
    } else if (index === 0) {
      body += `${indent}<failure${attributes({ message, type })}>${xmlCdata(stack)}</failure>\n`;
    } else {
      body += `${indent}<rerunFailure${attributes({ message, type })}>\n${indent}  <stackTrace>${xmlCdata(stack)}</stackTrace>\n${indent}</rerunFailure>\n`;
    }
  });
  if (status === 'skipped' && failed.length === 0) body += `${indent}<skipped${attributes({ message: last.status })}/>\n`;
  const open = `    <testcase${attributes({ name: first.fullName, classname: first.file, time: seconds(ms) })}`;
  return { xml: body === '' ? `${open}/>\n` : `${open}>\n${body}    </testcase>\n`, status, ms };
}

/**
 * One run as JUnit XML that keeps retried failures, the way Maven Surefire writes reruns: a test that
 * failed and then passed on a retry passes with a `<flakyFailure>` per failed attempt; a test that
 * failed every attempt has a `<failure>` for the first and a `<rerunFailure>` for each retry. Each
 * `<testcase>` carries its test id, attempt count and per-attempt durations as properties; one
 * `<testsuite>` per test file. The text is valid XML whatever the test names and messages hold.
 *
 * @example
 * writeFileSync('junit.xml', renderJunit(await store.history({ lastRuns: 1 })));
 */
export function renderJunit(
  history: { runs: readonly RunRecord[]; attempts: readonly JunitAttempt[] },
  options: JunitOptions = {},
): string {
  const run =
    options.runId === undefined
      ? history.runs[history.runs.length - 1]
      : history.runs.find((candidate) => candidate.runId === options.runId);
  if (run === undefined) {
    throw new FlakyError('FLAKY_REPORT_NO_RUN', {
      action: 'write the JUnit report',
      reason: options.runId === undefined ? 'the history holds no run' : `the history holds no run "${options.runId}"`,
      fix:
        options.runId === undefined
          ? 'Run Jest with the flaky-detector reporter first, or point --store/--url at the history it wrote.'
          : 'Copy a run id from `flaky-detector report --format json` (runs[].runId).',
    });
  }
  const byFile = new Map<string, Map<string, JunitAttempt[]>>();
  for (const attempt of history.attempts) {
    if (attempt.runId !== run.runId) continue;
    let file = byFile.get(attempt.file);
    if (file === undefined) {
      file = new Map<string, JunitAttempt[]>();
      byFile.set(attempt.file, file);
    }
    const attempts = file.get(attempt.testId);
    if (attempts === undefined) file.set(attempt.testId, [attempt]);
    else attempts.push(attempt);
  }

  const runProperties = properties('    ', {
    runId: run.runId,
    commit: run.commit,
    nodeVersion: run.nodeVersion,
    os: run.os,
    ciJob: run.ciJob,
    shard: run.shard,
  });
  const totals = { tests: 0, failures: 0, skipped: 0, ms: 0 };
  const suites: string[] = [];
  for (const [file, tests] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
    const cases = [...tests.values()].map(testcase);
    const failures = cases.filter((entry) => entry.status === 'failed').length;
    const skipped = cases.filter((entry) => entry.status === 'skipped').length;
    const ms = cases.reduce((sum, entry) => sum + entry.ms, 0);
    totals.tests += cases.length;
    totals.failures += failures;
    totals.skipped += skipped;
    totals.ms += ms;
    const open = `  <testsuite${attributes({ name: file, tests: cases.length, failures, errors: 0, skipped, time: seconds(ms), timestamp: run.startedAt })}>\n`;
    suites.push(`${open}${runProperties}${cases.map((entry) => entry.xml).join('')}  </testsuite>\n`);
  }
  const head = `<testsuites${attributes({ name: 'flaky-detector', tests: totals.tests, failures: totals.failures, errors: run.suiteErrors ?? 0, skipped: totals.skipped, time: seconds(totals.ms), timestamp: run.startedAt })}>\n`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${head}${suites.join('')}</testsuites>\n`;
}
