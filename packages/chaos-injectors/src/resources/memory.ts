import { checks, countProblems, listOptionProblems } from '@proving-ground/kit';
import { Worker } from 'node:worker_threads';
import { registerFault, type FaultHandle } from '../cleanup/registry.js';
import { ChaosError } from '../errors.js';

/** The process metrics a service watches, in bytes (from `process.memoryUsage()`). */
export interface MemorySnapshot {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

/** V8 limits for {@link runWithMemoryLimit} (Worker `resourceLimits`, in MB). */
export interface MemoryLimitOptions {
  /** The old generation (most of the heap); default 32. */
  maxOldGenerationSizeMb?: number;
  maxYoungGenerationSizeMb?: number;
  /** Given to the function as its argument (structured-cloned). */
  input?: unknown;
}

/** How a function run under memory limits ended. */
export type MemoryLimitOutcome =
  | { outcome: 'completed'; value: unknown; limits: MemoryLimitOptions }
  | { outcome: 'out-of-memory'; message: string; error: Error; limits: MemoryLimitOptions }
  | { outcome: 'threw'; message: string; error: Error; limits: MemoryLimitOptions };

/** An allocation held by {@link allocateMemory}. */
export interface MemoryPressureHandle extends FaultHandle {
  /** Bytes allocated and still held. */
  readonly allocated: number;
  /** Metrics before the allocation, once it was done, and after its release (undefined until then). */
  readonly metrics: { before: MemorySnapshot; during: MemorySnapshot; after: MemorySnapshot | undefined };
}

/** Options of {@link allocateMemory}: give `bytes`, or `targetRss`. */
export interface AllocateMemoryOptions {
  /** Allocate this many bytes (outside the V8 heap: `external` and `arrayBuffers` grow, and so does `rss`). */
  bytes?: number;
  /** Allocate until the process's resident set reaches this many bytes. */
  targetRss?: number;
  /** Give up on `targetRss` after this many bytes (default 4 GiB). */
  maxBytes?: number;
}

/**
 * A snapshot of the process metrics a service would watch.
 *
 * @example
 * const { rss, heapUsed, external } = memorySnapshot()
 */
export function memorySnapshot(): MemorySnapshot {
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, heapTotal, external, arrayBuffers };
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
Promise.resolve()
  .then(() => (0, eval)('(' + workerData.source + ')')(workerData.input))
  .then(
    (value) => parentPort.postMessage({ ok: true, value }),
    (error) => parentPort.postMessage({ ok: false, name: error && error.name, message: String(error && error.message || error), stack: error && error.stack }),
  );
`;

/**
 * Run a self-contained function (it reaches modules with `require`) in a worker thread under V8
 * resource limits, and say how it ended: `completed` with its value, `out-of-memory` when V8 stopped
 * it at the limit (`ERR_WORKER_OUT_OF_MEMORY`: the process itself survives), or `threw`. The worker
 * is registered as a fault: `await using` or the end of the test terminates it.
 *
 * @throws ChaosError `CHAOS_INVALID_RESOURCE_FAULT` listing every problem with the options
 * @example
 * const result = await runWithMemoryLimit(() => { const keep = []; for (;;) keep.push(new Array(1e5).fill(1)) }, { maxOldGenerationSizeMb: 16 })
 * expect(result.outcome).toBe('out-of-memory')
 */
export async function runWithMemoryLimit(fn: (input: never) => unknown, options: MemoryLimitOptions = {}): Promise<MemoryLimitOutcome> {
  const problems = listOptionProblems(options, {
    maxOldGenerationSizeMb: checks.integer(1),
    maxYoungGenerationSizeMb: checks.integer(1),
    input: () => undefined,
  });
  if (typeof fn !== 'function') problems.unshift('- fn: expected a function.');
  if (problems.length > 0) {
    throw new ChaosError('CHAOS_INVALID_RESOURCE_FAULT', {
      action: 'run a function under memory limits',
      reason: `its options have ${countProblems(problems)}`,
      details: problems,
      fix: 'Fix the options listed above.',
    });
  }
  const limits: MemoryLimitOptions = { maxOldGenerationSizeMb: options.maxOldGenerationSizeMb ?? 32 };
  if (options.maxYoungGenerationSizeMb !== undefined) limits.maxYoungGenerationSizeMb = options.maxYoungGenerationSizeMb;
  const resourceLimits: { maxOldGenerationSizeMb?: number; maxYoungGenerationSizeMb?: number } = {
    maxOldGenerationSizeMb: limits.maxOldGenerationSizeMb!,
  };
  if (limits.maxYoungGenerationSizeMb !== undefined) resourceLimits.maxYoungGenerationSizeMb = limits.maxYoungGenerationSizeMb;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    resourceLimits,
    workerData: { source: String(fn), input: options.input },
    stdout: false,
    stderr: false,
  });
  const handle = registerFault({
    kind: 'memory',
    target: `worker limited to ${limits.maxOldGenerationSizeMb} MB of old generation`,
    restore: () => worker.terminate().then(() => undefined),
  });
  try {
    return await new Promise<MemoryLimitOutcome>((done) => {
      worker.once('message', (message: { ok: boolean; value?: unknown; name?: string; message?: string; stack?: string }) => {
        if (message.ok) {
          done({ outcome: 'completed', value: message.value, limits });
          return;
        }
        const error = new Error(message.message);
        error.name = message.name ?? 'Error';
        if (message.stack !== undefined) error.stack = message.stack;
        done({ outcome: 'threw', message: message.message ?? '', error, limits });
      });
      worker.once('error', (error: Error & { code?: string }) => {
        if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
          handle.record(`out of memory at ${limits.maxOldGenerationSizeMb} MB`);
          done({
            outcome: 'out-of-memory',
            message: `the function ran out of memory at maxOldGenerationSizeMb ${limits.maxOldGenerationSizeMb}: ${error.message}`,
            error,
            limits,
          });
          return;
        }
        done({ outcome: 'threw', message: error.message, error, limits });
      });
    });
  } finally {
    await handle.restore();
  }
}

const CHUNK = 8 * 1024 * 1024;

/**
 * Take memory from this process, as a leak or a big request would: `bytes` outside the V8 heap, or
 * enough to bring the resident set to `targetRss`, touched so the pages are really resident. The
 * handle reports the metrics before, during and after; restoring it (`await using`, or the end of
 * the test) frees the memory at once.
 *
 * @throws ChaosError `CHAOS_INVALID_RESOURCE_FAULT` listing every problem with the options
 * @throws ChaosError `CHAOS_MEMORY_TARGET_UNREACHABLE` when `targetRss` is not reached within `maxBytes`
 * @example
 * await using pressure = allocateMemory({ bytes: 0.8 * budget })
 * expect((await metrics()).memory).toBe('warning')
 */
export function allocateMemory(options: AllocateMemoryOptions): MemoryPressureHandle {
  const problems = listOptionProblems(options, { bytes: checks.integer(0), targetRss: checks.integer(1), maxBytes: checks.integer(1) });
  if ((options.bytes === undefined) === (options.targetRss === undefined)) problems.push('- bytes or targetRss: give exactly one.');
  if (problems.length > 0) {
    throw new ChaosError('CHAOS_INVALID_RESOURCE_FAULT', {
      action: 'allocate memory',
      reason: `its options have ${countProblems(problems)}`,
      details: problems,
      fix: 'Fix the options listed above.',
    });
  }
  const before = memorySnapshot();
  const chunks: ArrayBuffer[] = [];
  let allocated = 0;
  const take = (size: number): void => {
    const chunk = new ArrayBuffer(size);
    new Uint8Array(chunk).fill(1);
    chunks.push(chunk);
    allocated += size;
  };
  const free = (): void => {
    // transfer(0) detaches each buffer and frees its memory now, not at the next GC.
    for (const chunk of chunks.splice(0)) chunk.transfer(0);
    allocated = 0;
  };
  if (options.bytes !== undefined) {
    for (let left = options.bytes; left > 0; left -= CHUNK) take(Math.min(CHUNK, left));
  } else {
    const maxBytes = options.maxBytes ?? 4 * 1024 ** 3;
    while (process.memoryUsage.rss() < options.targetRss!) {
      if (allocated >= maxBytes) {
        const rss = process.memoryUsage.rss();
        free();
        throw new ChaosError('CHAOS_MEMORY_TARGET_UNREACHABLE', {
          action: `bring the resident set to ${options.targetRss} bytes`,
          reason: `it was ${rss} bytes after allocating ${maxBytes} bytes (maxBytes)`,
          fix: 'Raise maxBytes, or give bytes instead of targetRss (the memory was freed).',
        });
      }
      take(CHUNK);
    }
  }
  const metrics: MemoryPressureHandle['metrics'] = { before, during: memorySnapshot(), after: undefined };
  const target = options.bytes !== undefined ? `${options.bytes} bytes held` : `rss raised to ${options.targetRss} bytes`;
  const handle = registerFault({
    kind: 'memory',
    target,
    restore: () => {
      free();
      metrics.after = memorySnapshot();
    },
  });
  return Object.defineProperties({} as MemoryPressureHandle, {
    ...Object.getOwnPropertyDescriptors(handle),
    allocated: { get: () => allocated, enumerable: true },
    metrics: { value: metrics, enumerable: true },
  });
}
