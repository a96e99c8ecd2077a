import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { checks, countProblems, describeOptionValue, firstLine, listOptionProblems, type OptionCheck } from '@proving-ground/kit';
import { FlakyError } from '../errors.js';

/** Where the quarantine file is when the reporter's `quarantineFile` option is left out, relative to Jest's rootDir. */
export const DEFAULT_QUARANTINE_FILE = 'flaky-quarantine.json';

/**
 * One quarantined test: it still runs, but its failures do not fail the run until `expires`.
 *
 * @example
 * { testId: 'a1b2c3d4e5f60718', owner: '@payments', reason: 'times out on busy CI machines',
 *   issue: 'https://github.com/acme/shop/issues/812', expires: '2026-03-31' }
 */
export interface QuarantineEntry {
  /** The test's id ({@link testIdOf} its file and full name), as reports print it. */
  testId: string;
  /** Who fixes it: a person or a team (`@payments`). */
  owner: string;
  /** Why it is quarantined, in a sentence. */
  reason: string;
  /** The issue that tracks the fix (an http or https URL). */
  issue: string;
  /** The last day (UTC, `YYYY-MM-DD`) the entry holds; from the day after, it fails the run. */
  expires: string;
  /** The test's file and name for readers of the file (not used to match: `testId` is). */
  name?: string | undefined;
}

/** The quarantine file: `{ "entries": [...] }`. */
export interface QuarantineFile {
  entries: QuarantineEntry[];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function checkDate(value: unknown): string | undefined {
  const match = typeof value === 'string' ? DATE.exec(value) : null;
  if (match !== null) {
    const date = new Date(`${value as string}T00:00:00Z`);
    if (!Number.isNaN(date.getTime()) && date.toISOString().startsWith(value as string)) return undefined;
  }
  return `expected a date YYYY-MM-DD, got ${describeOptionValue(value)}`;
}

function checkUrl(value: unknown): string | undefined {
  if (typeof value === 'string') {
    try {
      const url = new URL(value);
      if (url.protocol === 'http:' || url.protocol === 'https:') return undefined;
    } catch {
      // Reported below.
    }
  }
  return `expected an http(s) URL of the issue that tracks the fix, got ${describeOptionValue(value)}`;
}

function checkTestId(value: unknown): string | undefined {
  return typeof value === 'string' && /^[0-9a-f]{16}$/.test(value)
    ? undefined
    : `expected a test id (16 lowercase hexadecimal digits, as reports print it), got ${describeOptionValue(value)}`;
}

const ENTRY_CHECKS: Readonly<Record<keyof QuarantineEntry, OptionCheck>> = {
  testId: checkTestId,
  owner: checks.string(),
  reason: checks.string(),
  issue: checkUrl,
  expires: checkDate,
  name: checks.string(),
};

const REQUIRED: readonly (keyof QuarantineEntry)[] = ['testId', 'owner', 'reason', 'issue', 'expires'];

/**
 * Every problem of a parsed quarantine file at once, one line each, naming the entry's index, its
 * test id and the field at fault.
 *
 * @example
 * quarantineProblems({ entries: [{ testId: 'a1b2c3d4e5f60718', owner: '@qa', reason: 'x', issue: 'nope', expires: '2026-01-01' }] })
 * // ['- entries[0] (testId "a1b2c3d4e5f60718"): issue: expected an http(s) URL ...']
 */
export function quarantineProblems(parsed: unknown): string[] {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Array.isArray((parsed as { entries?: unknown }).entries)) {
    return ['- the file must hold an object with an "entries" array: { "entries": [ { "testId": ..., "owner": ..., ... } ] }.'];
  }
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const entries = (parsed as { entries: unknown[] }).entries;
  for (const key of Object.keys(parsed)) {
    if (key !== 'entries' && key !== '$schema') problems.push(`- ${key}: unknown field (the file holds "entries" only).`);
  }
  entries.forEach((entry, index) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`- entries[${index}]: expected an object, got ${describeOptionValue(entry)}.`);
      return;
    }
    const testId = (entry as { testId?: unknown }).testId;
    const label = `entries[${index}] (testId ${typeof testId === 'string' ? JSON.stringify(testId) : 'missing'})`;
    for (const field of REQUIRED) {
      if ((entry as Record<string, unknown>)[field] === undefined) problems.push(`- ${label}: ${field}: missing.`);
    }
    for (const line of listOptionProblems(entry, ENTRY_CHECKS)) {
      problems.push(
        `- ${label}: ${line.slice(2).replace(': unknown option.', ': unknown field.').replace('Known options:', 'Known fields:')}`,
      );
    }
    if (typeof testId === 'string') {
      const first = seen.get(testId);
      if (first !== undefined) problems.push(`- ${label}: testId: the same test as entries[${first}].`);
      else seen.set(testId, index);
    }
  });
  return problems;
}

/**
 * Read and check the quarantine file at `path` (relative to `rootDir`). A missing file is an empty
 * quarantine when `required` is false (the default file name), an error otherwise.
 *
 * @throws FlakyError `FLAKY_INVALID_QUARANTINE` listing every problem (entry index, test id, field)
 * @example
 * const { entries } = readQuarantineFile('flaky-quarantine.json', '/repo');
 */
export function readQuarantineFile(path: string, rootDir: string, required = false): QuarantineFile {
  const file = isAbsolute(path) ? path : resolve(rootDir, path);
  if (!existsSync(file)) {
    if (!required) return { entries: [] };
    throw new FlakyError('FLAKY_INVALID_QUARANTINE', {
      action: `read the quarantine file ${file}`,
      reason: 'there is no such file',
      fix: `Create it with { "entries": [] }, or fix the reporter's \`quarantineFile\` option`,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new FlakyError(
      'FLAKY_INVALID_QUARANTINE',
      { action: `read the quarantine file ${file}`, reason: `it is not JSON (${firstLine(error)})`, fix: 'Fix the JSON syntax' },
      { cause: error },
    );
  }
  const problems = quarantineProblems(parsed);
  if (problems.length > 0) {
    throw new FlakyError('FLAKY_INVALID_QUARANTINE', {
      action: `read the quarantine file ${file}`,
      reason: countProblems(problems),
      details: problems,
      fix: 'Each entry needs testId (from a report), owner, reason, issue (a URL) and expires (YYYY-MM-DD)',
    });
  }
  return parsed as QuarantineFile;
}

/** Today's date in UTC as `YYYY-MM-DD`. */
export function utcDate(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/**
 * The entries of `file` past their `expires` day on `now` (UTC), which fail the run.
 *
 * @example
 * expiredEntries(readQuarantineFile('flaky-quarantine.json', rootDir), new Date())
 */
export function expiredEntries(file: QuarantineFile, now: Date): QuarantineEntry[] {
  const today = utcDate(now);
  return file.entries.filter((entry) => entry.expires < today);
}

/**
 * The entries that still hold on `now`, by test id: these tests' failures do not fail the run.
 *
 * @example
 * activeQuarantine(file, new Date()).has(testId)
 */
export function activeQuarantine(file: QuarantineFile, now: Date): Map<string, QuarantineEntry> {
  const today = utcDate(now);
  return new Map(file.entries.filter((entry) => entry.expires >= today).map((entry) => [entry.testId, entry]));
}
