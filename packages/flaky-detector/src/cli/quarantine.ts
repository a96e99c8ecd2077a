import { renameSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { FlakyError } from '../errors.js';
import {
  DEFAULT_QUARANTINE_FILE,
  expiredEntries,
  quarantineProblems,
  readQuarantineFile,
  utcDate,
  type QuarantineEntry,
} from '../quarantine/quarantine-file.js';
import { expiredMessage } from '../reporter/run-summary.js';
import { analyzeHistory } from '../scoring/analyze-history.js';
import { DEFAULT_STORE_PATH, isPostgresUrl, openHistoryStore } from '../store/open-store.js';
import type { Command, CommandIo, CommandValues } from './command.js';

const USAGE = `  flaky-detector quarantine list  [--file flaky-quarantine.json]
  flaky-detector quarantine check [--file flaky-quarantine.json]
  flaky-detector quarantine add <testId> --owner <who> --reason <why> --issue <url> --expires <YYYY-MM-DD>
                                [--file flaky-quarantine.json] [--store ${DEFAULT_STORE_PATH} | --url postgres://...]

  list prints the entries, expired ones marked; check exits 1 when the file is invalid or an entry has
  expired (run it before the tests); add appends an entry for a test the history knows, and refuses a
  test the history classes as broken (a regression is fixed, never quarantined).`;

function usageError(reason: string): FlakyError {
  return new FlakyError('FLAKY_INVALID_CLI_ARGUMENTS', {
    action: 'read the arguments of `flaky-detector quarantine`',
    reason,
    fix: `Usage:\n${USAGE}`,
  });
}

function fileOf(values: CommandValues, io: CommandIo): string {
  const file = typeof values['file'] === 'string' ? values['file'] : DEFAULT_QUARANTINE_FILE;
  return isAbsolute(file) ? file : resolve(io.cwd, file);
}

function list(file: string, io: CommandIo): number {
  const { entries } = readQuarantineFile(file, io.cwd, true);
  const today = utcDate(new Date());
  if (entries.length === 0) io.stdout(`${file}: no quarantined test.\n`);
  for (const entry of entries) {
    const state = entry.expires < today ? `EXPIRED ${entry.expires}` : `until ${entry.expires}`;
    io.stdout(`${entry.testId}  ${state}  ${entry.owner}  ${entry.name ?? ''}\n    ${entry.reason} (${entry.issue})\n`);
  }
  return 0;
}

function check(file: string, io: CommandIo): number {
  const quarantine = readQuarantineFile(file, io.cwd, true);
  const expired = expiredEntries(quarantine, new Date());
  if (expired.length === 0) {
    io.stdout(`${file}: ${quarantine.entries.length} entries, none expired.\n`);
    return 0;
  }
  io.stderr(
    `${
      new FlakyError('FLAKY_QUARANTINE_EXPIRED', {
        action: `keep quarantining ${expired.length} test${expired.length === 1 ? '' : 's'} (${file})`,
        reason: `${expired.length === 1 ? 'its entry has' : 'their entries have'} expired`,
        details: expiredMessage(expired),
        fix: 'Fix each test and remove its entry, or renew `expires` with the owner',
      }).message
    }\n`,
  );
  return 1;
}

async function add(file: string, values: CommandValues, positionals: string[], io: CommandIo): Promise<number> {
  const [testId, ...extra] = positionals;
  if (testId === undefined || extra.length > 0)
    throw usageError(testId === undefined ? 'the test id is missing' : `unexpected ${JSON.stringify(extra[0])}`);
  // Flags left out stay out, so the check says "missing" rather than "empty".
  const entry = Object.fromEntries(
    [['testId', testId.toLowerCase()], ...(['owner', 'reason', 'issue', 'expires'] as const).map((flag) => [flag, values[flag]])].filter(
      ([, value]) => value !== undefined,
    ),
  ) as unknown as QuarantineEntry;
  const existing = readQuarantineFile(file, io.cwd);
  const problems = quarantineProblems({ entries: [...existing.entries, entry] }).filter((line) =>
    line.startsWith(`- entries[${existing.entries.length}]`),
  );
  if (problems.length > 0) {
    throw new FlakyError('FLAKY_INVALID_QUARANTINE', {
      action: `add ${testId} to ${file}`,
      reason: `${problems.length} problem${problems.length === 1 ? '' : 's'}`,
      details: problems.map((line) =>
        line.replace(`entries[${existing.entries.length}]`, 'the new entry').replace(/(\w+): missing\.$/, '$1: missing (give --$1)'),
      ),
      fix: 'Give --owner, --reason, --issue (a URL) and --expires (YYYY-MM-DD)',
    });
  }

  const target = typeof values['url'] === 'string' ? values['url'] : typeof values['store'] === 'string' ? values['store'] : undefined;
  const store = await openHistoryStore(target !== undefined && isPostgresUrl(target) ? { url: target } : { path: target, cwd: io.cwd });
  let history;
  try {
    history = await store.history({ lastRuns: 200 });
  } finally {
    await store.close();
  }
  const test = analyzeHistory(history).tests.find((candidate) => candidate.testId === entry.testId);
  const refuse = (reason: string, fix: string): FlakyError =>
    new FlakyError('FLAKY_QUARANTINE_REFUSED', { action: `quarantine the test ${entry.testId}`, reason, fix });
  if (test === undefined) {
    throw refuse(
      `the history in ${store.location} has no test with that id`,
      'Copy the id from a report, or record a run with the reporter first',
    );
  }
  if (test.class === 'broken') {
    throw refuse(
      `"${test.fullName}" (${test.file}) is broken: it ${test.regression === undefined ? 'has never passed' : `has failed every attempt of ${test.regression.failedRuns} runs since it last passed (run ${test.regression.lastPassedRunId})`}`,
      'A broken test is a regression to fix, not a flake to hide; quarantine is for tests that pass and fail on the same code',
    );
  }
  entry.name = `${test.file} › ${test.fullName}`;
  const written = { ...existing, entries: [...existing.entries, { ...entry }] };
  // Written beside the file, then renamed over it: a crash leaves the old file or the new one, never half of one.
  const temporary = join(dirname(file), `.flaky-quarantine-${process.pid}.json`);
  writeFileSync(temporary, `${JSON.stringify(written, null, 2)}\n`);
  renameSync(temporary, file);
  io.stdout(
    `Quarantined ${entry.name} (${entry.testId}) until ${entry.expires}, owner ${entry.owner}, in ${file} (class: ${test.class}).\n`,
  );
  return 0;
}

/** `flaky-detector quarantine list|check|add`. */
export const quarantineCommand: Command = {
  name: 'quarantine',
  summary: 'List, check or add quarantine entries (never for a broken test).',
  usage: USAGE,
  options: {
    file: { type: 'string' },
    owner: { type: 'string' },
    reason: { type: 'string' },
    issue: { type: 'string' },
    expires: { type: 'string' },
    store: { type: 'string' },
    url: { type: 'string' },
  },
  async run(values, positionals, io) {
    const [action, ...rest] = positionals;
    const file = fileOf(values, io);
    if (action === 'list') return list(file, io);
    if (action === 'check') return check(file, io);
    if (action === 'add') return add(file, values, rest, io);
    throw usageError(action === undefined ? 'say list, check or add' : `${JSON.stringify(action)} is none of list, check, add`);
  },
};
