import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { firstLine } from '@proving-ground/kit';
import { findJestConfigFiles, jestSettingsFromConfigs, type JestProjectConfig } from '../config/jest-settings.js';
import { contentHash } from '../content-hash.js';
import { ImpactError } from '../errors.js';
import { runGit } from '../git/git-command.js';
import { DEFAULT_MAP_PATH, readImpactMap, writeImpactMap } from '../map/map-file.js';
import { withMapLock } from '../map/map-lock.js';
import { currentVariant } from '../map/run-variant.js';
import type { JestSettings, TestRecord } from '../model.js';
import { DEFAULT_SELECTION_PATH, readSelectionFile } from '../outputs/selection-file.js';
import { findRepositoryRoot } from '../recorder/repository-root.js';
import { channelFileName, FUNCTIONS_VARIABLE, RUN_FOLDER_VARIABLE, type ChannelRecord } from '../recorder/run-channel.js';
import { appendShadowEntry, DEFAULT_SHADOW_LOG } from '../shadow/shadow-log.js';
import { updateMap } from './map-update.js';
import { checkReporterOptions, type ImpactReporterOptions } from './reporter-options.js';
import { isFullRun, type RunScopeConfig } from './run-scope.js';
import { shadowEntry } from './shadow-check.js';

/** The parts of Jest's global config the reporter reads. */
export interface ReporterGlobalConfig extends RunScopeConfig {
  rootDir: string;
  collectCoverage?: boolean;
  coverageProvider?: string;
  testSequencer?: string;
}

/** The parts of one test file's result the reporter reads. */
export interface ReporterTestResult {
  testFilePath: string;
  numFailingTests: number;
  numPassingTests: number;
  numPendingTests?: number;
  numTodoTests?: number;
  skipped?: boolean;
  testExecError?: unknown;
  failureMessage?: string | null;
  perfStats: { start: number; end: number; runtime?: number };
}

/** The parts of the run's results the reporter reads. */
export interface ReporterAggregatedResult {
  testResults: readonly ReporterTestResult[];
}

/** A Jest test context (one per project). */
export interface ReporterTestContext {
  config: JestProjectConfig;
}

function statusOf(result: ReporterTestResult): TestRecord['status'] {
  if (result.testExecError !== undefined && result.testExecError !== null) return 'failed';
  if (result.numFailingTests > 0) return 'failed';
  if (result.numPassingTests === 0 && (result.skipped === true || (result.numPendingTests ?? 0) + (result.numTodoTests ?? 0) > 0))
    return 'skipped';
  return 'passed';
}

/**
 * The Jest reporter of the analyzer: it names a run folder for the recorder (in
 * `IMPACT_ANALYZER_RUN_FOLDER`), and when the run completes merges what each test file loaded and
 * read, with its duration and status, into the map; in shadow mode it also logs what the selection
 * file would have missed.
 *
 * @example
 * // jest.config.js
 * reporters: ['default', ['@proving-ground/impact-analyzer/reporter', { shadow: true }]],
 * setupFilesAfterEnv: ['@proving-ground/impact-analyzer/recorder'],
 */
export class ImpactReporter {
  private readonly options: ImpactReporterOptions;
  private readonly root: string;
  private readonly mapPath: string;
  private readonly folder: string;
  private lastError: Error | undefined;

  constructor(
    private readonly globalConfig: ReporterGlobalConfig,
    options?: ImpactReporterOptions,
  ) {
    this.options = checkReporterOptions(options);
    this.root = findRepositoryRoot(globalConfig.rootDir, existsSync) ?? globalConfig.rootDir;
    this.mapPath = resolve(this.root, this.options.map ?? DEFAULT_MAP_PATH);
    // Named here, before Jest starts its workers (they inherit this process's environment).
    this.folder = join(tmpdir(), `impact-analyzer-run-${process.pid}-${randomBytes(6).toString('hex')}`);
    this.announce();
  }

  /** Checks the map can be read (a corrupt one stops the run, left as it is) and makes the run folder. */
  onRunStart(): void {
    this.lastError = undefined;
    readImpactMap(this.mapPath);
    try {
      mkdirSync(this.folder, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new ImpactError(
        'IMPACT_RUN_FOLDER',
        {
          action: `make the run folder ${this.folder}`,
          reason: firstLine(error),
          fix: `Check that the temporary folder is writable (or set TMPDIR); ${RUN_FOLDER_VARIABLE} must be left to the reporter`,
        },
        { cause: error },
      );
    }
    this.announce();
  }

  /** Merges the run's records into the map, and in shadow mode appends to the shadow log. */
  onRunComplete(contexts: ReadonlySet<ReporterTestContext> | undefined, results: ReporterAggregatedResult): void {
    try {
      this.complete([...(contexts ?? [])], results);
    } catch (error) {
      this.lastError = error instanceof Error ? error : new Error(String(error));
      process.stderr.write(`${this.lastError.message}\n`);
    } finally {
      rmSync(this.folder, { recursive: true, force: true });
    }
  }

  /** The error that fails the run: a corrupt map, or a map or log that could not be written. */
  getLastError(): Error | undefined {
    return this.lastError;
  }

  private announce(): void {
    process.env[RUN_FOLDER_VARIABLE] = this.folder;
    const v8 = this.globalConfig.collectCoverage === true && this.globalConfig.coverageProvider === 'v8';
    if (this.options.functions === true && !v8) process.env[FUNCTIONS_VARIABLE] = '1';
    else delete process.env[FUNCTIONS_VARIABLE];
  }

  private complete(contexts: ReporterTestContext[], results: ReporterAggregatedResult): void {
    const now = new Date().toISOString();
    const head = runGit(['rev-parse', 'HEAD'], this.root);
    const commit = head.ok ? head.stdout.trim() : undefined;
    const records = new Map<string, TestRecord>();
    const failed: string[] = [];
    for (const result of results.testResults) {
      const path = this.relative(result.testFilePath);
      if (path === undefined) continue;
      const record = this.record(result, now, commit);
      records.set(path, record);
      if (record.status === 'failed') failed.push(path);
    }
    const jest = this.jestSettings(contexts);
    const full = isFullRun(this.globalConfig);
    const hashCache = new Map<string, string | undefined>();
    const hash = (file: string): string | undefined => {
      if (!hashCache.has(file)) {
        let value: string | undefined;
        try {
          value = contentHash(readFileSync(join(this.root, file)));
        } catch {
          value = undefined;
        }
        hashCache.set(file, value);
      }
      return hashCache.get(file);
    };
    withMapLock(this.mapPath, () => {
      const previous = readImpactMap(this.mapPath);
      writeImpactMap(this.mapPath, updateMap(previous, { records, full, commit, now, variant: currentVariant(), jest, hash }));
    });
    if (this.options.shadow !== undefined && this.options.shadow !== false) this.shadow(now, commit, results.testResults.length, failed);
  }

  private shadow(at: string, commit: string | undefined, total: number, failed: string[]): void {
    const settings = typeof this.options.shadow === 'object' ? this.options.shadow : {};
    const selectionPath = resolve(this.root, settings.selection ?? DEFAULT_SELECTION_PATH);
    if (!existsSync(selectionPath)) return;
    const entry = shadowEntry(readSelectionFile(selectionPath), { at, commit, total, failed });
    appendShadowEntry(resolve(this.root, settings.log ?? DEFAULT_SHADOW_LOG), entry);
    if (entry.missed.length > 0) {
      process.stderr.write(
        `[impact-analyzer] Warning: the selection would have missed ${entry.missed.length} failing test file${entry.missed.length === 1 ? '' : 's'}: ${entry.missed.join(', ')}\n`,
      );
    }
  }

  private record(result: ReporterTestResult, now: string, commit: string | undefined): TestRecord {
    const channel = this.readChannel(result.testFilePath);
    const record: TestRecord = {
      recordedAt: now,
      durationMs: Math.max(0, result.perfStats.runtime ?? result.perfStats.end - result.perfStats.start),
      status: statusOf(result),
      modules: channel?.modules ?? [],
      reads: channel?.reads ?? [],
      directories: channel?.directories ?? [],
      env: channel?.env ?? [],
      packages: channel?.packages ?? {},
    };
    if (commit !== undefined) record.commit = commit;
    if (channel?.functions !== undefined) record.functions = channel.functions;
    return record;
  }

  private readChannel(testPath: string): ChannelRecord | undefined {
    const path = join(this.folder, channelFileName(testPath));
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      // The test file failed before the recorder could write (it did not load at all).
      return undefined;
    }
    try {
      const record = JSON.parse(text) as ChannelRecord;
      // The recorder made its paths relative to the repository it found: the same, unless a test file is in a nested repository.
      return record.root === this.root ? record : undefined;
    } catch (error) {
      throw new ImpactError(
        'IMPACT_RUN_FOLDER',
        {
          action: `read the recorder's record ${path}`,
          reason: firstLine(error),
          fix: `${RUN_FOLDER_VARIABLE} must be left to the reporter`,
        },
        { cause: error },
      );
    }
  }

  private jestSettings(contexts: ReporterTestContext[]): JestSettings | undefined {
    if (contexts.length === 0) return undefined;
    const settings = jestSettingsFromConfigs(
      contexts.map((context) => context.config),
      this.root,
      this.globalConfig.testSequencer === undefined ? {} : { testSequencer: this.globalConfig.testSequencer },
    );
    return { ...settings, configFiles: findJestConfigFiles(this.root, settings) };
  }

  private relative(absolute: string): string | undefined {
    const path = relative(this.root, absolute);
    if (path.startsWith('..') || isAbsolute(path)) return undefined;
    return path.split(sep).join('/');
  }
}
