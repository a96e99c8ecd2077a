import { describe, expect, it } from '@jest/globals';
import { activeFaults, allocateMemory, isChaosError, memorySnapshot, runWithMemoryLimit } from '../src/index.js';

const MiB = 1024 * 1024;

describe('runWithMemoryLimit', () => {
  it('should report an out-of-memory outcome when the function outgrows its V8 limits, and the process survives', async () => {
    const result = await runWithMemoryLimit(
      () => {
        const kept: number[][] = [];
        for (;;) kept.push(new Array<number>(100_000).fill(1.5));
      },
      { maxOldGenerationSizeMb: 16 },
    );

    expect(result).toMatchObject({ outcome: 'out-of-memory', limits: { maxOldGenerationSizeMb: 16 } });
    expect(result.outcome === 'out-of-memory' && result.message).toMatch(
      /^the function ran out of memory at maxOldGenerationSizeMb 16: .*memory limit/,
    );
    expect(result.outcome === 'out-of-memory' && (result.error as Error & { code?: string }).code).toBe('ERR_WORKER_OUT_OF_MEMORY');
    expect(activeFaults()).toEqual([]);
  });

  it('should return what a function that fits returns, and what one that throws threw', async () => {
    const completed = await runWithMemoryLimit((n: number) => ({ doubled: n * 2 }), { input: 21 });
    const threw = await runWithMemoryLimit(() => {
      throw new RangeError('no such report');
    });

    expect(completed).toEqual({ outcome: 'completed', value: { doubled: 42 }, limits: { maxOldGenerationSizeMb: 32 } });
    expect(threw).toMatchObject({ outcome: 'threw', message: 'no such report' });
    expect(threw.outcome === 'threw' && threw.error.name).toBe('RangeError');
  });
});

describe('allocateMemory', () => {
  it('should hold the memory a service would see in rss, external and arrayBuffers, and free it on restore', async () => {
    const pressure = allocateMemory({ bytes: 64 * MiB });
    const { before, during } = pressure.metrics;

    await pressure.restore();
    const after = pressure.metrics.after!;

    expect(pressure.allocated).toBe(0);
    // Absolute figures for what it holds (other buffers may be collected meanwhile), a margin for the deltas.
    expect(during.arrayBuffers).toBeGreaterThanOrEqual(64 * MiB);
    expect(during.external).toBeGreaterThanOrEqual(64 * MiB);
    // The resident set is not compared here: in a Jest worker that ran other files, the allocator may
    // hand back pages that are still resident. 'should raise the resident set to a target' proves it grows.
    expect(during.rss).toBeGreaterThanOrEqual(before.rss - 8 * MiB);
    expect(during.arrayBuffers - after.arrayBuffers).toBeGreaterThan(56 * MiB); // freed at once, no GC needed
  });

  it('should raise the resident set to a target', async () => {
    const target = memorySnapshot().rss + 32 * MiB;

    await using pressure = allocateMemory({ targetRss: target });

    expect(pressure.metrics.during.rss).toBeGreaterThanOrEqual(target);
    expect(pressure.allocated).toBeGreaterThan(0);
  });

  it('should free what it took and say so when the target is out of reach', () => {
    const before = memorySnapshot().arrayBuffers;
    const error = (() => {
      try {
        allocateMemory({ targetRss: memorySnapshot().rss + 512 * MiB, maxBytes: 16 * MiB });
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();

    expect(isChaosError(error) && error.code).toBe('CHAOS_MEMORY_TARGET_UNREACHABLE');
    expect(memorySnapshot().arrayBuffers - before).toBeLessThan(8 * MiB);
  });
});
