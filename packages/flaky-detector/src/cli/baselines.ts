import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { baselinesFileOf, parseBaselinesFile } from '../baselines/baselines-file.js';
import { FlakyError, isFlakyError } from '../errors.js';
import { createHistoryAnalyzer } from '../scoring/analyze-history.js';
import { isPostgresUrl, openHistorySource } from '../store/open-store.js';
import type { Command, CommandIo, CommandValues } from './command.js';
import { startProgress } from './progress.js';

/** Where `baselines import` puts the baselines when `--to` is not given, relative to the working folder. */
export const DEFAULT_BASELINES_PATH = '.flaky-detector/baselines.json';

const USAGE = `  flaky-detector baselines export [--store <file|postgres://...>] [--last <runs>] [--window <n>] [--min-samples <n>] [--out <file>]
  flaky-detector baselines import <file> [--to <file>] [--force]

  export: each test's duration baseline (median and MAD of its last --window passing runs, default
  30, at least --min-samples, default 10) from the history store (default
  .flaky-detector/history.sqlite) as versioned JSON, to --out or standard output. The file is also
  what the test sequencer reads (FLAKY_DETECTOR_DURATIONS).
  import: check a baselines file and copy it to --to (default ${DEFAULT_BASELINES_PATH}); an existing
  target that is not a valid baselines file is left alone unless --force.`;

function usageError(reason: string): FlakyError {
  return new FlakyError('FLAKY_INVALID_CLI_ARGUMENTS', {
    action: 'read the arguments of `flaky-detector baselines`',
    reason,
    fix: `Usage:\n${USAGE}`,
  });
}

function whole(values: CommandValues, name: string, min: number): number | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  const number = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(number) || number < min)
    throw usageError(`--${name} takes a whole number >= ${min}, got ${JSON.stringify(value)}`);
  return number;
}

function text(values: CommandValues, name: string): string | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw usageError(`--${name} needs a value`);
  return value;
}

/** Write `content` to `path` whole or not at all (a temporary file renamed over it). */
function writeWhole(path: string, content: string, action: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, content);
    renameSync(temporary, path);
  } catch (error) {
    throw new FlakyError(
      'FLAKY_INVALID_CLI_ARGUMENTS',
      {
        action,
        reason: `${path} cannot be written (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
        fix: 'Choose a folder you can write to.',
      },
      { cause: error },
    );
  }
}

async function exportBaselines(values: CommandValues, io: CommandIo): Promise<number> {
  const store = text(values, 'store');
  const last = whole(values, 'last', 1);
  const window = whole(values, 'window', 10);
  const minSamples = whole(values, 'min-samples', 10);
  const out = text(values, 'out');
  const analyzer = createHistoryAnalyzer({ durations: { window, minSamples } });
  const source = await openHistorySource(
    store !== undefined && isPostgresUrl(store) ? { url: store, cwd: io.cwd } : { path: store, cwd: io.cwd },
    { readOnly: true },
  );
  try {
    const query = { lastRuns: last };
    const progress = startProgress(io, 'Reading history', await source.countRuns(query), 'runs');
    for await (const { run, attempts } of source.eachRun(query)) {
      analyzer.addRun(run, attempts);
      progress.advance();
    }
    progress.done();
  } finally {
    await source.close();
  }
  const file = baselinesFileOf(analyzer.finish());
  const json = `${JSON.stringify(file, null, 2)}\n`;
  if (out === undefined) io.stdout(json);
  else {
    const path = isAbsolute(out) ? out : resolve(io.cwd, out);
    writeWhole(path, json, 'export the duration baselines');
    io.stderr(`Wrote ${file.baselines.length} baselines to ${path}\n`);
  }
  return 0;
}

function importBaselines(values: CommandValues, positionals: string[], io: CommandIo): number {
  if (positionals.length !== 1) throw usageError(positionals.length === 0 ? 'the file to import is missing' : 'import takes one file');
  const from = resolve(io.cwd, positionals[0]!);
  let content: string;
  try {
    content = readFileSync(from, 'utf8');
  } catch (error) {
    throw new FlakyError(
      'FLAKY_INVALID_BASELINES',
      {
        action: `read the duration baselines in ${from}`,
        reason: `it cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
        fix: 'Check the path.',
      },
      { cause: error },
    );
  }
  const file = parseBaselinesFile(content, from);
  const toOption = text(values, 'to') ?? DEFAULT_BASELINES_PATH;
  const to = isAbsolute(toOption) ? toOption : resolve(io.cwd, toOption);
  if (existsSync(to) && values['force'] !== true) {
    try {
      parseBaselinesFile(readFileSync(to, 'utf8'), to);
    } catch (error) {
      if (!isFlakyError(error)) throw error;
      throw new FlakyError(
        'FLAKY_INVALID_BASELINES',
        {
          action: `import the duration baselines into ${to}`,
          reason: 'that file is there and is not a valid baselines file, so it was left as it is',
          fix: 'Look at it, then remove it or run again with --force to replace it.',
        },
        { cause: error },
      );
    }
  }
  writeWhole(to, `${JSON.stringify(file, null, 2)}\n`, 'import the duration baselines');
  io.stderr(`Imported ${file.baselines.length} baselines into ${to}\n`);
  return 0;
}

/** `flaky-detector baselines export|import`: duration baselines as versioned JSON. */
export const baselinesCommand: Command = {
  name: 'baselines',
  summary: 'Export the duration baselines (median and MAD per test) as JSON, or import and check such a file.',
  usage: USAGE,
  options: {
    store: { type: 'string' },
    last: { type: 'string' },
    window: { type: 'string' },
    'min-samples': { type: 'string' },
    out: { type: 'string' },
    to: { type: 'string' },
    force: { type: 'boolean' },
  },
  async run(values, positionals, io) {
    const [action, ...rest] = positionals;
    if (action === 'export') {
      if (rest.length > 0) throw usageError(`export takes no file argument (got ${JSON.stringify(rest[0])}); use --out`);
      return exportBaselines(values, io);
    }
    if (action === 'import') return importBaselines(values, rest, io);
    throw usageError(action === undefined ? 'say export or import' : `there is no action ${JSON.stringify(action)}: say export or import`);
  },
};
