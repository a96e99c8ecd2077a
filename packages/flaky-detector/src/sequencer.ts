/**
 * `@proving-ground/flaky-detector/sequencer`: a Jest `testSequencer` whose `shard()` splits test
 * files into shards by their recorded duration (longest first, each to the least loaded shard)
 * instead of Jest's hash of their paths.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import {
  INSTALL_JEST_SEQUENCER,
  checks,
  countProblems,
  listOptionProblems,
  loadJestSequencer,
  type OptionCheck,
} from '@proving-ground/kit';
import { parseBaselinesFile } from './baselines/baselines-file.js';
import { FlakyError } from './errors.js';
import { fileDurationsOfBaselines, fileDurationsOfHistory } from './sequencer/file-durations.js';
import { estimateDurations, partitionByDuration } from './sequencer/shard-partition.js';
import { DEFAULT_STORE_PATH, isPostgresUrl, openHistoryStore } from './store/open-store.js';

/** The variable naming a durations JSON file (`flaky-detector baselines export`), relative to rootDir. */
export const DURATIONS_VARIABLE = 'FLAKY_DETECTOR_DURATIONS';
/** The variable naming a PostgreSQL store, as for the reporter. */
const DATABASE_URL_VARIABLE = 'FLAKY_DETECTOR_DATABASE_URL';

/** Where {@link durationSequencer} reads durations from. */
export interface DurationSequencerOptions {
  /**
   * A durations JSON file written by `flaky-detector baselines export`, relative to rootDir. Default
   * the variable `FLAKY_DETECTOR_DURATIONS`; without either, the store is read.
   */
  durations?: string | undefined;
  /**
   * The history store: a SQLite file relative to rootDir, or a `postgres://` URL. Default the
   * variable `FLAKY_DETECTOR_DATABASE_URL`, else `.flaky-detector/history.sqlite` when it exists.
   */
  store?: string | undefined;
  /** How many recent runs of the store are read. Default 30. */
  historyRuns?: number | undefined;
}

/** The parts of Jest's `Test` the sequencer reads. */
export interface SequencedTest {
  path: string;
  context: { config: { rootDir: string; id?: string } };
}

/** Jest's `--shard=i/n`. */
export interface ShardOptions {
  shardIndex: number;
  shardCount: number;
}

/** The parts of Jest's default sequencer this one extends. */
export interface JestSequencer<T extends SequencedTest = SequencedTest> {
  shard(tests: T[], options: ShardOptions): T[] | Promise<T[]>;
  sort(tests: T[]): T[] | Promise<T[]>;
}

/** A Jest sequencer class, as Jest constructs it. */
export type JestSequencerClass = new (options: { contexts: readonly unknown[]; globalConfig: { rootDir: string } }) => JestSequencer;

const OPTION_CHECKS: Record<keyof DurationSequencerOptions, OptionCheck> = {
  durations: checks.string(),
  store: checks.string(),
  historyRuns: checks.integer(1),
};

function loadBaseSequencer(): JestSequencerClass {
  return loadJestSequencer<JestSequencerClass>(
    (cause) =>
      new FlakyError(
        'FLAKY_INVALID_SEQUENCER_OPTIONS',
        {
          action: 'load the duration-aware test sequencer',
          reason: "Jest's default sequencer, @jest/test-sequencer, is not installed where the project can load it",
          fix: INSTALL_JEST_SEQUENCER,
        },
        { cause },
      ),
  );
}

function relativePath(rootDir: string, path: string): string {
  return relative(rootDir, path).split(sep).join('/');
}

/** Recorded durations by file (relative to rootDir), from the durations file or the store; empty when there is neither. */
async function recordedDurations(rootDir: string, options: DurationSequencerOptions): Promise<Map<string, number>> {
  const durations = options.durations ?? process.env[DURATIONS_VARIABLE];
  if (durations !== undefined && durations !== '') {
    const path = isAbsolute(durations) ? durations : resolve(rootDir, durations);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new FlakyError(
        'FLAKY_INVALID_SEQUENCER_OPTIONS',
        {
          action: 'read the test durations for sharding',
          reason: `${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
          fix: `Write it with \`flaky-detector baselines export --out ${durations}\`, or unset ${DURATIONS_VARIABLE} to read the store.`,
        },
        { cause: error },
      );
    }
    return fileDurationsOfBaselines(parseBaselinesFile(text, path));
  }
  const store = options.store ?? process.env[DATABASE_URL_VARIABLE];
  const target = store === undefined || store === '' ? DEFAULT_STORE_PATH : store;
  const isUrl = isPostgresUrl(target);
  if (!isUrl && !existsSync(isAbsolute(target) ? target : resolve(rootDir, target))) return new Map();
  await using opened = await openHistoryStore(isUrl ? { url: target, cwd: rootDir } : { path: target, cwd: rootDir, quickCheck: false });
  return fileDurationsOfHistory(await opened.history({ lastRuns: options.historyRuns ?? 30 }));
}

/**
 * A Jest `testSequencer` class whose `shard()` splits test files by recorded duration, reading
 * durations as `options` say. Export it from a file of your own to configure it; the package's
 * `/sequencer` entry is `durationSequencer()` with the defaults (variables and the default store).
 *
 * @example
 * // duration-sequencer.cjs, then `testSequencer: '<rootDir>/duration-sequencer.cjs'`
 * module.exports = require('@proving-ground/flaky-detector/sequencer').durationSequencer({ durations: 'ci/durations.json' });
 */
export function durationSequencer(options: DurationSequencerOptions = {}): JestSequencerClass {
  const problems = listOptionProblems(options, OPTION_CHECKS);
  if (problems.length > 0) {
    throw new FlakyError('FLAKY_INVALID_SEQUENCER_OPTIONS', {
      action: 'configure the duration-aware test sequencer',
      reason: countProblems(problems),
      details: problems,
      fix: 'Pass `durations` (a file from `flaky-detector baselines export`), `store` and `historyRuns`, or none.',
    });
  }
  const Base = loadBaseSequencer();
  return class DurationSequencer extends Base {
    private readonly rootDir: string;

    constructor(jestOptions: { contexts: readonly unknown[]; globalConfig: { rootDir: string } }) {
      super(jestOptions);
      this.rootDir = jestOptions.globalConfig.rootDir;
    }

    override async shard<T extends SequencedTest>(tests: T[], { shardIndex, shardCount }: ShardOptions): Promise<T[]> {
      const known = await recordedDurations(this.rootDir, options);
      // A file in several Jest projects is one item per project: the key adds the project's config id.
      const keyOf = (test: T): string => `${relativePath(this.rootDir, test.path)}\u0000${test.context.config.id ?? ''}`;
      const files = tests.map((test) => ({ path: keyOf(test), bytes: statSync(test.path).size }));
      const knownByKey = new Map<string, number>();
      for (const test of tests) {
        const ms = known.get(relativePath(this.rootDir, test.path));
        if (ms !== undefined) knownByKey.set(keyOf(test), ms);
      }
      const partition = partitionByDuration(estimateDurations(files, knownByKey), shardCount);
      const mine = new Set(partition[shardIndex - 1]);
      return tests.filter((test) => mine.has(keyOf(test)));
    }
  };
}

/**
 * The duration-aware sequencer with its defaults: `testSequencer: '@proving-ground/flaky-detector/sequencer'`.
 *
 * @example
 * // jest.config.js
 * export default { testSequencer: '@proving-ground/flaky-detector/sequencer' };
 */
const DefaultDurationSequencer: JestSequencerClass = durationSequencer();
export default DefaultDurationSequencer;
