import type { FailureSummary, Report } from './report-model.js';
import { formatDuration, formatPercent } from './terminal.js';

/** Where the Markdown goes, which sets its size limit. */
export type MarkdownTarget = 'step-summary' | 'comment';

/** Options of {@link renderMarkdown}. */
export interface MarkdownOptions {
  /**
   * `step-summary` ($GITHUB_STEP_SUMMARY, at most 1 MiB) or `comment` (a pull-request comment, at most
   * 65,536 characters). Default `step-summary`.
   */
  target?: MarkdownTarget | undefined;
  /** A smaller limit in bytes of UTF-8 than the target's own. */
  maxBytes?: number | undefined;
  /** The most rows of each table. Default 20. */
  rows?: number | undefined;
}

/**
 * GitHub's limits: a job summary holds 1 MiB; a comment 65,536 characters (bytes are never fewer than characters).
 *
 * @example
 * Buffer.byteLength(renderMarkdown(report, { target: 'comment' })) <= MARKDOWN_LIMITS.comment // true
 */
export const MARKDOWN_LIMITS: Readonly<Record<MarkdownTarget, number>> = { 'step-summary': 1_048_576, comment: 65_536 };

/**
 * `text` for a Markdown table cell: on one line, with Markdown and HTML markup shown as text.
 *
 * @example
 * markdownCell('a | <b>') // 'a \\| &lt;b&gt;'
 */
export function markdownCell(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~])/g, '\\$1');
}

/** The most characters of a failure message in a table cell (the stored message holds up to 1,000). */
const FAILURE_CELL_CHARACTERS = 200;

/** `file:line` when the failure's line is known. */
function fileAt(file: string, failure: FailureSummary | undefined): string {
  return failure?.line === undefined ? file : `${file}:${failure.line}`;
}

/** A stored failure message on one line, shortened for a cell; its fingerprint when no text was stored. */
function failureCell(failure: FailureSummary | undefined): string {
  if (failure === undefined) return '';
  const text =
    failure.message?.replace(/\s*\n\s*/g, ' ').trim() ?? (failure.fingerprint === undefined ? '' : `fingerprint ${failure.fingerprint}`);
  return text.length > FAILURE_CELL_CHARACTERS ? `${text.slice(0, FAILURE_CELL_CHARACTERS - 1)}…` : text;
}

interface Block {
  /** Heading and table header, written only with at least one row. */
  head: string;
  rows: string[];
  /** Rows the `rows` option left out. */
  more: number;
}

function table(title: string, columns: string[], rows: string[][], limit: number, empty: string): Block {
  const head = `\n### ${title}\n\n| ${columns.join(' | ')} |\n| ${columns.map(() => '---').join(' | ')} |\n`;
  if (rows.length === 0) return { head: `\n### ${title}\n\n${empty}\n`, rows: [], more: 0 };
  return { head, rows: rows.slice(0, limit).map((cells) => `| ${cells.join(' | ')} |\n`), more: Math.max(0, rows.length - limit) };
}

/**
 * The report as GitHub-flavoured Markdown for a job summary or a pull-request comment, kept under
 * the target's size limit: when it would not fit, the remaining rows are left out and a note says
 * how many and where to find them.
 *
 * @example
 * appendFileSync(process.env.GITHUB_STEP_SUMMARY!, renderMarkdown(report, { target: 'step-summary' }));
 */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const target = options.target ?? 'step-summary';
  const limit = Math.min(options.maxBytes ?? Infinity, MARKDOWN_LIMITS[target]);
  const rows = options.rows ?? 20;
  const { totals } = report;
  const last = report.runs[report.runs.length - 1];
  const cell = markdownCell;

  let intro = `## flaky-detector\n\n${totals.runs} runs, ${totals.tests} tests, ${totals.attempts} attempts.`;
  if (last !== undefined) {
    intro += ` Latest run: ${last.passed} passed, ${last.failed} failed, ${last.flaky} passed on retry, ${last.skipped} skipped (pass rate ${formatPercent(last.passRate)}, ${formatDuration(last.durationMs)}).`;
  }
  const points = report.coverage.points;
  if (points.length > 0) intro += ` Line coverage ${points[points.length - 1]!.lines.toFixed(2)}%.`;
  for (const drop of report.coverage.latestDrops) {
    intro += ` **Coverage dropped**: ${drop.metric} ${drop.from.toFixed(2)}% to ${drop.to.toFixed(2)}% (-${drop.drop.toFixed(2)} points).`;
  }
  intro += ` Expected flaky failures per run: ${totals.expectedFlakyFailures.toFixed(2)}; chance of a run without one: ${formatPercent(totals.flakeFreeRunProbability)}.\n`;

  const blocks: Block[] = [
    table(
      'Regressions',
      ['kind', 'test', 'file', 'figures', 'last failure'],
      report.regressions.map((entry) => [
        entry.kind,
        cell(entry.fullName),
        cell(fileAt(entry.file, entry.lastFailure)),
        cell(entry.detail),
        cell(failureCell(entry.lastFailure)),
      ]),
      rows,
      'None.',
    ),
    table(
      'Flaky tests',
      ['score', '95% interval', 'failing runs', 'test', 'file', 'same code', 'quarantined', 'last failure'],
      report.flaky.map((entry) => [
        entry.score.toFixed(3),
        `${entry.interval[0].toFixed(3)} to ${entry.interval[1].toFixed(3)}`,
        `${entry.failures}/${entry.runs}`,
        cell(entry.fullName),
        cell(fileAt(entry.file, entry.lastFailure)),
        entry.sameCode ? 'yes' : 'no',
        entry.quarantined ? 'yes' : 'no',
        cell(failureCell(entry.lastFailure)),
      ]),
      rows,
      'None.',
    ),
    table(
      'Quarantine',
      ['test', 'owner', 'expires', 'reason', 'issue'],
      report.quarantine.map((entry) => [
        cell(entry.fullName ?? entry.testId),
        cell(entry.owner),
        entry.expired ? `**expired** ${cell(entry.expires)}` : `${cell(entry.expires)} (in ${entry.daysLeft} days)`,
        cell(entry.reason),
        cell(entry.issue ?? ''),
      ]),
      rows,
      'No quarantined tests.',
    ),
    table(
      'Recommendations',
      ['action', 'recommendation', 'figure'],
      report.recommendations.map((entry) => [entry.action, cell(entry.message), cell(entry.figure)]),
      rows,
      'None.',
    ),
    table(
      'Test effectiveness',
      ['kind', 'test', 'figure'],
      [
        ...report.effectiveness.caught.map((entry) => ['caught real failures', cell(entry.fullName), `${entry.caught} caught`]),
        ...report.effectiveness.neverFailed.map((entry) => [
          'costly, never failed',
          cell(entry.fullName),
          `${formatDuration(entry.medianMs)} median, ${entry.runs} runs`,
        ]),
      ],
      rows,
      'No test caught a real failure yet, and no costly test went long without failing.',
    ),
    table(
      'Slowest tests',
      ['median', 'share of suite time', 'test', 'file'],
      report.slowest.map((test) => [
        formatDuration(test.medianMs),
        formatPercent(test.shareOfSuiteTime),
        cell(test.fullName),
        cell(test.file),
      ]),
      rows,
      'No timed tests.',
    ),
  ];

  const note = (left: number): string =>
    `\n> Truncated: ${left} more row${left === 1 ? '' : 's'} left out to stay under ${target === 'comment' ? "GitHub's 65,536-character limit for a comment" : "GitHub's 1 MiB limit for a job summary"}${Number.isFinite(options.maxBytes ?? Infinity) ? ` (or --max-bytes ${limit})` : ''}. \`flaky-detector report --format html\` shows everything.\n`;
  const reserve = Buffer.byteLength(note(Number.MAX_SAFE_INTEGER));
  let text = intro;
  let size = Buffer.byteLength(text);
  let left = 0;
  for (const block of blocks) {
    if (left > 0) {
      left += block.rows.length + block.more;
      continue;
    }
    const headSize = Buffer.byteLength(block.head);
    if (size + headSize + reserve > limit) {
      left += block.rows.length + block.more;
      continue;
    }
    text += block.head;
    size += headSize;
    for (let index = 0; index < block.rows.length; index++) {
      const row = block.rows[index]!;
      const rowSize = Buffer.byteLength(row);
      if (size + rowSize + reserve > limit) {
        left += block.rows.length - index;
        break;
      }
      text += row;
      size += rowSize;
    }
    if (block.more > 0) {
      const more = `\n${block.more} more; \`flaky-detector report --format html\` lists them all.\n`;
      if (left === 0 && size + Buffer.byteLength(more) + reserve <= limit) {
        text += more;
        size += Buffer.byteLength(more);
      } else left += block.more;
    }
  }
  return left > 0 ? text + note(left) : text;
}
