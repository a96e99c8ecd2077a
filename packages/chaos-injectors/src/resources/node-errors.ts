import { getSystemErrorMap } from 'node:util';

/** The error a fault raises, described by the parts Node puts on its own errors. */
export interface SystemErrorSpec {
  /** An errno name Node knows: `ENOSPC`, `EIO`, `EACCES`, `EMFILE`, ... */
  code: string;
  /** The system call that failed: `open`, `write`, `fsync`, `connect`, ... */
  syscall: string;
  path?: string | undefined;
  dest?: string | undefined;
}

let byName: Map<string, { errno: number; message: string }> | undefined;

function systemErrors(): Map<string, { errno: number; message: string }> {
  if (byName === undefined) {
    byName = new Map();
    for (const [errno, [name, message]] of getSystemErrorMap()) byName.set(name, { errno, message });
  }
  return byName;
}

/** Every errno name this platform's Node knows, sorted. */
export function knownErrorCodes(): string[] {
  return [...systemErrors().keys()].sort();
}

/** Whether `code` is an errno name this platform's Node knows. */
export function isErrorCode(code: string): boolean {
  return systemErrors().has(code);
}

/**
 * An error shaped exactly like the one Node raises for a failed file-system call: the message
 * `ENOSPC: no space left on device, write` (with ` '<path>'` and ` -> '<dest>'` when the call has
 * them), and `errno` (libuv's negative number), `code`, `syscall`, `path`, `dest` in Node's order.
 *
 * @example
 * fsError({ code: 'EACCES', syscall: 'open', path: '/srv/data.json' })
 * // Error: EACCES: permission denied, open '/srv/data.json'
 */
export function fsError(spec: SystemErrorSpec): NodeJS.ErrnoException {
  const known = systemErrors().get(spec.code);
  const where = `${spec.path === undefined ? '' : ` '${spec.path}'`}${spec.dest === undefined ? '' : ` -> '${spec.dest}'`}`;
  const error = new Error(`${spec.code}: ${known?.message ?? 'unknown error'}, ${spec.syscall}${where}`) as NodeJS.ErrnoException;
  if (known !== undefined) error.errno = known.errno;
  error.code = spec.code;
  error.syscall = spec.syscall;
  if (spec.path !== undefined) error.path = spec.path;
  if (spec.dest !== undefined) (error as { dest?: string }).dest = spec.dest;
  Error.captureStackTrace(error, fsError);
  return error;
}

/**
 * An error shaped like the one `net` raises when a connect fails with `code`:
 * `connect EMFILE 127.0.0.1:5432 - Local (undefined:undefined)`, with `errno`, `code`, `syscall`,
 * `address` and `port`.
 *
 * @example
 * connectError('EMFILE', '127.0.0.1', 5432)
 */
export function connectError(code: string, address: string, port: number | undefined): NodeJS.ErrnoException {
  const known = systemErrors().get(code);
  const where = port === undefined ? address : `${address}:${port}`;
  const error = new Error(`connect ${code} ${where} - Local (undefined:undefined)`) as NodeJS.ErrnoException & {
    address?: string;
    port?: number;
  };
  if (known !== undefined) error.errno = known.errno;
  error.code = code;
  error.syscall = 'connect';
  error.address = address;
  if (port !== undefined) error.port = port;
  return error;
}
