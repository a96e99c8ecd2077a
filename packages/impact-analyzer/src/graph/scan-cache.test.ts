import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { contentHash } from '../content-hash.js';
import { DEFAULT_SCAN_CACHE_PATH, openScanCache } from './scan-cache.js';
import { scanModule } from './scan-module.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function cacheFile(): string {
  const root = mkdtempSync(join(tmpdir(), 'impact-cache-'));
  folders.push(root);
  return join(root, DEFAULT_SCAN_CACHE_PATH);
}

describe('openScanCache', () => {
  it('should keep facts by content hash across opens', () => {
    const file = cacheFile();
    const source = "import './a';";
    const facts = scanModule(source, 'x.ts');
    const cache = openScanCache(file);
    expect(cache.get(contentHash(source))).toBeUndefined();
    cache.set(contentHash(source), facts);
    cache.save();
    expect(openScanCache(file).get(contentHash(source))).toEqual(facts);
    expect(readdirSync(dirname(file))).toEqual(['scans.json']);
  });

  it('should ignore a corrupt cache file and replace it', () => {
    const file = cacheFile();
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, '{ not json');
    const cache = openScanCache(file);
    expect(cache.get('abc')).toBeUndefined();
    cache.set('abc', scanModule('', 'x.ts'));
    cache.save();
    expect(openScanCache(file).get('abc')).toEqual(scanModule('', 'x.ts'));
  });
});
