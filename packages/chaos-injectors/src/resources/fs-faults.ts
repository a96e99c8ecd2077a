import { checks, countProblems, describeChoice, listOptionProblems, type OptionCheck } from '@proving-ground/kit';
import { registerFault, faultRandom, type FaultHandle } from '../cleanup/registry.js';
import { ChaosError } from '../errors.js';
import { addFsRule, FS_OPERATIONS, type FsCall, type FsDecision, type FsOperation } from './fs-hooks.js';
import { isErrorCode, knownErrorCodes } from './node-errors.js';
import { describePattern, pathMatcher, type PathPattern } from './paths.js';

/** Options of {@link injectFsFault}: where, which operations, and what goes wrong. */
export interface FsFaultOptions {
  /** The paths the fault acts on: a glob, a file or folder (and everything under it), a RegExp or a test of absolute paths. */
  path: PathPattern;
  /** The operations it acts on (the default depends on the fault: see the guide). */
  operations?: FsOperation[];
  /** Fail matching calls with this errno (`EIO`, `EACCES`, `EMFILE`, `ENOSPC`, ...), shaped like Node's own error. */
  error?: string;
  /** A disk that holds this many more bytes under `path`: the write that crosses it writes what fits, then fails with `ENOSPC`. */
  diskQuota?: number;
  /**
   * Write only this many bytes of each matching write: a descriptor write (`fs.write`, `handle.write`,
   * streams) returns a short count, as `write(2)` may; a whole-file write leaves that prefix, then fails with `error` (default `EIO`).
   */
  partialWrite?: number;
  /** How likely a matching call is to fail (0 to 1, default 1), rolled from the seeded stream. */
  probability?: number;
  /** Let this many matching calls through first. */
  after?: number;
  /** Fire at most this many times. */
  times?: number;
}

/** A file-system fault: a {@link FaultHandle} that also counts what it did. */
export interface FsFaultHandle extends FaultHandle {
  /** How many calls the fault failed or shortened. */
  readonly fired: number;
  /** Bytes written under the pattern since the fault began (for `diskQuota`). */
  readonly bytesWritten: number;
}

function defaultOperations(options: FsFaultOptions): FsOperation[] {
  if (options.diskQuota !== undefined || options.partialWrite !== undefined) return ['write'];
  switch (options.error) {
    case 'ENOSPC':
    case 'EDQUOT':
    case 'EFBIG':
      return ['write'];
    case 'EMFILE':
    case 'ENFILE':
      return ['open', 'readdir'];
    case 'EIO':
      return ['read', 'write', 'fsync'];
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return ['open', 'readdir', 'mkdir', 'unlink', 'rename', 'copy', 'access', 'rmdir'];
    default:
      return FS_OPERATIONS.filter((op) => op !== 'close');
  }
}

const pathCheck: OptionCheck = (value) =>
  (typeof value === 'string' && value !== '') || value instanceof RegExp || typeof value === 'function'
    ? undefined
    : 'expected a glob, a path, a RegExp or a function';

const errorCheck: OptionCheck = (value) =>
  typeof value === 'string' && isErrorCode(value)
    ? undefined
    : `expected an errno name Node knows, got ${typeof value === 'string' ? describeChoice(value, knownErrorCodes()) : String(value)}`;

const operationsCheck: OptionCheck = (value) => {
  if (!Array.isArray(value) || value.length === 0) return `expected a non-empty array of ${FS_OPERATIONS.join(', ')}`;
  const wrong = (value as unknown[]).find((op) => !FS_OPERATIONS.includes(op as FsOperation));
  return wrong === undefined
    ? undefined
    : `expected operations among ${FS_OPERATIONS.join(', ')}, got ${typeof wrong === 'string' ? describeChoice(wrong, FS_OPERATIONS) : typeof wrong}`;
};

function validate(options: FsFaultOptions): void {
  const problems = listOptionProblems(options, {
    path: pathCheck,
    operations: operationsCheck,
    error: errorCheck,
    diskQuota: checks.integer(0),
    partialWrite: checks.integer(0),
    probability: checks.number(0, 1),
    after: checks.integer(0),
    times: checks.integer(1),
  });
  if ((options as Partial<FsFaultOptions>).path === undefined) problems.push('- path: required (a glob, a path, a RegExp or a function).');
  if (options.error === undefined && options.diskQuota === undefined && options.partialWrite === undefined) {
    problems.push('- error, diskQuota or partialWrite: give one, to say what goes wrong.');
  }
  if (options.diskQuota !== undefined && (options.partialWrite !== undefined || options.error !== undefined)) {
    problems.push('- diskQuota: it fails with ENOSPC by itself; leave out error and partialWrite.');
  }
  if (problems.length > 0) {
    throw new ChaosError('CHAOS_INVALID_RESOURCE_FAULT', {
      action: 'inject a file-system fault',
      reason: `its options have ${countProblems(problems)}`,
      details: problems,
      fix: 'Fix the options listed above (see the file-system section of the guide).',
    });
  }
}

function describeFault(options: FsFaultOptions, operations: readonly FsOperation[]): string {
  const what =
    options.diskQuota !== undefined
      ? `ENOSPC after ${options.diskQuota} bytes`
      : options.partialWrite !== undefined
        ? `partial writes of ${options.partialWrite} bytes`
        : options.error!;
  const odds = options.probability === undefined || options.probability >= 1 ? '' : ` (p=${options.probability})`;
  return `${what} on ${operations.join('/')} ${describePattern(options.path)}${odds}`;
}

/**
 * Make file-system calls on matching paths fail the way a sick disk does, by wrapping the public
 * `fs` and `fs/promises` functions (streams and FileHandles included). Errors carry Node's own
 * `code`, `errno`, `syscall` and `path`. The fault is registered: `await using` restores it, and the
 * setup entry restores it after the test.
 *
 * @throws ChaosError `CHAOS_INVALID_RESOURCE_FAULT` listing every problem with the options
 * @example
 * await using disk = injectFsFault({ path: '/tmp/exports/**', diskQuota: 1024 })
 * await expect(exportOrders('/tmp/exports/orders.csv')).rejects.toThrow('ENOSPC')
 */
export function injectFsFault(options: FsFaultOptions): FsFaultHandle {
  validate(options);
  const operations = options.operations ?? defaultOperations(options);
  const matches = pathMatcher(options.path);
  // Not the path in the label: a temporary folder differs on every run, and the seed must replay.
  const random = faultRandom(`fs:${options.error ?? ''}:${operations.join('/')}`);
  const probability = options.probability ?? 1;
  let seen = 0;
  let fired = 0;
  let bytesWritten = 0;
  const self: { handle?: FaultHandle } = {};

  const decide = (call: FsCall): FsDecision | undefined => {
    if (!operations.includes(call.op) || call.path === undefined || !matches(call.path)) return undefined;
    if (options.diskQuota !== undefined) {
      if (call.op !== 'write' || call.bytes === undefined) return undefined;
      if (bytesWritten + call.bytes <= options.diskQuota) {
        bytesWritten += call.bytes;
        return undefined;
      }
      const fits = options.diskQuota - bytesWritten;
      bytesWritten = options.diskQuota;
      fired++;
      self.handle?.record(`ENOSPC on ${call.syscall} '${call.path}' (${fits} of ${call.bytes} bytes written)`);
      return { error: 'ENOSPC', bytes: fits };
    }
    seen++;
    if (seen <= (options.after ?? 0)) return undefined;
    if (options.times !== undefined && fired >= options.times) return undefined;
    if (probability < 1 && !random.chance(probability)) return undefined;
    if (options.partialWrite !== undefined) {
      if (call.op !== 'write' || call.bytes === undefined || call.bytes <= options.partialWrite) return undefined;
      fired++;
      self.handle?.record(`partial ${call.syscall} '${call.path}' (${options.partialWrite} of ${call.bytes} bytes)`);
      return { bytes: options.partialWrite, error: options.error ?? 'EIO' };
    }
    fired++;
    self.handle?.record(`${options.error} on ${call.syscall} '${call.path}'`);
    return { error: options.error! };
  };

  const removeRule = addFsRule({ decide });
  const registered = (self.handle = registerFault({ kind: 'fs', target: describeFault(options, operations), restore: removeRule }));
  return Object.defineProperties({} as FsFaultHandle, {
    ...Object.getOwnPropertyDescriptors(registered),
    fired: { get: () => fired, enumerable: true },
    bytesWritten: { get: () => bytesWritten, enumerable: true },
  });
}
