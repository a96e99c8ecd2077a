import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { fileDurationsOfHistory } from './file-durations.js';
import { estimateDurations, partitionByDuration } from './shard-partition.js';

describe('partitionByDuration', () => {
  it('should place the longest files first, each on the least loaded shard', () => {
    const items = [
      { path: 't1', durationMs: 4000 },
      { path: 't2', durationMs: 3000 },
      { path: 't3', durationMs: 2000 },
      { path: 't4', durationMs: 1000 },
      { path: 't5', durationMs: 500 },
      { path: 't6', durationMs: 500 },
      { path: 't7', durationMs: 500 },
      { path: 't8', durationMs: 500 },
    ];

    expect(partitionByDuration(items, 4)).toEqual([['t1'], ['t2'], ['t3', 't7'], ['t4', 't5', 't6', 't8']]);
  });

  it('should give every shard the same partition whatever order the files come in, each file once', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ path: fc.string({ minLength: 1, maxLength: 6 }), durationMs: fc.nat(5000) }), {
          selector: (item) => item.path,
          maxLength: 40,
        }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer(),
        (items, shards, seed) => {
          const shuffled = [...items].sort((a, b) => ((a.path.charCodeAt(0) * seed) % 7) - ((b.path.charCodeAt(0) * seed) % 7));

          const partition = partitionByDuration(items, shards);

          expect(partitionByDuration(shuffled, shards)).toEqual(partition);
          expect(partition.flat().sort()).toEqual(items.map((item) => item.path).sort());
        },
      ),
    );
  });

  it('should keep the slowest shard within the longest file of the mean (the LPT bound)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 6 }),
        (durations, shards) => {
          const items = durations.map((durationMs, index) => ({ path: `f${index}`, durationMs }));
          const byPath = new Map(items.map((item) => [item.path, item.durationMs]));

          const loads = partitionByDuration(items, shards).map((paths) => paths.reduce((sum, path) => sum + byPath.get(path)!, 0));

          const mean = durations.reduce((sum, ms) => sum + ms, 0) / shards;
          expect(Math.max(...loads)).toBeLessThanOrEqual(mean + Math.max(...durations));
        },
      ),
    );
  });
});

describe('estimateDurations', () => {
  it('should estimate unknown files from their size at the known files ms per byte', () => {
    const files = [
      { path: 'a', bytes: 1000 },
      { path: 'b', bytes: 3000 },
      { path: 'new', bytes: 500 },
    ];

    expect(
      estimateDurations(
        files,
        new Map([
          ['a', 100],
          ['b', 700],
        ]),
      ),
    ).toEqual([
      { path: 'a', durationMs: 100 },
      { path: 'b', durationMs: 700 },
      { path: 'new', durationMs: 100 },
    ]);
    expect(estimateDurations(files, new Map())[2]).toEqual({ path: 'new', durationMs: 500 });
  });
});

describe('fileDurationsOfHistory', () => {
  it('should sum a file per run, then take the median over the runs it was in', () => {
    const attempt = (
      runId: string,
      file: string,
      durationMs: number,
    ): Parameters<typeof fileDurationsOfHistory>[0]['attempts'][number] => ({
      runId,
      testId: '0000000000000000',
      file,
      fullName: 'x',
      attempt: 1,
      status: 'passed',
      durationMs,
    });

    const durations = fileDurationsOfHistory({
      runs: [],
      attempts: [attempt('r1', 'a', 10), attempt('r1', 'a', 20), attempt('r2', 'a', 50), attempt('r3', 'a', 40), attempt('r3', 'b', 7)],
    });

    expect(durations).toEqual(
      new Map([
        ['a', 40],
        ['b', 7],
      ]),
    );
  });
});
