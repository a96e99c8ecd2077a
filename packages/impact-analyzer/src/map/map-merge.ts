import { ImpactError } from '../errors.js';
import type { ImpactMap, TestRecord } from '../model.js';
import { recordFiles } from './record-files.js';

function newestFirst(maps: readonly ImpactMap[]): ImpactMap[] {
  return [...maps].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

/**
 * Merges maps (the shards of one recording, or maps of several runs) into one: for each test the
 * newest record wins (by `recordedAt`) with the hashes of the files it names from the map it came
 * from; `knownTests` is the union of the maps recorded at the newest commit (the shards of the
 * newest full recording), and records of tests no longer known are dropped.
 *
 * @example
 * writeImpactMap('map.json', mergeImpactMaps([readImpactMap('shard-1.json')!, readImpactMap('shard-2.json')!]));
 */
export function mergeImpactMaps(maps: readonly ImpactMap[]): ImpactMap {
  const sorted = newestFirst(maps);
  const newest = sorted[0];
  if (newest === undefined) {
    throw new ImpactError('IMPACT_INVALID_OPTIONS', {
      action: 'merge impact maps',
      reason: 'no map was given',
      fix: 'Pass at least one map file',
    });
  }
  const commit = sorted.find((map) => map.commit !== undefined)?.commit;
  const recording = commit === undefined ? sorted : sorted.filter((map) => map.commit === commit);
  const known = new Set(recording.flatMap((map) => map.knownTests));

  const kept = new Map<string, { record: TestRecord; from: ImpactMap }>();
  for (const map of sorted) {
    for (const [path, record] of Object.entries(map.tests)) {
      if (known.size > 0 && !known.has(path)) continue;
      const current = kept.get(path);
      if (current === undefined || record.recordedAt > current.record.recordedAt) kept.set(path, { record, from: map });
    }
  }

  const tests: Record<string, TestRecord> = {};
  const hashes: Record<string, string> = {};
  const hashedAt = new Map<string, string>();
  for (const path of [...kept.keys()].sort()) {
    const { record, from } = kept.get(path)!;
    tests[path] = record;
    for (const file of recordFiles(path, record)) {
      const hash = from.hashes[file];
      // Two records naming one file may have seen it at different commits: the newer record's wins.
      const at = hashedAt.get(file);
      if (hash !== undefined && (at === undefined || record.recordedAt > at)) {
        hashes[file] = hash;
        hashedAt.set(file, record.recordedAt);
      }
    }
  }

  const merged: ImpactMap = {
    version: 1,
    updatedAt: newest.updatedAt,
    variant: newest.variant,
    knownTests: [...known].sort(),
    tests,
    hashes: Object.fromEntries(Object.entries(hashes).sort(([a], [b]) => a.localeCompare(b))),
  };
  if (commit !== undefined) merged.commit = commit;
  const jest = sorted.find((map) => map.jest !== undefined)?.jest;
  if (jest !== undefined) merged.jest = jest;
  return merged;
}
