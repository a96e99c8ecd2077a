import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { firstLine } from '@proving-ground/kit';
import { FlakyError } from '../errors.js';
import type { RunKey, RunRecord } from '../model.js';
import {
  activeQuarantine,
  DEFAULT_QUARANTINE_FILE,
  expiredEntries,
  readQuarantineFile,
  type QuarantineEntry,
  type QuarantineFile,
} from '../quarantine/quarantine-file.js';
import { knownFlakyInStore } from '../reruns/known-tests.js';
import { DEFAULT_EARLY_RUNS } from '../reruns/rerun-policy.js';
import type { HistorySource } from '../store/history-source.js';
import { isPostgresUrl, openHistorySource } from '../store/open-store.js';
import { assembleAttempts, type JestTestCase } from './attempt-assembly.js';
import { changedFilesSince } from './changed-files.js';
import { hasJsonSummaryReporter, readCoverageSummary } from './coverage-summary.js';
import { checkReporterOptions, type FlakyReporterOptions } from './reporter-options.js';
import { runKeyFor } from './run-key.js';
import { expiredMessage, formatRunSummary, type RunSummary } from './run-summary.js';
import {
  removeRunFolder,
  RUN_FOLDER_VARIABLE,
  takeChannelAttempts,
  writeRunFolder,
  type ChannelAttempt,
  type RunConfig,
} from './run-folder.js';

/** What a run start reads from the history. */
interface KnownTests {
  flaky: string[];
  /** Every test the history has recorded, by file: the others are new. */
  byFile: ReadonlyMap<string, readonly string[]>;
}

/** The part of Jest's global config the reporter reads. */
export interface ReporterGlobalConfig {
  rootDir: string;
  shard?: { shardIndex: number; shardCount: number } | null | undefined;
  collectCoverage?: boolean | undefined;
  coverageDirectory?: string | undefined;
  coverageReporters?: readonly unknown[] | undefined;
}

/** The part of a Jest test (`Test`) the reporter reads. */
export interface ReporterTest {
  path: string;
}

/** The part of Jest's per-file result (`TestResult`) the reporter reads. */
export interface ReporterTestResult {
  testFilePath: string;
  testResults: JestTestCase[];
  testExecError?: unknown;
}

/** The part of Jest's aggregated results the reporter reads. */
export interface ReporterAggregatedResult {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numRuntimeErrorTestSuites: number;
}

/** Recent runs searched at each run start for known-flaky tests (only the tests that failed in them are read). */
export const DEFAULT_HISTORY_RUNS = 20;

/** The environment variable that names a PostgreSQL store when the `store` option is left out. */
export const DATABASE_URL_VARIABLE = 'FLAKY_DETECTOR_DATABASE_URL';

/**
 * The flaky detector's Jest reporter: records every attempt of every test, and the run, in the
 * history store (one batch per test file); prints quarantined failures, retries and early-detection
 * verdicts; fails the run on expired quarantine entries. With the setup file
 * (`@proving-ground/flaky-detector/setup` in `setupFilesAfterEnv`), it also hands the worker the
 * quarantine, the known-flaky tests to retry and the known tests (to run new ones several times).
 *
 * @example
 * // jest.config.js
 * export default {
 *   reporters: ['default', ['@proving-ground/flaky-detector/reporter', { store: '.flaky-detector/history.sqlite' }]],
 *   setupFilesAfterEnv: ['@proving-ground/flaky-detector/setup'],
 * };
 */
export class FlakyDetectorReporter {
  private readonly options: FlakyReporterOptions;
  private readonly rootDir: string;
  private readonly quarantine: QuarantineFile;
  private readonly quarantinePath: string;
  private readonly expired: QuarantineEntry[];
  private readonly folder: string;
  private store: HistorySource | undefined;
  private key: RunKey | undefined;
  private config: RunConfig | undefined;
  private lastError: Error | undefined;
  /** onTestCaseResult's reports (one per attempt) by test file, until the file's result arrives. */
  private readonly cases = new Map<string, JestTestCase[]>();
  private channel: ChannelAttempt[] = [];
  private recordedAttempts = 0;
  private recordedTests = new Set<string>();
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly globalConfig: ReporterGlobalConfig,
    options?: FlakyReporterOptions,
  ) {
    this.options = checkReporterOptions(options);
    this.rootDir = globalConfig.rootDir;
    const now = new Date();
    this.quarantinePath = this.options.quarantineFile ?? DEFAULT_QUARANTINE_FILE;
    this.quarantine = readQuarantineFile(this.quarantinePath, this.rootDir, this.options.quarantineFile !== undefined);
    this.expired = expiredEntries(this.quarantine, now);
    // Named here, before Jest starts its workers (they inherit this process's environment); made at
    // run start, so a Jest that stops before running anything leaves nothing behind.
    this.folder = join(tmpdir(), `flaky-detector-run-${process.pid}-${randomBytes(6).toString('hex')}`);
    process.env[RUN_FOLDER_VARIABLE] = this.folder;
  }

  /** Opens the store, records the run's start and writes what the workers need to the run folder. */
  async onRunStart(): Promise<void> {
    process.env[RUN_FOLDER_VARIABLE] = this.folder;
    // In watch mode one reporter sees many runs: each starts afresh.
    this.channel = [];
    this.recordedAttempts = 0;
    this.recordedTests = new Set();
    this.cases.clear();
    try {
      await this.startRun();
    } catch (error) {
      removeRunFolder(this.folder);
      throw error;
    }
    if (this.expired.length > 0 && this.options.silent !== true) process.stderr.write(`${this.expiredError().message}\n`);
  }

  private async startRun(): Promise<void> {
    const key = runKeyFor({
      rootDir: this.rootDir,
      env: process.env,
      shard: this.globalConfig.shard ?? undefined,
      runId: this.options.runId,
      ciJob: this.options.ciJob,
    });
    this.key = key;
    this.store = await this.openStore();
    await this.store.recordRun(key);
    const known = await this.readKnownTests();
    this.config = this.runConfig(key, known);
    writeRunFolder(this.folder, this.config, known.byFile);
  }

  private async openStore(): Promise<HistorySource> {
    const target = this.options.store ?? process.env[DATABASE_URL_VARIABLE];
    if (target !== undefined && target !== '' && isPostgresUrl(target)) return openHistorySource({ url: target, cwd: this.rootDir });
    // No full quick check at every run start (about a second for 10 M attempts): damage met while
    // reading or writing is still reported as FLAKY_CORRUPT_STORE, and the file is never overwritten.
    return openHistorySource({ path: target === '' ? undefined : target, cwd: this.rootDir, quickCheck: false });
  }

  /**
   * What the run needs from the recent history: the known-flaky tests (to retry) and the tests each
   * file had (new ones run several times). The store digests the window itself; only the failing
   * tests' attempts are read and scored.
   */
  private async readKnownTests(): Promise<KnownTests> {
    const retries = this.options.retries;
    const wantsFlaky = retries !== false && retries?.knownFlaky !== false;
    const wantsKnown = this.options.earlyDetection !== false;
    if (!wantsFlaky && !wantsKnown) return { flaky: [], byFile: new Map() };
    const lastRuns = this.options.historyRuns ?? DEFAULT_HISTORY_RUNS;
    const digest = await this.store!.runStartDigest({ lastRuns, knownTests: wantsKnown });
    return {
      flaky: wantsFlaky ? await knownFlakyInStore(this.store!, lastRuns, digest.failing) : [],
      byFile: digest.knownByFile ?? new Map(),
    };
  }

  private runConfig(key: RunKey, known: KnownTests): RunConfig {
    const retries = this.options.retries === false ? { maxRetries: 0, budget: 0 } : (this.options.retries ?? {});
    const early = this.options.earlyDetection === false ? undefined : (this.options.earlyDetection ?? {});
    const pattern = typeof retries.errorPattern === 'string' ? new RegExp(retries.errorPattern) : retries.errorPattern;
    const knownFlaky = new Set([...(retries.tests ?? []), ...known.flaky]);
    return {
      version: 1,
      runId: key.runId,
      rootDir: this.rootDir,
      quarantine: Object.fromEntries(
        [...activeQuarantine(this.quarantine, new Date())].map(([id, entry]) => [
          id,
          { owner: entry.owner, reason: entry.reason, issue: entry.issue, expires: entry.expires },
        ]),
      ),
      reruns: {
        knownFlaky: [...knownFlaky],
        errorPattern: pattern === undefined ? undefined : { source: pattern.source, flags: pattern.flags.replace(/[gy]/g, '') },
        maxRetries: retries.maxRetries ?? 2,
        budget: retries.budget ?? 20,
        initialDelayMs: retries.initialDelayMs ?? 100,
        factor: retries.factor ?? 2,
        maxDelayMs: retries.maxDelayMs ?? 2000,
        seed: retries.seed ?? createHash('sha256').update(key.runId).digest().readUInt32BE(0),
      },
      earlyDetection: {
        // With no test recorded yet every test would be new: early detection starts once there is a history.
        enabled: early !== undefined && known.byFile.size > 0,
        changedFiles: early?.changedSince === undefined ? [] : changedFilesSince(early.changedSince, this.rootDir),
        budgetMs: early?.budgetMs ?? 30_000,
        runs: early?.runs ?? [...DEFAULT_EARLY_RUNS],
      },
    };
  }

  /** Jest calls this once per attempt (its retries included). */
  onTestCaseResult(test: ReporterTest, testCase: JestTestCase): void {
    let cases = this.cases.get(test.path);
    if (cases === undefined) this.cases.set(test.path, (cases = []));
    cases.push(testCase);
  }

  /** Records the attempts of one test file, in one batch. */
  onTestFileResult(test: ReporterTest, result: ReporterTestResult): Promise<void> {
    const cases = this.cases.get(test.path) ?? [];
    this.cases.delete(test.path);
    const channel = takeChannelAttempts(this.folder, test.path);
    if (channel !== undefined) this.channel.push(...channel);
    const records = assembleAttempts({
      runId: this.key!.runId,
      file: relative(this.rootDir, result.testFilePath).split(sep).join('/'),
      finals: result.testResults,
      cases,
      channel,
    });
    if (records.length === 0) return Promise.resolve();
    this.recordedAttempts += records.length;
    for (const record of records) this.recordedTests.add(record.testId);
    this.writes = this.writes.then(() => this.store!.recordAttempts(records)).catch((error: unknown) => this.storeFailed(error));
    return this.writes;
  }

  private storeFailed(error: unknown): void {
    this.lastError ??= new FlakyError(
      'FLAKY_STORE_UNREACHABLE',
      { action: `record the attempts of run ${this.key?.runId ?? ''} in ${this.store?.location ?? 'the store'}`, reason: firstLine(error) },
      { cause: error },
    );
  }

  /** Records the run's end (totals, suite errors, coverage), prints the summary, closes the store. */
  async onRunComplete(_contexts: unknown, results: ReporterAggregatedResult): Promise<void> {
    await this.writes;
    const run: RunRecord = {
      ...this.key!,
      finishedAt: new Date().toISOString(),
      totals: {
        passed: results.numPassedTests,
        failed: results.numFailedTests,
        skipped: results.numPendingTests,
        todo: results.numTodoTests,
      },
      suiteErrors: results.numRuntimeErrorTestSuites,
    };
    try {
      await this.store!.recordRun(run);
    } catch (error) {
      this.storeFailed(error);
    }
    if (this.options.silent !== true) process.stderr.write(formatRunSummary(this.summary()));
    if (this.lastError !== undefined) process.stderr.write(`${this.lastError.message}\n`);
    if (this.expired.length > 0) {
      this.lastError ??= this.expiredError();
      process.stderr.write(`${this.expiredError().message}\n`);
    }
    removeRunFolder(this.folder);
    const coverageDirectory = this.globalConfig.coverageDirectory;
    if (
      this.globalConfig.collectCoverage === true &&
      coverageDirectory !== undefined &&
      hasJsonSummaryReporter(this.globalConfig.coverageReporters)
    ) {
      // Jest's coverage reporter runs after every custom reporter's onRunComplete: its summary is
      // on disk only once the process is about to exit.
      process.once('beforeExit', () => void this.recordCoverage(run, coverageDirectory));
      return;
    }
    await this.store!.close();
  }

  private async recordCoverage(run: RunRecord, coverageDirectory: string): Promise<void> {
    try {
      const coverage = readCoverageSummary(coverageDirectory, new Date(run.startedAt));
      if (coverage !== undefined) await this.store!.recordRun({ ...run, coverage });
    } finally {
      await this.store!.close();
    }
  }

  /** The error that fails the run: expired quarantine entries, or history that could not be written. */
  getLastError(): Error | undefined {
    return this.lastError;
  }

  private expiredError(): FlakyError {
    return new FlakyError('FLAKY_QUARANTINE_EXPIRED', {
      action: `keep quarantining ${this.expired.length} test${this.expired.length === 1 ? '' : 's'} (${this.quarantinePath})`,
      reason: `${this.expired.length === 1 ? 'its entry has' : 'their entries have'} expired, so the run fails`,
      details: expiredMessage(this.expired),
      fix: 'Fix each test and remove its entry, or renew `expires` with the owner (their failures count again from now on)',
    });
  }

  private summary(): RunSummary {
    const quarantine = this.config?.quarantine ?? {};
    const byTest = new Map<string, ChannelAttempt[]>();
    for (const attempt of this.channel) {
      const key = `${attempt.file}\u0000${attempt.fullName}`;
      const list = byTest.get(key);
      if (list === undefined) byTest.set(key, [attempt]);
      else list.push(attempt);
    }
    return {
      runId: this.key?.runId ?? '',
      storeLocation: this.store?.location ?? '',
      attempts: this.recordedAttempts,
      tests: this.recordedTests.size,
      quarantined: this.channel
        .filter((attempt) => attempt.quarantined === true && quarantine[attempt.testId] !== undefined)
        .map((attempt) => ({ attempt, entry: quarantine[attempt.testId]! })),
      retried: [...byTest.values()].filter((attempts) => attempts.some((attempt) => attempt.cause === 'retry')),
      early: this.channel.filter((attempt) => attempt.earlyDetection !== undefined && attempt.earlyDetection.runs > 1),
      seed: this.config?.reruns.seed ?? 0,
    };
  }
}
