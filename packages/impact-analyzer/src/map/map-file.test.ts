import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isImpactError } from '../errors.js';
import type { ImpactMap } from '../model.js';
import { readImpactMap, writeImpactMap } from './map-file.js';

const map: ImpactMap = {
  version: 1,
  updatedAt: '2026-12-01T00:00:00.000Z',
  variant: { node: 'v24.0.0', timeZone: 'UTC', platform: 'linux' },
  knownTests: ['a.test.ts'],
  tests: {
    'a.test.ts': {
      recordedAt: '2026-12-01T00:00:00.000Z',
      durationMs: 5,
      status: 'passed',
      modules: ['src/a.ts'],
      reads: [],
      directories: [],
      env: [],
      packages: {},
    },
  },
  hashes: { 'src/a.ts': 'f'.repeat(40) },
};

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function folder(): string {
  dir = mkdtempSync(join(tmpdir(), 'impact-map-'));
  return dir;
}

function readError(path: string): { code: string; message: string } {
  try {
    readImpactMap(path);
  } catch (error) {
    if (isImpactError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('readImpactMap did not throw');
}

describe('readImpactMap', () => {
  it('should return undefined when there is no map', () => {
    expect(readImpactMap(join(folder(), 'map.json'))).toBeUndefined();
  });

  it('should read back what writeImpactMap wrote, leaving no temporary file', () => {
    const path = join(folder(), 'nested', 'map.json');
    writeImpactMap(path, map);
    expect(readImpactMap(path)).toEqual(map);
    expect(readdirSync(join(dir, 'nested'))).toEqual(['map.json']);
  });

  it('should name the file and the field of a map with a wrong field', () => {
    const path = join(folder(), 'map.json');
    writeFileSync(path, JSON.stringify({ ...map, tests: { 'a.test.ts': { ...map.tests['a.test.ts'], modules: 'src/a.ts' } } }));
    const error = readError(path);
    expect(error.code).toBe('IMPACT_CORRUPT_MAP');
    expect(error.message).toContain(path);
    expect(error.message).toContain('tests["a.test.ts"].modules');
  });

  it('should refuse a file that is not JSON or of another version, and leave it as it is', () => {
    const path = join(folder(), 'map.json');
    writeFileSync(path, '{ nope');
    expect(readError(path)).toMatchObject({ code: 'IMPACT_CORRUPT_MAP', message: expect.stringContaining('not JSON') });
    expect(readFileSync(path, 'utf8')).toBe('{ nope');
    writeFileSync(path, JSON.stringify({ ...map, version: 0 }));
    expect(readError(path)).toMatchObject({ code: 'IMPACT_CORRUPT_MAP', message: expect.stringContaining('"version"') });
  });

  it('should tell a map from a newer version apart', () => {
    const path = join(folder(), 'map.json');
    writeFileSync(path, JSON.stringify({ ...map, version: 2 }));
    expect(readError(path).code).toBe('IMPACT_MAP_TOO_NEW');
  });
});
