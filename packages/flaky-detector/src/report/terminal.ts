import type { FailureSummary, Report, TestSummary } from './report-model.js';

/** Options of {@link renderTerminal}. */
export interface TerminalOptions {
  /** Colour codes (on a terminal). Default false: plain text for logs and pipes. */
  colour?: boolean | undefined;
  /** The most rows of each list. Default 10. */
  rows?: number | undefined;
}

type Paint = (text: string) => string;

function painter(colour: boolean): { bold: Paint; red: Paint; yellow: Paint; green: Paint; dim: Paint } {
  const wrap =
    (open: number, close: number): Paint =>
    (text) =>
      colour ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return { bold: wrap(1, 22), red: wrap(31, 39), yellow: wrap(33, 39), green: wrap(32, 39), dim: wrap(2, 22) };
}

/** `12 ms`, `1.24 s`. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** `12.3%` of a 0-to-1 share. */
export function formatPercent(share: number, digits = 1): string {
  return `${(share * 100).toFixed(digits)}%`;
}

/** The names and the rows left out of a list, as lines. */
function capped<T>(items: readonly T[], rows: number, line: (item: T) => string): string[] {
  const lines = items.slice(0, rows).map(line);
  if (items.length > rows) lines.push(`  ... and ${items.length - rows} more (--format json or html lists them all)`);
  return lines;
}

function durationLine(test: TestSummary): string {
  return `  ${formatDuration(test.medianMs).padStart(9)}  ${formatPercent(test.shareOfSuiteTime).padStart(6)}  ${test.fullName}  (${test.file})`;
}

/** A second line with the first line of the stored failure message and where it was thrown; empty without a message. */
function lastFailureLine(file: string, failure: FailureSummary | undefined, dim: (text: string) => string): string {
  const line = failure?.message?.split('\n', 1)[0];
  const first = line === undefined ? undefined : Array.from(line, (char) => (char < ' ' || char === '\u007f' ? ' ' : char)).join('');
  if (first === undefined || first === '') return '';
  const where = failure!.line === undefined ? '' : ` at ${file}:${failure!.line}`;
  return `\n${dim(`      last failure${where}: ${first.length > 160 ? `${first.slice(0, 159)}…` : first}`)}`;
}

/**
 * The report as text for a terminal or a CI log: totals, slowest and fastest tests, flaky tests with
 * their scores and intervals, regressions, tests failing together, the quarantine ledger (expired
 * entries marked) and recommendations, each with the figure behind it. Colour only when asked.
 *
 * @example
 * process.stdout.write(renderTerminal(report, { colour: process.stdout.isTTY === true }));
 */
export function renderTerminal(report: Report, options: TerminalOptions = {}): string {
  const rows = options.rows ?? 10;
  const paint = painter(options.colour === true);
  const out: string[] = [];
  const section = (title: string, count: number): void => {
    out.push('', paint.bold(`${title} (${count})`));
  };
  const { totals } = report;
  const lastRun = report.runs[report.runs.length - 1];
  out.push(
    paint.bold(`flaky-detector: ${totals.runs} run${totals.runs === 1 ? '' : 's'}, ${totals.tests} tests, ${totals.attempts} attempts`) +
      (totals.firstRunAt === undefined ? '' : paint.dim(` (${totals.firstRunAt} to ${totals.lastRunAt ?? totals.firstRunAt})`)),
  );
  if (lastRun !== undefined) {
    const rate = formatPercent(lastRun.passRate);
    const ratePainted = lastRun.failed > 0 ? paint.red(rate) : paint.green(rate);
    out.push(
      `Latest run ${lastRun.runId}: ${lastRun.passed} passed, ${lastRun.failed} failed, ${lastRun.flaky} passed on retry, ${lastRun.skipped} skipped; pass rate ${ratePainted}; ${formatDuration(lastRun.durationMs)}`,
    );
  }
  const classes = Object.entries(totals.classes)
    .map(([name, count]) => `${count} ${name}`)
    .join(', ');
  out.push(
    `Classes: ${classes}. Expected flaky failures per run: ${totals.expectedFlakyFailures.toFixed(2)}; chance of a run without one: ${formatPercent(totals.flakeFreeRunProbability)}` +
      (totals.outageRuns > 0 ? `; ${totals.outageRuns} outage run(s) left out of the scores` : ''),
  );

  section('Slowest tests: median, share of suite time', report.slowest.length);
  out.push(...capped(report.slowest, rows, durationLine));
  section('Fastest tests', report.fastest.length);
  out.push(...capped(report.fastest, rows, durationLine));

  section('Flaky tests: score, 95% interval, failing runs', report.flaky.length);
  out.push(
    ...capped(report.flaky, rows, (test) => {
      const [lower, upper] = test.interval;
      const marks = [test.sameCode ? 'failed and passed on the same code' : '', test.quarantined ? 'quarantined' : '']
        .filter(Boolean)
        .join(', ');
      return `  ${paint.yellow(test.score.toFixed(3))}  [${lower.toFixed(3)}, ${upper.toFixed(3)}]  ${test.failures}/${test.runs} runs  flip ${test.flipRate.toFixed(2)}  ${test.fullName}  (${test.file})${marks === '' ? '' : paint.dim(`  ${marks}`)}${lastFailureLine(test.file, test.lastFailure, paint.dim)}`;
    }),
  );

  section('Regressions', report.regressions.length);
  out.push(
    ...capped(
      report.regressions,
      rows,
      (regression) =>
        `  ${paint.red(regression.kind === 'failure' ? 'failing ' : 'slower  ')}  ${regression.fullName}  (${regression.file}): ${regression.detail}${lastFailureLine(regression.file, regression.lastFailure, paint.dim)}`,
    ),
  );

  if (report.failingTogether.length > 0) {
    section('Tests that fail together', report.failingTogether.length);
    out.push(
      ...capped(
        report.failingTogether,
        rows,
        (group) =>
          `  ${group.id}: ${group.testIds.length} tests failed together in ${group.runs} runs (Jaccard ${group.jaccard.toFixed(2)}): ${group.fullNames.slice(0, 3).join('; ')}${group.fullNames.length > 3 ? '; ...' : ''}`,
      ),
    );
  }

  section('Quarantine', report.quarantine.length);
  out.push(
    ...capped(report.quarantine, rows, (entry) => {
      const when = entry.expired
        ? paint.red(`EXPIRED ${entry.expires} (${-entry.daysLeft} days ago)`)
        : `expires ${entry.expires} (in ${entry.daysLeft} days)`;
      return `  ${entry.fullName ?? entry.testId}  owner ${entry.owner}  ${when}  ${entry.reason}${entry.issue === undefined ? '' : `  ${entry.issue}`}`;
    }),
  );

  const points = report.coverage.points;
  if (points.length > 0) {
    const first = points[0]!;
    const last = points[points.length - 1]!;
    section('Coverage: lines and branches, latest and first of the runs with coverage', points.length);
    out.push(
      `  lines ${last.lines.toFixed(2)}% (${first.lines.toFixed(2)}%), branches ${last.branches.toFixed(2)}% (${first.branches.toFixed(2)}%)`,
    );
    out.push(
      ...report.coverage.latestDrops.map(
        (drop) =>
          `  ${paint.red(`dropped: ${drop.metric}`)} ${drop.from.toFixed(2)}% to ${drop.to.toFixed(2)}% (-${drop.drop.toFixed(2)} points) in the latest run`,
      ),
    );
  }

  const { caught, neverFailed } = report.effectiveness;
  if (caught.length > 0) {
    section('Tests that caught real failures (failed, then passed after a code change)', caught.length);
    out.push(
      ...capped(
        caught,
        rows,
        (entry) =>
          `  ${String(entry.caught).padStart(3)} caught  ${entry.fullName}${entry.fixedCommit === undefined ? '' : paint.dim(`  (latest fixed at ${entry.fixedCommit.slice(0, 7)})`)}`,
      ),
    );
  }
  if (neverFailed.length > 0) {
    section('Costly tests that never failed: median, runs', neverFailed.length);
    out.push(
      ...capped(
        neverFailed,
        rows,
        (entry) => `  ${formatDuration(entry.medianMs).padStart(9)}  ${String(entry.runs).padStart(5)} runs  ${entry.fullName}`,
      ),
    );
  }

  section('Recommendations', report.recommendations.length);
  out.push(
    ...capped(
      report.recommendations,
      rows,
      (entry) => `  ${paint.bold(entry.action.padEnd(20))}  ${entry.message}  ${paint.dim(`[${entry.figure}]`)}`,
    ),
  );
  return `${out.join('\n')}\n`;
}
