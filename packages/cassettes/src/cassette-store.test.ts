import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCassette, readCassette, writeCassetteAtomically } from './cassette-store.js';
import { CASSETTE_VERSION, type Cassette } from './format.js';

const base = resolve(import.meta.dirname, '..', '.tmp');
mkdirSync(base, { recursive: true });
const cassette: Cassette = {
  version: 1,
  recordedAt: '2026-01-01T00:00:00.000Z',
  recordedWith: 'test',
  interactions: [{ id: 'a', request: { method: 'GET', url: 'https://x.test/', headers: {} }, response: { status: 200, headers: {}, body: { json: { z: 1, a: 2 } } } }],
};

describe('cassette store', () => {
  it('should refuse a cassette of a future format version, naming the file, and leave it as it is', () => {
    const text = JSON.stringify({ ...cassette, version: CASSETTE_VERSION + 1 });

    expect(() => parseCassette(text, 'x/future.json')).toThrow(
      new RegExp(`Failed to read cassette x/future\\.json: it has format version ${CASSETTE_VERSION + 1}.*Upgrade`),
    );
  });

  it('should still read a version 1 cassette, whose test file is relative to the working folder of its recording', () => {
    const legacy = { ...cassette, version: 1, test: { file: 'test/users.test.js', name: 'users should list' } };

    const parsed = parseCassette(JSON.stringify(legacy), 'old.json');

    expect(parsed).toEqual(legacy);
  });

  it('should list every schema problem at once', () => {
    const broken = { ...cassette, interactions: [{ id: 1, request: { method: 'GET', url: 'nope', headers: {} }, response: { status: 42, headers: {} } }] };

    expect(() => parseCassette(JSON.stringify(broken), 'bad.json')).toThrow(
      /3 problems: interactions\[0\]\.id must be a string; interactions\[0\]\.request\.url must be an absolute URL; interactions\[0\]\.response\.status must be an HTTP status/,
    );
  });

  it('should write atomically: a refused verification leaves the old file and no temporary file behind', () => {
    const dir = mkdtempSync(join(base, 'store-'));
    const path = join(dir, 'c.json');
    writeFileSync(path, 'old');

    expect(() =>
      writeCassetteAtomically(path, cassette, () => {
        throw new Error('refused');
      }),
    ).toThrow('refused');
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['c.json']);
  });

  it('should survive parallel writers: every reader sees a whole cassette', async () => {
    const dir = mkdtempSync(join(base, 'store-'));
    const path = join(dir, 'c.json');

    await Promise.all(Array.from({ length: 20 }, (_, index) => Promise.resolve().then(() => writeCassetteAtomically(path, { ...cassette, recordedWith: `w${index}` }))));

    expect(readCassette(path)?.interactions).toHaveLength(1);
    expect(readdirSync(dir)).toEqual(['c.json']);
    expect(readFileSync(path, 'utf8')).toContain('"json": {\n            "z": 1,\n            "a": 2');
  });
});
