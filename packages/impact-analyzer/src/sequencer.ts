/**
 * `@proving-ground/impact-analyzer/sequencer`: a Jest `testSequencer` that runs the tests most
 * likely to fail first (the selection's predicted order) and splits `--shard` runs into shards of
 * about the same recorded duration.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { INSTALL_JEST_SEQUENCER, loadJestSequencer } from '@proving-ground/kit';
import { ImpactError } from './errors.js';
import type { SelectionFile } from './model.js';
import { DEFAULT_MAP_PATH, readImpactMap } from './map/map-file.js';
import { locateUpward } from './outputs/impact-folder.js';
import { DEFAULT_SELECTION_PATH, SELECTION_VARIABLE, readSelectionFile } from './outputs/selection-file.js';
import { packShards } from './outputs/shard-plan.js';

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

/** What Jest passes a sequencer's constructor. */
export interface SequencerOptions {
  contexts: readonly unknown[];
  globalConfig: { rootDir: string };
}

/** The parts of Jest's default sequencer this one extends. */
export interface JestSequencer {
  shard(tests: SequencedTest[], options: ShardOptions): SequencedTest[] | Promise<SequencedTest[]>;
  sort(tests: SequencedTest[]): SequencedTest[] | Promise<SequencedTest[]>;
}

/** A Jest sequencer class, as Jest constructs it. */
export type JestSequencerClass = new (options: SequencerOptions) => JestSequencer;

function loadBaseSequencer(): JestSequencerClass {
  return loadJestSequencer<JestSequencerClass>(
    (cause) =>
      new ImpactError(
        'IMPACT_MISSING_PEER',
        {
          action: 'load the impact-analyzer test sequencer',
          reason: "Jest's default sequencer, @jest/test-sequencer, is not installed where the project can load it",
          fix: INSTALL_JEST_SEQUENCER,
        },
        { cause },
      ),
  );
}

/** Recorded durations by absolute path, from the nearest map above `rootDir` (empty without one). */
function recordedDurations(rootDir: string): Map<string, number> {
  const located = locateUpward(rootDir, DEFAULT_MAP_PATH);
  const map = located === undefined ? undefined : readImpactMap(located.path);
  const durations = new Map<string, number>();
  if (located === undefined || map === undefined) return durations;
  for (const [path, record] of Object.entries(map.tests)) durations.set(resolve(located.root, path), record.durationMs);
  return durations;
}

/** The selection file named by the variable, else the nearest one above `rootDir`; undefined when there is none. */
function currentSelection(rootDir: string): SelectionFile | undefined {
  const named = process.env[SELECTION_VARIABLE];
  if (named !== undefined && named !== '') return readSelectionFile(isAbsolute(named) ? named : resolve(rootDir, named));
  const located = locateUpward(rootDir, DEFAULT_SELECTION_PATH);
  return located === undefined ? undefined : readSelectionFile(located.path);
}

const byPath = (a: SequencedTest, b: SequencedTest): number =>
  a.path < b.path ? -1 : a.path > b.path ? 1 : (a.context.config.id ?? '') < (b.context.config.id ?? '') ? -1 : 1;

/**
 * Creates the sequencer class over Jest's default one (`@jest/test-sequencer`, loaded from the
 * project). `sort()` follows the selection's predicted failure order when a selection file is
 * present, else the recorded durations from the map, longest first, else Jest's own order;
 * `shard()` packs tests by recorded duration (see `packShards`) so shards take about as long.
 *
 * @example
 * // jest.config.js
 * export default { testSequencer: '@proving-ground/impact-analyzer/sequencer' };
 */
export function impactSequencer(): JestSequencerClass {
  const Base = loadBaseSequencer();
  return class ImpactSequencer extends Base {
    private readonly rootDir: string;

    constructor(options: SequencerOptions) {
      super(options);
      this.rootDir = options.globalConfig.rootDir;
    }

    override shard(tests: SequencedTest[], { shardIndex, shardCount }: ShardOptions): SequencedTest[] {
      const known = recordedDurations(this.rootDir);
      // A file in several Jest projects is one item per project: the key adds the project's config id.
      const keyOf = (test: SequencedTest): string =>
        `${relative(this.rootDir, test.path).split(sep).join('/')}\u0000${test.context.config.id ?? ''}`;
      const durations: Record<string, number> = {};
      for (const test of tests) {
        const ms = known.get(test.path);
        if (ms !== undefined) durations[keyOf(test)] = ms;
      }
      const plan = packShards(tests.map(keyOf), shardCount, durations);
      const mine = new Set(plan[shardIndex - 1]);
      return tests.filter((test) => mine.has(keyOf(test)));
    }

    override async sort(tests: SequencedTest[]): Promise<SequencedTest[]> {
      const selection = currentSelection(this.rootDir);
      const durations = recordedDurations(this.rootDir);
      const duration = (test: SequencedTest): number => durations.get(test.path) ?? -1;
      if (selection === undefined) {
        if (durations.size === 0) return super.sort(tests);
        return [...tests].sort((a, b) => duration(b) - duration(a) || byPath(a, b));
      }
      const rank = new Map(selection.tests.map((test, index) => [resolve(selection.root, test.path), index]));
      const rankOf = (test: SequencedTest): number => rank.get(test.path) ?? Number.MAX_SAFE_INTEGER;
      return [...tests].sort((a, b) => rankOf(a) - rankOf(b) || duration(b) - duration(a) || byPath(a, b));
    }
  };
}

/**
 * The impact-analyzer sequencer: `testSequencer: '@proving-ground/impact-analyzer/sequencer'`.
 *
 * @example
 * // npx jest --shard=2/4 --testSequencer=@proving-ground/impact-analyzer/sequencer
 */
const ImpactSequencer: JestSequencerClass = impactSequencer();
export default ImpactSequencer;
