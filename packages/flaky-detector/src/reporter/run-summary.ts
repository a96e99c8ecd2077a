import type { QuarantineEntry } from '../quarantine/quarantine-file.js';
import type { ChannelAttempt, QuarantinedTest } from './run-folder.js';

/** What happened in a run that the reporter prints at its end. */
export interface RunSummary {
  runId: string;
  storeLocation: string;
  attempts: number;
  tests: number;
  /** Failed attempts of quarantined tests (the run did not fail for them). */
  quarantined: Array<{ attempt: ChannelAttempt; entry: QuarantinedTest }>;
  /** Tests that were retried, with their attempts. */
  retried: ChannelAttempt[][];
  /** Tests whose early detection ended, with its verdict. */
  early: ChannelAttempt[];
  seed: number;
}

function firstLines(text: string | undefined, count: number): string[] {
  return (text ?? '')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(0, count);
}

/** The block a run prints at its end: quarantined failures, retries, early detection, where history went. */
export function formatRunSummary(summary: RunSummary): string {
  const lines: string[] = [];
  if (summary.quarantined.length > 0) {
    lines.push(
      `flaky-detector: ${summary.quarantined.length} quarantined failure${summary.quarantined.length === 1 ? '' : 's'} (recorded; they do not fail the run)`,
    );
    for (const { attempt, entry } of summary.quarantined) {
      lines.push(`  ● ${attempt.file} › ${attempt.fullName} (${attempt.testId}), attempt ${attempt.attempt}`);
      lines.push(`    owner ${entry.owner}, expires ${entry.expires}, ${entry.issue}: ${entry.reason}`);
      for (const line of firstLines(attempt.error, 2)) lines.push(`      ${line.trim()}`);
    }
  }
  if (summary.retried.length > 0) {
    lines.push(`flaky-detector: ${summary.retried.length} test${summary.retried.length === 1 ? '' : 's'} retried (seed ${summary.seed})`);
    for (const attempts of summary.retried) {
      const first = attempts[0]!;
      const outcome = attempts.map((attempt) => (attempt.status === 'passed' ? 'pass' : 'fail')).join(', ');
      lines.push(`  ↻ ${first.file} › ${first.fullName} (${first.testId}): ${outcome}`);
    }
  }
  const flakyNew = summary.early.filter((attempt) => attempt.earlyDetection!.failures > 0);
  if (summary.early.length > 0) {
    lines.push(
      `flaky-detector: early detection ran ${summary.early.length} new or changed test${summary.early.length === 1 ? '' : 's'} ` +
        `${summary.early.reduce((sum, attempt) => sum + attempt.earlyDetection!.runs, 0)} times in all; ${flakyNew.length} failed a run`,
    );
    for (const attempt of flakyNew) {
      const { runs, failures } = attempt.earlyDetection!;
      lines.push(`  ✕ ${attempt.file} › ${attempt.fullName} (${attempt.testId}): failed ${failures} of ${runs} runs`);
    }
  }
  lines.push(
    `flaky-detector: recorded ${summary.attempts} attempts of ${summary.tests} tests as run ${summary.runId} in ${summary.storeLocation}`,
  );
  return `${lines.join('\n')}\n`;
}

/** The message naming every expired quarantine entry. */
export function expiredMessage(entries: readonly QuarantineEntry[]): string[] {
  return entries.map(
    (entry) =>
      `- ${entry.testId}${entry.name === undefined ? '' : ` (${entry.name})`}: expired ${entry.expires}, owner ${entry.owner}, ${entry.issue}`,
  );
}
