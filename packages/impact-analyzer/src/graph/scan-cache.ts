import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ModuleFacts } from '../model.js';
import { SCANNER_VERSION } from './scan-module.js';

/**
 * Where callers keep the scan cache, relative to the repository root.
 *
 * @example
 * openScanCache(join(root, DEFAULT_SCAN_CACHE_PATH))
 */
export const DEFAULT_SCAN_CACHE_PATH = 'node_modules/.cache/impact-analyzer/scans.json';

/** Scans of source files by content hash, so an unchanged file is not scanned again. */
export interface ScanCache {
  /** The facts of a source whose {@link contentHash} is `hash`, when cached by this scanner version. */
  get(hash: string): ModuleFacts | undefined;
  set(hash: string, facts: ModuleFacts): void;
  /** Writes the cache when it changed (temporary file, then rename). */
  save(): void;
}

interface CacheFile {
  scanner: string;
  entries: Record<string, ModuleFacts>;
}

/**
 * Opens the scan cache stored in `file` (absolute). A missing, corrupt or other-version file is an
 * empty cache, replaced on {@link ScanCache.save}: it is only a cache.
 *
 * @example
 * const cache = openScanCache(join(root, DEFAULT_SCAN_CACHE_PATH));
 * buildStaticGraph({ root, files, cache });
 * cache.save();
 */
export function openScanCache(file: string): ScanCache {
  let entries: Record<string, ModuleFacts> = {};
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<CacheFile>;
    if (parsed && parsed.scanner === SCANNER_VERSION && parsed.entries && typeof parsed.entries === 'object') entries = parsed.entries;
  } catch {
    entries = {};
  }
  const used = new Set<string>();
  let dirty = false;
  return {
    get(hash) {
      const facts = Object.hasOwn(entries, hash) ? entries[hash] : undefined;
      if (facts && Array.isArray(facts.references) && Array.isArray(facts.exports)) {
        used.add(hash);
        return facts;
      }
      return undefined;
    },
    set(hash, facts) {
      entries[hash] = facts;
      used.add(hash);
      dirty = true;
    },
    save() {
      if (!dirty) return;
      // Keep only what this run used, so the file does not grow with every old version of every file.
      const kept: Record<string, ModuleFacts> = {};
      for (const hash of used) if (entries[hash]) kept[hash] = entries[hash];
      const content: CacheFile = { scanner: SCANNER_VERSION, entries: kept };
      mkdirSync(dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
      writeFileSync(temporary, JSON.stringify(content));
      renameSync(temporary, file);
      dirty = false;
    },
  };
}
