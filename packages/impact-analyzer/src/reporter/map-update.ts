import type { ImpactMap, JestSettings, RunVariant, TestRecord } from '../model.js';
import { recordFiles } from '../map/record-files.js';

/** What a recording run adds to the map. */
export interface MapUpdate {
  /** The records of the test files that ran, by repository-relative path. */
  records: ReadonlyMap<string, TestRecord>;
  /** Every known test ran (see `isFullRun`). */
  full: boolean;
  commit: string | undefined;
  now: string;
  variant: RunVariant;
  jest: JestSettings | undefined;
  /** The content hash of a repository-relative file now, or undefined when it does not exist. */
  hash: (file: string) => string | undefined;
}

/**
 * The map after a recording run: a full run replaces the known tests (records of tests gone are
 * dropped) and sets the commit; a partial run updates the records of the tests it ran and keeps the
 * others. The hashes follow the records kept: fresh for the new records, as they were for the rest.
 *
 * @example
 * const next = updateMap(readImpactMap(path), { records, full: true, commit, now, variant, jest, hash });
 */
export function updateMap(previous: ImpactMap | undefined, update: MapUpdate): ImpactMap {
  const tests: Record<string, TestRecord> = {};
  const hashes: Record<string, string> = {};
  if (!update.full && previous !== undefined) {
    for (const [path, record] of Object.entries(previous.tests)) {
      if (update.records.has(path)) continue;
      tests[path] = record;
      for (const file of recordFiles(path, record)) {
        const hash = previous.hashes[file];
        if (hash !== undefined) hashes[file] = hash;
      }
    }
  }
  for (const [path, record] of update.records) {
    tests[path] = record;
    for (const file of recordFiles(path, record)) {
      const hash = update.hash(file);
      if (hash !== undefined) hashes[file] = hash;
    }
  }
  const known = new Set(update.full || previous === undefined ? [] : previous.knownTests);
  for (const path of update.records.keys()) known.add(path);

  const map: ImpactMap = {
    version: 1,
    updatedAt: update.now,
    variant: update.variant,
    knownTests: [...known].sort(),
    tests: Object.fromEntries(Object.entries(tests).sort(([a], [b]) => a.localeCompare(b))),
    hashes: Object.fromEntries(Object.entries(hashes).sort(([a], [b]) => a.localeCompare(b))),
  };
  const commit = update.full || previous?.commit === undefined ? update.commit : previous.commit;
  if (commit !== undefined) map.commit = commit;
  const jest = update.jest ?? previous?.jest;
  if (jest !== undefined) map.jest = jest;
  return map;
}
