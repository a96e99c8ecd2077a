import { packLongestFirst } from '@proving-ground/kit';

/** A test file to place in a shard: its path (relative to the root, `/` separators) and its cost. */
export interface ShardItem {
  path: string;
  /** Expected duration in ms (recorded, or estimated from the file's size). */
  durationMs: number;
}

/**
 * Test files split into `shardCount` shards by expected duration, longest-processing-time first:
 * files are taken longest first (ties by path) and each goes to the shard with the least total so
 * far (ties to the lowest shard). Only paths and durations decide, so every shard of a CI run
 * computes the same partition when it reads the same durations.
 *
 * @example
 * partitionByDuration([{ path: 'a.test.ts', durationMs: 900 }, { path: 'b.test.ts', durationMs: 300 }, { path: 'c.test.ts', durationMs: 500 }], 2)
 * // [['a.test.ts'], ['c.test.ts', 'b.test.ts']]
 */
export function partitionByDuration(items: readonly ShardItem[], shardCount: number): string[][] {
  return packLongestFirst(
    items.map((item) => ({ path: item.path, cost: item.durationMs })),
    shardCount,
  );
}

/**
 * Every file's expected duration: recorded ones as they are; unknown ones from their size in bytes,
 * at the ms-per-byte rate of the known files (or 1 ms a byte when none is known).
 *
 * @example
 * estimateDurations([{ path: 'a.test.ts', bytes: 1000 }, { path: 'new.test.ts', bytes: 500 }], new Map([['a.test.ts', 200]]))
 * // [{ path: 'a.test.ts', durationMs: 200 }, { path: 'new.test.ts', durationMs: 100 }]
 */
export function estimateDurations(files: ReadonlyArray<{ path: string; bytes: number }>, known: ReadonlyMap<string, number>): ShardItem[] {
  let knownMs = 0;
  let knownBytes = 0;
  for (const file of files) {
    const ms = known.get(file.path);
    if (ms !== undefined) {
      knownMs += ms;
      knownBytes += file.bytes;
    }
  }
  const msPerByte = knownMs > 0 && knownBytes > 0 ? knownMs / knownBytes : 1;
  return files.map((file) => ({ path: file.path, durationMs: known.get(file.path) ?? file.bytes * msPerByte }));
}
