import { isAbsolute, resolve } from 'node:path';
import { FlakyError } from '../errors.js';
import type { HistorySource } from '../store/history-source.js';
import type { HistoryStoreOptions } from '../store/history-store.js';
import { isPostgresUrl, openHistorySource } from '../store/open-store.js';
import type { Command, CommandIo } from './command.js';
import { startProgress } from './progress.js';

/** Attempts written to the target per transaction. */
const BATCH = 5_000;

const USAGE = `  flaky-detector merge --into <target> <source> [more sources...]

  Copies every run and attempt of the source stores (shard artifacts) into the target, each exactly
  once: merging the same source again adds nothing. Stores are SQLite files or postgres:// URLs; the
  target is created when missing. Sources are only read.`;

/** The store options for `target` as typed on the command line: a PostgreSQL URL, or a file relative to the working folder. */
function storeOptions(target: string, cwd: string): HistoryStoreOptions {
  return isPostgresUrl(target) ? { url: target } : { path: isAbsolute(target) ? target : resolve(cwd, target) };
}

function usageError(reason: string): FlakyError {
  return new FlakyError('FLAKY_INVALID_CLI_ARGUMENTS', {
    action: 'read the arguments of `flaky-detector merge`',
    reason,
    fix: `Usage:\n${USAGE}`,
  });
}

/** Open every source read-only; on any failure nothing else is opened, and every failing source is named. */
async function openSources(sources: readonly string[], io: CommandIo): Promise<HistorySource[]> {
  const opened: HistorySource[] = [];
  const failures: unknown[] = [];
  for (const source of sources) {
    try {
      opened.push(await openHistorySource(storeOptions(source, io.cwd), { readOnly: true }));
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length === 0) return opened;
  await Promise.all(opened.map((store) => store.close()));
  for (const failure of failures.slice(0, -1)) io.stderr(`${failure instanceof Error ? failure.message : String(failure)}\n`);
  throw failures.at(-1);
}

/** `flaky-detector merge`: shard stores into one. */
export const mergeCommand: Command = {
  name: 'merge',
  summary: 'Merge shard history stores (SQLite files or PostgreSQL URLs) into one, each attempt exactly once.',
  usage: USAGE,
  options: { into: { type: 'string' } },
  async run(values, positionals, io) {
    const into = values['into'];
    if (typeof into !== 'string' || into === '') throw usageError('--into <target> is missing');
    if (positionals.length === 0) throw usageError('no source store is given');
    const target = storeOptions(into, io.cwd);
    for (const source of positionals) {
      const options = storeOptions(source, io.cwd);
      if ((options.path ?? options.url) === (target.path ?? target.url)) {
        throw usageError(`the source ${JSON.stringify(source)} is the target itself`);
      }
    }

    const sources = await openSources(positionals, io);
    let store: HistorySource | undefined;
    try {
      const counts = await Promise.all(sources.map((source) => source.countRuns()));
      store = await openHistorySource(target);
      const progress = startProgress(
        io,
        'Merging',
        counts.reduce((sum, count) => sum + count, 0),
        'runs',
      );
      let runs = 0;
      let read = 0;
      let added = 0;
      for (const source of sources) {
        for await (const { run, attempts } of source.eachRun()) {
          await store.recordRun(run);
          for (let start = 0; start < attempts.length; start += BATCH) {
            added += await store.writeAttempts(attempts.slice(start, start + BATCH));
          }
          runs += 1;
          read += attempts.length;
          progress.advance();
        }
      }
      progress.done();
      const plural = (count: number, noun: string): string => `${count.toLocaleString('en')} ${noun}${count === 1 ? '' : 's'}`;
      io.stdout(
        `Merged ${plural(sources.length, 'store')} into ${store.location}: ${plural(runs, 'run')}, ${plural(read, 'attempt')} read, ${added.toLocaleString('en')} new.\n`,
      );
      return 0;
    } finally {
      await Promise.all([...sources, ...(store === undefined ? [] : [store])].map((opened) => opened.close()));
    }
  },
};
