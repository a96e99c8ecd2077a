import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { checks, countProblems, firstLine, listOptionProblems } from '@proving-ground/kit';
import { FlakyError } from '../errors.js';
import type { AttemptRecord, RunRecord } from '../model.js';
import { DEFAULT_QUARANTINE_FILE, readQuarantineFile } from '../quarantine/quarantine-file.js';
import { assembleReport } from '../report/build-report.js';
import { renderGithubAnnotations } from '../report/github.js';
import { createHistoryDigest } from '../report/history-digest.js';
import { renderHtml } from '../report/html/dashboard.js';
import { renderJson } from '../report/json.js';
import { renderJunit } from '../report/junit.js';
import { renderMarkdown, type MarkdownTarget } from '../report/markdown.js';
import { renderTerminal } from '../report/terminal.js';
import { createHistoryAnalyzer } from '../scoring/analyze-history.js';
import { recordsOf } from '../store/attempt-columns.js';
import { isPostgresUrl, openHistorySource } from '../store/open-store.js';
import type { Command, CommandIo, CommandValues } from './command.js';
import { startProgress } from './progress.js';

/** The formats `flaky-detector report --format` writes. */
export const REPORT_FORMATS = ['terminal', 'json', 'junit', 'markdown', 'github', 'html'] as const;

/** One of {@link REPORT_FORMATS}. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** A progress bar is drawn (on a terminal) from this many runs on. */
const PROGRESS_FROM_RUNS = 50;

const USAGE = `  flaky-detector report [--format terminal|json|junit|markdown|github|html] [--out <file>]
                        [--store <file> | --url postgres://...] [--last <N>] [--quarantine <file>]
                        [--run <runId>] [--target step-summary|comment]

  Reads the history and its scores and writes a report: a terminal summary (the default), JSON,
  JUnit XML of one run keeping its retried failures (--run, default the latest), Markdown for a
  job summary or a pull-request comment (--target), GitHub Actions annotations, or a self-contained
  HTML dashboard. --out writes to a file and prints its path; otherwise the report goes to stdout.
  --store defaults to .flaky-detector/history.sqlite, --quarantine to ${DEFAULT_QUARANTINE_FILE}.`;

interface ReportArguments {
  format: ReportFormat;
  out: string | undefined;
  store: string | undefined;
  url: string | undefined;
  last: number | undefined;
  quarantine: string | undefined;
  run: string | undefined;
  target: MarkdownTarget;
}

/** The flags checked together: every problem at once, naming each flag. */
function readArguments(values: CommandValues, positionals: readonly string[]): ReportArguments {
  const text = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const last = text('last');
  const given = {
    format: text('format'),
    out: text('out'),
    store: text('store'),
    url: text('url'),
    last: last === undefined ? undefined : /^\d+$/.test(last) ? Number(last) : last,
    quarantine: text('quarantine'),
    run: text('run'),
    target: text('target'),
  };
  const problems = listOptionProblems(given, {
    format: checks.oneOf(REPORT_FORMATS),
    out: checks.string(),
    store: checks.string(),
    url: (value) => (typeof value === 'string' && isPostgresUrl(value) ? undefined : 'expected a postgres:// or postgresql:// URL'),
    last: checks.integer(1),
    quarantine: checks.string(),
    run: checks.string(),
    target: checks.oneOf(['step-summary', 'comment']),
  }).map((problem) => problem.replace(/^- (\w+):/, '- --$1:'));
  if (given.store !== undefined && given.url !== undefined) problems.push('- --store and --url: give one of them, not both.');
  if (positionals.length > 0)
    problems.push(`- ${positionals.map((positional) => JSON.stringify(positional)).join(', ')}: report takes no positional arguments.`);
  if (problems.length > 0) {
    throw new FlakyError('FLAKY_INVALID_CLI_ARGUMENTS', {
      action: 'read the arguments of `flaky-detector report`',
      reason: countProblems(problems),
      details: problems,
      fix: `Usage:\n${USAGE}`,
    });
  }
  return {
    format: (given.format ?? 'terminal') as ReportFormat,
    out: given.out,
    store: given.store,
    url: given.url,
    last: given.last as number | undefined,
    quarantine: given.quarantine,
    run: given.run,
    target: (given.target ?? 'step-summary') as MarkdownTarget,
  };
}

/** Whether the terminal format gets colour: NO_COLOR and FORCE_COLOR first, then whether stdout is a terminal. */
function wantsColour(io: CommandIo, toFile: boolean): boolean {
  if (toFile) return false;
  if (io.env['NO_COLOR'] !== undefined && io.env['NO_COLOR'] !== '') return false;
  if (io.env['FORCE_COLOR'] !== undefined && io.env['FORCE_COLOR'] !== '0') return true;
  return io.stdoutIsTTY === true;
}

function writeReport(path: string, text: string, format: ReportFormat): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (error) {
    throw new FlakyError(
      'FLAKY_REPORT_WRITE_FAILED',
      { action: `write the ${format} report to ${path}`, reason: firstLine(error), fix: 'Pass --out a path in a folder you can write to' },
      { cause: error },
    );
  }
}

/** `flaky-detector report`: the history and its scores in one of six formats. */
export const reportCommand: Command = {
  name: 'report',
  summary: 'Report on the history: terminal summary, JSON, JUnit XML with retries, Markdown, GitHub annotations or an HTML dashboard.',
  usage: USAGE,
  options: {
    format: { type: 'string', short: 'f' },
    out: { type: 'string', short: 'o' },
    store: { type: 'string' },
    url: { type: 'string' },
    last: { type: 'string' },
    quarantine: { type: 'string' },
    run: { type: 'string' },
    target: { type: 'string' },
  },
  async run(values, positionals, io) {
    const args = readArguments(values, positionals);
    const quarantine = readQuarantineFile(args.quarantine ?? DEFAULT_QUARANTINE_FILE, io.cwd, args.quarantine !== undefined);
    // No full quick check before reading (it reads the whole file: a second or two for 10 M
    // attempts); damage met while reading is still reported as FLAKY_CORRUPT_STORE.
    const source = await openHistorySource(
      args.url === undefined ? { path: args.store, cwd: io.cwd, quickCheck: false } : { url: args.url, cwd: io.cwd },
      { readOnly: true },
    );
    const digest = createHistoryDigest();
    const analyzer = createHistoryAnalyzer();
    let junitRun: { runs: RunRecord[]; attempts: AttemptRecord[] } | undefined;
    try {
      const query = { lastRuns: args.last };
      const total = await source.countRuns(query);
      const progress = io.isTTY && total >= PROGRESS_FROM_RUNS ? startProgress(io, 'Reading history', total, 'runs') : undefined;
      // Columns, not records: 10 M attempt objects would take over a gigabyte.
      for await (const { run, columns } of source.eachRunColumns(query)) {
        digest.addColumns(run, columns);
        analyzer.addColumns(run, columns);
        if (args.format === 'junit' && (args.run === undefined || args.run === run.runId)) {
          junitRun = { runs: [run], attempts: recordsOf(run.runId, columns) };
        }
        progress?.advance();
      }
      progress?.done();
    } finally {
      await source.close();
    }

    const report = assembleReport(digest.finish(), analyzer.finish(), { quarantine: quarantine.entries });
    let text: string;
    switch (args.format) {
      case 'json':
        text = renderJson(report);
        break;
      case 'junit':
        text = renderJunit(junitRun ?? { runs: [], attempts: [] }, { runId: args.run });
        break;
      case 'markdown':
        text = renderMarkdown(report, { target: args.target });
        break;
      case 'github':
        text = renderGithubAnnotations(report);
        break;
      case 'html':
        text = renderHtml(report);
        break;
      default:
        text = renderTerminal(report, { colour: wantsColour(io, args.out !== undefined) });
    }
    if (args.out === undefined) {
      io.stdout(text);
      return 0;
    }
    const path = isAbsolute(args.out) ? args.out : resolve(io.cwd, args.out);
    writeReport(path, text, args.format);
    io.stdout(`${path}\n`);
    return 0;
  },
};
