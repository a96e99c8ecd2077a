import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseCassette, readCassette, writeCassetteAtomically } from './cassette-store.js';
import { CASSETTE_VERSION, type Cassette } from './format.js';

const base = resolve(import.meta.dirname, '..', '.tmp');
mkdirSync(base, { recursive: true });
const cassette: Cassette = {
  version: 1,
  recordedAt: '2026-01-01T00:00:00.000Z',
  recordedWith: 'test',
  interactions: [
    {
      id: 'a',
      request: { method: 'GET', url: 'https://x.test/', headers: {} },
      response: { status: 200, headers: {}, body: { json: { z: 1, a: 2 } } },
    },
  ],
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
    const broken = {
      ...cassette,
      interactions: [{ id: 1, request: { method: 'GET', url: 'nope', headers: {} }, response: { status: 42, headers: {} } }],
    };

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

  it('should survive parallel writer processes: a concurrent reader always sees a whole cassette and no temporary file is left', async () => {
    // Arrange
    const dir = mkdtempSync(join(base, 'store-'));
    const path = join(dir, 'c.json');
    const dist = pathToFileURL(resolve(import.meta.dirname, '..', 'dist', 'index.mjs')).href;
    // A large body makes each write take long enough for the processes to overlap.
    const big = {
      ...cassette,
      interactions: Array.from({ length: 200 }, (_, index) => ({ ...cassette.interactions[0]!, id: `i${index}` })),
    };
    writeCassetteAtomically(path, big);
    const writer = `const { writeCassetteAtomically } = await import(process.argv[1]);
      const cassette = JSON.parse(process.argv[3]);
      for (let round = 0; round < 40; round += 1) writeCassetteAtomically(process.argv[2], { ...cassette, recordedWith: 'writer ' + process.pid + ' ' + round });`;
    const reader = `const { readFileSync } = await import('node:fs');
      const { parseCassette } = await import(process.argv[1]);
      let reads = 0, broken = 0;
      for (; reads < 400; reads += 1) {
        try { if (parseCassette(readFileSync(process.argv[2], 'utf8'), process.argv[2]).interactions.length !== 200) broken += 1; } catch { broken += 1; }
      }
      process.stdout.write(JSON.stringify({ reads, broken }));`;
    const run = (script: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
      new Promise((resolveRun) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script, dist, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('close', (code) => resolveRun({ code, stdout, stderr }));
      });

    // Act
    const [readResult, ...writeResults] = await Promise.all([
      run(reader, path),
      ...Array.from({ length: 3 }, () => run(writer, path, JSON.stringify(big))),
    ]);

    // Assert
    expect(writeResults.map((result) => [result.code, result.stderr])).toEqual([
      [0, ''],
      [0, ''],
      [0, ''],
    ]);
    expect(readResult.stderr).toBe('');
    expect(JSON.parse(readResult.stdout)).toEqual({ reads: 400, broken: 0 });
    expect(readCassette(path)?.recordedWith).toMatch(/^writer \d+ 39$/);
    expect(readdirSync(dir)).toEqual(['c.json']);
  });
});
