import { hash } from 'node:crypto';
import { FlakyError } from './errors.js';

/** How one attempt of a test ended. */
export type AttemptStatus = 'passed' | 'failed' | 'skipped' | 'todo';

/**
 * What identifies a run: the code it ran (commit, lockfile), where (Node, OS, CI job and shard)
 * and when. Two runs with the same `commit` and `lockfileHash` ran the same code.
 */
export interface RunKey {
  /** Unique per run (and per shard of a run). */
  runId: string;
  commit?: string | undefined;
  lockfileHash?: string | undefined;
  nodeVersion: string;
  os: string;
  ciJob?: string | undefined;
  /** `2/4` for the second of four shards. */
  shard?: string | undefined;
  /** ISO 8601 start time. */
  startedAt: string;
}

/** One attempt of one test in one run: the unit every score and report is computed from. */
export interface AttemptRecord {
  runId: string;
  /** {@link testIdOf} its file and full name. */
  testId: string;
  /** The test file, relative to the project root, with `/` separators. */
  file: string;
  /** The describe blocks' names and the test's own, joined by spaces. */
  fullName: string;
  /** 1 for the first attempt, 2 for the first retry, ... */
  attempt: number;
  status: AttemptStatus;
  durationMs: number;
  /** {@link errorFingerprint} of the failure, for failed attempts. */
  errorFingerprint?: string | undefined;
  /**
   * The failure's message, for failed attempts: its first lines without the stack (at most 12
   * lines and 1,000 characters), secrets and personal values masked. The store keeps one text per
   * fingerprint (the first it saw), so an attempt read back carries the text of its fingerprint.
   */
  failureMessage?: string | undefined;
  /** The line of the test file where the failure was thrown (from the stack), when the stack names it. */
  failureLine?: number | undefined;
}

/** A run as the store keeps it: its key, when it ended and what it counted. */
export interface RunRecord extends RunKey {
  /** ISO 8601 end time; absent while the run is under way or when it crashed. */
  finishedAt?: string | undefined;
  /** Test totals as Jest reported them (all attempts' last outcome). */
  totals?: { passed: number; failed: number; skipped: number; todo: number } | undefined;
  /** Suite-level errors (a test file that failed to run), which no quarantine hides. */
  suiteErrors?: number | undefined;
  /** Jest's json-summary coverage totals in percent, when coverage was on. */
  coverage?: { lines: number; statements: number; functions: number; branches: number } | undefined;
}

/**
 * Everything the scores, baselines and reports read: runs (oldest first) and every attempt of
 * every test in them. The store returns it; tests and the bench build it by hand.
 */
export interface History {
  runs: RunRecord[];
  attempts: AttemptRecord[];
}

/**
 * A test's id, stable across runs and across renames of other tests: a hash of its file (relative,
 * `/` separators) and its full name, 16 hex digits. Tests that share a full name in one file are
 * told apart by `occurrence`, their place among the tests of that name in the file (1 for the
 * first, which keeps the id it would have alone; 2 for the second, ...).
 *
 * @example
 * testIdOf('src/orders.test.ts', 'orders should total the lines') // 'a1b2c3d4e5f60718'
 * testIdOf('src/orders.test.ts', 'orders should total the lines', 2) // another id, for the second test of that name
 */
export function testIdOf(file: string, fullName: string, occurrence = 1): string {
  const key = `${file.split('\\').join('/')}\u0000${fullName}${occurrence > 1 ? `\u0000${occurrence}` : ''}`;
  return hash('sha256', key, 'hex').slice(0, 16);
}

/**
 * `id` checked as a test id.
 *
 * @example
 * parseTestId('A1B2C3D4E5F60718') // 'a1b2c3d4e5f60718'
 */
export function parseTestId(id: string): string {
  const lower = id.trim().toLowerCase();
  if (!/^[0-9a-f]{16}$/.test(lower)) {
    throw new FlakyError('FLAKY_INVALID_TEST_ID', {
      action: `read the test id ${JSON.stringify(id)}`,
      reason: 'a test id is 16 hexadecimal digits',
      fix: 'Copy the id from a report or from `testIdOf(file, fullName)`.',
    });
  }
  return lower;
}

/** Terminal colour codes Jest puts around parts of a failure message (ESC [ ... m). */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/**
 * A fingerprint of a failure that ignores what changes from run to run (numbers, hex ids, temp paths,
 * line and column positions), so the same failure reads the same in every run.
 *
 * @example
 * errorFingerprint('Expected 3, received 4 at /tmp/x-81/a.ts:10:5') === errorFingerprint('Expected 7, received 9 at /tmp/x-12/a.ts:11:2') // true
 */
export function errorFingerprint(message: string): string {
  const normalised = message
    .split('\n', 3)
    .join('\n')
    .replace(ANSI_COLOUR, '')
    .replace(/\b0x[0-9a-f]+\b|\b[0-9a-f]{8,}\b/gi, '<hex>')
    .replace(/\d+(\.\d+)?/g, '<n>');
  return hash('sha256', normalised, 'hex').slice(0, 12);
}
