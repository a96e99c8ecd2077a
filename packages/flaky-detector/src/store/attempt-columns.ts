import type { AttemptRecord, RunRecord } from '../model.js';
import { STATUS_CODES, STATUSES } from './record-encoding.js';

/** A test as the columns refer to it. */
export interface TestEntry {
  testId: string;
  file: string;
  fullName: string;
}

/** The stored text of one test's failure with one fingerprint. */
export interface FailureText {
  message?: string | undefined;
  line?: number | undefined;
}

/**
 * What the keys of {@link AttemptColumns} refer to: tests and fingerprints by small integer key
 * (sparse arrays), and the failure texts by test and fingerprint key. One catalog serves every run
 * a source yields, so a reader may keep per-test state in arrays indexed by key for as long as the
 * catalog is the same object.
 */
export interface AttemptCatalog {
  tests: (TestEntry | undefined)[];
  fingerprints: (string | undefined)[];
  /** Failure texts by {@link failureKey} of their test and fingerprint keys. */
  failures: Map<number, FailureText>;
}

/**
 * One run's attempts as parallel typed arrays: no object per attempt, which is what makes reading
 * 10 M attempts fit in a few hundred megabytes. Row `i` is attempt `attempt[i]` of test
 * `catalog.tests[test[i]]`, with status code `status[i]` (`STATUSES[code]`), `durationMs[i]`, and
 * fingerprint key `fingerprint[i]` (-1 for none).
 */
export interface AttemptColumns {
  length: number;
  test: Int32Array;
  attempt: Int32Array;
  status: Uint8Array;
  durationMs: Float64Array;
  fingerprint: Int32Array;
  catalog: AttemptCatalog;
}

/** One run and its attempts as columns, as a store yields them run by run. */
export interface RunColumnsEntry {
  run: RunRecord;
  columns: AttemptColumns;
}

/** Failure keys: a test key times this plus a fingerprint key (both stay far below 2 ** 26 in any real store). */
const FAILURE_KEY_STRIDE = 2 ** 26;

/**
 * The key of a test's failure text with a fingerprint in {@link AttemptCatalog.failures}.
 *
 * @example
 * catalog.failures.get(failureKey(columns.test[row], columns.fingerprint[row]))?.message
 */
export function failureKey(test: number, fingerprint: number): number {
  return test * FAILURE_KEY_STRIDE + fingerprint;
}

/**
 * The stored text of row `row`'s failure, when it has one.
 *
 * @example
 * for (let row = 0; row < columns.length; row++) console.log(failureTextOf(columns, row)?.line);
 */
export function failureTextOf(columns: AttemptColumns, row: number): FailureText | undefined {
  const fingerprint = columns.fingerprint[row]!;
  if (fingerprint < 0) return undefined;
  return columns.catalog.failures.get(failureKey(columns.test[row]!, fingerprint));
}

/**
 * An empty catalog.
 *
 * @example
 * const columns = allocateColumns(10_000, emptyCatalog());
 */
export function emptyCatalog(): AttemptCatalog {
  return { tests: [], fingerprints: [], failures: new Map() };
}

/**
 * Columns with room for `capacity` rows and none filled (`length` 0): fill them row by row.
 *
 * @example
 * const columns = allocateColumns(rows.length, catalog);
 */
export function allocateColumns(capacity: number, catalog: AttemptCatalog): AttemptColumns {
  return {
    length: 0,
    test: new Int32Array(capacity),
    attempt: new Int32Array(capacity),
    status: new Uint8Array(capacity),
    durationMs: new Float64Array(capacity),
    fingerprint: new Int32Array(capacity),
    catalog,
  };
}

/**
 * `columns` with room for at least `capacity` rows (a bigger copy when needed).
 *
 * @example
 * if (columns.length === columns.test.length) columns = growColumns(columns, columns.length * 2);
 */
export function growColumns(columns: AttemptColumns, capacity: number): AttemptColumns {
  if (capacity <= columns.test.length) return columns;
  const bigger = allocateColumns(Math.max(capacity, columns.test.length * 2), columns.catalog);
  bigger.test.set(columns.test);
  bigger.attempt.set(columns.attempt);
  bigger.status.set(columns.status);
  bigger.durationMs.set(columns.durationMs);
  bigger.fingerprint.set(columns.fingerprint);
  bigger.length = columns.length;
  return bigger;
}

/**
 * Turns attempt records into columns with a catalog of its own that lasts as long as the encoder,
 * for readers handed records (a test double store, a `History` in memory). The columns are one
 * buffer reused by every call: read them before the next `encode()` (a builder's `addColumns` does).
 * Reusing it matters next to a large heap: each new typed array counts as external memory, which
 * makes V8 collect the whole heap sooner.
 *
 * @example
 * const encoder = new ColumnEncoder();
 * for (const { run, attempts } of runs) analyzer.addColumns(run, encoder.encode(attempts));
 */
export class ColumnEncoder {
  readonly catalog = emptyCatalog();
  readonly #tests = new Map<string, number>();
  readonly #fingerprints = new Map<string, number>();
  #columns: AttemptColumns | undefined;

  /** `attempts` as columns over this encoder's catalog (valid until the next call). */
  encode(attempts: Iterable<AttemptRecord>): AttemptColumns {
    const size = Array.isArray(attempts) ? (attempts as readonly AttemptRecord[]).length : 1024;
    let columns = growColumns((this.#columns ??= allocateColumns(Math.max(1024, size), this.catalog)), size);
    columns.length = 0;
    for (const attempt of attempts) {
      if (columns.length === columns.test.length) columns = growColumns(columns, columns.length * 2);
      const row = columns.length++;
      let test = this.#tests.get(attempt.testId);
      if (test === undefined) {
        test = this.catalog.tests.length;
        this.catalog.tests.push({ testId: attempt.testId, file: attempt.file, fullName: attempt.fullName });
        this.#tests.set(attempt.testId, test);
      }
      columns.test[row] = test;
      columns.attempt[row] = attempt.attempt;
      columns.status[row] = STATUS_CODES[attempt.status] ?? STATUS_CODES.skipped;
      columns.durationMs[row] = attempt.durationMs;
      let fingerprint = -1;
      if (attempt.errorFingerprint !== undefined) {
        fingerprint = this.#fingerprints.get(attempt.errorFingerprint) ?? -1;
        if (fingerprint < 0) {
          fingerprint = this.catalog.fingerprints.length;
          this.catalog.fingerprints.push(attempt.errorFingerprint);
          this.#fingerprints.set(attempt.errorFingerprint, fingerprint);
        }
        const key = failureKey(test, fingerprint);
        if ((attempt.failureMessage !== undefined || attempt.failureLine !== undefined) && !this.catalog.failures.has(key)) {
          this.catalog.failures.set(key, { message: attempt.failureMessage, line: attempt.failureLine });
        }
      }
      columns.fingerprint[row] = fingerprint;
    }
    this.#columns = columns;
    return columns;
  }
}

/**
 * The rows of `columns` as attempt records of the run `runId`, leaving out tests not in `wanted`
 * (test keys) when it is given.
 *
 * @example
 * for await (const { run, columns } of store.eachRunColumns()) console.log(recordsOf(run.runId, columns).length);
 */
export function recordsOf(runId: string, columns: AttemptColumns, wanted?: ReadonlySet<number>): AttemptRecord[] {
  const records: AttemptRecord[] = [];
  const { tests, fingerprints } = columns.catalog;
  for (let row = 0; row < columns.length; row++) {
    const key = columns.test[row]!;
    if (wanted !== undefined && !wanted.has(key)) continue;
    const entry = tests[key]!;
    const record: AttemptRecord = {
      runId,
      testId: entry.testId,
      file: entry.file,
      fullName: entry.fullName,
      attempt: columns.attempt[row]!,
      status: STATUSES[columns.status[row]!]!,
      durationMs: columns.durationMs[row]!,
    };
    const fingerprint = columns.fingerprint[row]!;
    if (fingerprint >= 0) {
      record.errorFingerprint = fingerprints[fingerprint];
      const text = columns.catalog.failures.get(failureKey(key, fingerprint));
      if (text?.message !== undefined) record.failureMessage = text.message;
      if (text?.line !== undefined) record.failureLine = text.line;
    }
    records.push(record);
  }
  return records;
}

/**
 * A copy of `columns` with arrays of their own, cut to its rows (for columns from a
 * {@link ColumnEncoder}, whose buffer the next call reuses).
 *
 * @example
 * const kept = copyColumns(encoder.encode(attempts));
 */
export function copyColumns(columns: AttemptColumns): AttemptColumns {
  return {
    length: columns.length,
    test: columns.test.slice(0, columns.length),
    attempt: columns.attempt.slice(0, columns.length),
    status: columns.status.slice(0, columns.length),
    durationMs: columns.durationMs.slice(0, columns.length),
    fingerprint: columns.fingerprint.slice(0, columns.length),
    catalog: columns.catalog,
  };
}
