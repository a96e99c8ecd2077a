import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import fs from 'node:fs';
import * as nodeModule from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fsError, type SystemErrorSpec } from './node-errors.js';

/** The file-system operations a fault can target. */
export type FsOperation =
  'open' | 'read' | 'write' | 'fsync' | 'close' | 'stat' | 'readdir' | 'mkdir' | 'unlink' | 'rename' | 'copy' | 'access' | 'rmdir';

/** Every {@link FsOperation}, in a stable order. */
export const FS_OPERATIONS: readonly FsOperation[] = [
  'open',
  'read',
  'write',
  'fsync',
  'close',
  'stat',
  'readdir',
  'mkdir',
  'unlink',
  'rename',
  'copy',
  'access',
  'rmdir',
];

/** One call (or one stage of a whole-file call) the hooks ask the rules about. */
export interface FsCall {
  op: FsOperation;
  syscall: string;
  /** The absolute path the call acts on (through the descriptor table for descriptor calls), if known. */
  path: string | undefined;
  /** The path as the caller gave it, when Node's own error for this call would carry it. */
  errorPath: string | undefined;
  dest: string | undefined;
  /** Bytes the call writes (write stages only). */
  bytes: number | undefined;
}

/** What a rule wants done with a call: fail it, or write only `bytes` (then fail with `error`, if any). */
export interface FsDecision {
  error?: string;
  bytes?: number;
}

/** @internal A fault's hook into the wrapped functions. */
export interface FsRule {
  decide(call: FsCall): FsDecision | undefined;
  opened?(fd: number, path: string): void;
  closed?(fd: number): void;
}

interface HookState {
  readonly version: 1;
  originals: Map<string, unknown>;
  rules: FsRule[];
  fds: Map<number, string>;
  installed: boolean;
  pinned: boolean;
  /** Set while a whole-file call runs: Node implements some with the public descriptor calls, which must not count twice. */
  inside: AsyncLocalStorage<boolean>;
}

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;
type Style = 'sync' | 'callback' | 'promise';
type Kind = 'plain' | 'open' | 'close' | 'fdWrite' | 'fdWritev' | 'wholeWrite' | 'wholeRead';
interface Spec {
  op: FsOperation;
  syscall: string;
  kind: Kind;
  dest?: boolean;
}

const kHooks = Symbol.for('@proving-ground/chaos-injectors/fs-hooks@1');
const fsObject = fs as unknown as Record<string | symbol, unknown>;
const promisesObject = fs.promises as unknown as Record<string, unknown>;

const PATH_CALLS: Record<string, Spec> = {
  stat: { op: 'stat', syscall: 'stat', kind: 'plain' },
  lstat: { op: 'stat', syscall: 'lstat', kind: 'plain' },
  mkdir: { op: 'mkdir', syscall: 'mkdir', kind: 'plain' },
  readdir: { op: 'readdir', syscall: 'scandir', kind: 'plain' },
  unlink: { op: 'unlink', syscall: 'unlink', kind: 'plain' },
  rmdir: { op: 'rmdir', syscall: 'rmdir', kind: 'plain' },
  access: { op: 'access', syscall: 'access', kind: 'plain' },
  rename: { op: 'rename', syscall: 'rename', kind: 'plain', dest: true },
  copyFile: { op: 'copy', syscall: 'copyfile', kind: 'plain', dest: true },
  open: { op: 'open', syscall: 'open', kind: 'open' },
  writeFile: { op: 'write', syscall: 'write', kind: 'wholeWrite' },
  appendFile: { op: 'write', syscall: 'write', kind: 'wholeWrite' },
  readFile: { op: 'read', syscall: 'read', kind: 'wholeRead' },
};

const DESCRIPTOR_CALLS: Record<string, Spec> = {
  close: { op: 'close', syscall: 'close', kind: 'close' },
  write: { op: 'write', syscall: 'write', kind: 'fdWrite' },
  writev: { op: 'write', syscall: 'write', kind: 'fdWritev' },
  read: { op: 'read', syscall: 'read', kind: 'plain' },
  fsync: { op: 'fsync', syscall: 'fsync', kind: 'plain' },
  fdatasync: { op: 'fsync', syscall: 'fdatasync', kind: 'plain' },
};

const HANDLE_CALLS: Record<string, Spec> = {
  write: { op: 'write', syscall: 'write', kind: 'fdWrite' },
  writev: { op: 'write', syscall: 'write', kind: 'fdWritev' },
  writeFile: { op: 'write', syscall: 'write', kind: 'wholeWrite' },
  appendFile: { op: 'write', syscall: 'write', kind: 'wholeWrite' },
  read: { op: 'read', syscall: 'read', kind: 'plain' },
  readFile: { op: 'read', syscall: 'read', kind: 'wholeRead' },
  sync: { op: 'fsync', syscall: 'fsync', kind: 'plain' },
  datasync: { op: 'fsync', syscall: 'fdatasync', kind: 'plain' },
  close: { op: 'close', syscall: 'close', kind: 'close' },
};

/** @internal The hooks' state, kept on the `fs` module itself: one per process, whichever copy installed them. */
export function fsHookState(): HookState {
  let state = fsObject[kHooks] as HookState | undefined;
  if (state === undefined) {
    state = {
      version: 1,
      originals: new Map(),
      rules: [],
      fds: new Map(),
      installed: false,
      pinned: false,
      inside: new AsyncLocalStorage(),
    };
    Object.defineProperty(fsObject, kHooks, { value: state, configurable: true, enumerable: false });
  }
  return state;
}

function pathOf(value: unknown, state: HookState): { given: string | undefined; absolute: string | undefined } {
  if (typeof value === 'string') return { given: value, absolute: resolve(value) };
  if (Buffer.isBuffer(value)) return { given: value.toString(), absolute: resolve(value.toString()) };
  if (value instanceof URL) {
    const path = fileURLToPath(value);
    return { given: path, absolute: path };
  }
  const fd = typeof value === 'number' ? value : (value as { fd?: unknown } | null)?.fd;
  return { given: undefined, absolute: typeof fd === 'number' ? state.fds.get(fd) : undefined };
}

function ask(state: HookState, call: FsCall): FsDecision | undefined {
  for (const rule of [...state.rules]) {
    const decision = rule.decide(call);
    if (decision !== undefined) return decision;
  }
  return undefined;
}

function view(value: unknown, encoding: unknown): Uint8Array | undefined {
  if (typeof value === 'string') return Buffer.from(value, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return undefined;
}

function encodingOf(options: unknown): unknown {
  return typeof options === 'string' ? options : (options as { encoding?: unknown } | null | undefined)?.encoding;
}

/** `write(fd, buffer, offset?, length?, position?)`, `write(fd, buffer, { offset, length, position })`, `write(fd, string, position?, encoding?)`. */
function writeArgs(data: unknown, a: unknown, b: unknown, c: unknown): { data: Uint8Array; position: unknown } | undefined {
  if (typeof data === 'string')
    return { data: Buffer.from(data, typeof b === 'string' ? (b as BufferEncoding) : 'utf8'), position: typeof a === 'number' ? a : null };
  const bytes = view(data, undefined);
  if (bytes === undefined) return undefined;
  const options = typeof a === 'object' && a !== null ? (a as { offset?: number; length?: number; position?: unknown }) : undefined;
  const offset = options?.offset ?? (typeof a === 'number' ? a : 0);
  const length = options?.length ?? (typeof b === 'number' ? b : bytes.byteLength - offset);
  return { data: bytes.subarray(offset, offset + length), position: options === undefined ? c : options.position };
}

function splitCallback(style: Style, args: unknown[]): { args: unknown[]; callback: ((...values: unknown[]) => void) | undefined } {
  if (style !== 'callback' || typeof args.at(-1) !== 'function') return { args, callback: undefined };
  return { args: args.slice(0, -1), callback: args.at(-1) as (...values: unknown[]) => void };
}

/**
 * Wrap one function: ask the rules about the call, then fail it, shorten it, or run the original.
 * `self` is the FileHandle for handle methods (its descriptor is the target).
 */
function wrapper(state: HookState, style: Style, spec: Spec, original: AnyFunction, onHandle?: boolean): AnyFunction {
  const wrapped = function (this: unknown, ...all: unknown[]): unknown {
    if (state.inside.getStore() === true) return original.apply(this, all);
    if (state.rules.length === 0 && spec.kind !== 'open' && spec.kind !== 'close') return original.apply(this, all);
    const { args, callback } = splitCallback(style, all);
    const target = onHandle === true ? pathOf(this, state) : pathOf(args[0], state);
    const rest = onHandle === true ? args : args.slice(1);
    const named =
      spec.kind === 'plain' || spec.kind === 'open'
        ? onHandle === true || typeof args[0] === 'number'
          ? undefined
          : target.given
        : undefined;
    const dest = spec.dest === true ? pathOf(rest[0], state) : undefined;
    const fail = (error: Error): unknown => {
      if (style === 'sync') throw error;
      if (style === 'promise') return Promise.reject(error);
      if (callback !== undefined) process.nextTick(callback, error);
      return undefined;
    };
    const call = (op: FsOperation, syscall: string, errorPath: string | undefined, bytes?: number): FsDecision | undefined =>
      ask(state, { op, syscall, path: target.absolute, errorPath, dest: dest?.given, bytes });
    const systemError = (code: string, syscall: string, errorPath: string | undefined): Error => {
      const errorSpec: SystemErrorSpec = { code, syscall, path: errorPath };
      if (errorPath !== undefined && dest?.given !== undefined) errorSpec.dest = dest.given;
      return fsError(errorSpec);
    };
    const isPathCall = onHandle !== true && typeof args[0] !== 'number' && (args[0] as { fd?: unknown } | null)?.fd === undefined;

    if (spec.kind === 'wholeWrite' || spec.kind === 'wholeRead') {
      // The user's callback runs in the caller's context, where faults apply again.
      const whole = (values: unknown[]): unknown => {
        const last = values.at(-1);
        const bound =
          style === 'callback' && typeof last === 'function' ? [...values.slice(0, -1), AsyncResource.bind(last as AnyFunction)] : values;
        return state.inside.run(true, () => original.apply(this, bound));
      };
      if (isPathCall) {
        const opening = call('open', 'open', target.given);
        if (opening?.error !== undefined) return fail(systemError(opening.error, 'open', target.given));
      }
      const data = spec.kind === 'wholeWrite' ? view(rest[0], encodingOf(rest[1])) : undefined;
      const decision = call(spec.op, spec.syscall, undefined, data?.byteLength);
      if (decision === undefined) return whole(all);
      const error = systemError(decision.error ?? 'EIO', spec.syscall, undefined);
      if (spec.kind === 'wholeRead' || data === undefined || decision.bytes === undefined || decision.bytes <= 0) return fail(error);
      // Write the part that fits, as the kernel would, then fail: the file is left partial.
      const prefix = Buffer.from(data.subarray(0, decision.bytes));
      const prefixArgs = onHandle === true ? [prefix, ...rest.slice(1)] : [args[0], prefix, ...rest.slice(1)];
      if (style === 'sync') {
        whole(prefixArgs);
        throw error;
      }
      if (style === 'promise') return (whole(prefixArgs) as Promise<unknown>).then(() => Promise.reject(error));
      return whole([...prefixArgs, (failure: unknown) => callback?.(failure ?? error)]);
    }

    if (spec.kind === 'fdWrite' || spec.kind === 'fdWritev') {
      const parts =
        spec.kind === 'fdWritev'
          ? { buffers: (rest[0] as ArrayBufferView[]).map((part) => view(part, undefined)!), position: rest[1] }
          : undefined;
      const parsed = parts === undefined ? writeArgs(rest[0], rest[1], rest[2], rest[3]) : undefined;
      const bytes = parts !== undefined ? parts.buffers.reduce((sum, part) => sum + part.byteLength, 0) : parsed?.data.byteLength;
      const decision = call('write', 'write', undefined, bytes);
      if (decision === undefined || bytes === undefined) return original.apply(this, all);
      if (decision.bytes === undefined || decision.bytes <= 0 || decision.bytes >= bytes) {
        if (decision.error === undefined) return original.apply(this, all);
        return fail(systemError(decision.error, 'write', undefined));
      }
      // A short write: the call succeeds with fewer bytes than asked, which callers must check.
      const lead = onHandle === true ? [] : [args[0]];
      if (parts !== undefined) {
        const kept: Uint8Array[] = [];
        let left = decision.bytes;
        for (const part of parts.buffers) {
          if (left <= 0) break;
          kept.push(part.subarray(0, left));
          left -= part.byteLength;
        }
        return original.apply(this, [...lead, kept, parts.position, ...(callback === undefined ? [] : [callback])]);
      }
      const short = parsed!.data.subarray(0, decision.bytes);
      return original.apply(this, [...lead, short, 0, short.byteLength, parsed!.position, ...(callback === undefined ? [] : [callback])]);
    }

    const decision = call(spec.op, spec.syscall, named);
    if (decision?.error !== undefined) return fail(systemError(decision.error, spec.syscall, named));
    if (spec.kind === 'close') {
      const fd = onHandle === true ? (this as { fd: number }).fd : (args[0] as number);
      forget(state, fd);
      return original.apply(this, all);
    }
    if (spec.kind !== 'open' || target.absolute === undefined) return original.apply(this, all);
    const path = target.absolute;
    if (style === 'sync') return remember(state, original.apply(this, all) as number, path);
    if (style === 'promise') return (original.apply(this, all) as Promise<object>).then((handle) => wrapHandle(state, handle, path));
    return original.apply(this, [
      ...args,
      (error: unknown, fd: number) => callback?.(error, error == null ? remember(state, fd, path) : fd),
    ]);
  };
  for (const key of Reflect.ownKeys(original)) {
    // util.promisify's custom symbols (fs.read and fs.write resolve to objects through them).
    if (typeof key === 'symbol') Object.defineProperty(wrapped, key, Object.getOwnPropertyDescriptor(original, key)!);
  }
  Object.defineProperty(wrapped, 'name', { value: original.name });
  Object.defineProperty(wrapped, 'length', { value: original.length });
  return wrapped;
}

function remember(state: HookState, fd: number, path: string): number {
  state.fds.set(fd, path);
  for (const rule of [...state.rules]) rule.opened?.(fd, path);
  return fd;
}

function forget(state: HookState, fd: number): void {
  if (!state.fds.delete(fd)) return;
  for (const rule of [...state.rules]) rule.closed?.(fd);
}

function wrapHandle(state: HookState, handle: object, path: string): object {
  const fd = (handle as { fd: number }).fd;
  remember(state, fd, path);
  const prototype = Object.getPrototypeOf(handle) as Record<string, unknown>;
  for (const [name, spec] of Object.entries(HANDLE_CALLS)) {
    const method = prototype[name];
    if (typeof method !== 'function') continue;
    Object.defineProperty(handle, name, {
      value: wrapper(state, 'promise', spec, method as AnyFunction, true),
      configurable: true,
      writable: true,
    });
  }
  return handle;
}

function sync(): void {
  // Outside Jest, `import { writeFile } from 'node:fs'` bindings follow the module object only after this.
  const syncExports = (nodeModule as { syncBuiltinESMExports?: () => void }).syncBuiltinESMExports;
  if (typeof syncExports === 'function') syncExports();
}

/**
 * Replace the public functions of `fs` and `fs/promises` with wrappers that ask the active faults
 * about each call (and run the original when none applies). `pin` keeps them installed for the
 * process: code that took a function out of the module before a fault was injected
 * (`const { writeFileSync } = require('fs')`, or a Jest ESM `import { writeFileSync } from 'node:fs'`,
 * which Jest binds when the file is imported) then sees the faults too. The setup entry pins them.
 *
 * @example
 * installFsHooks({ pin: true })
 */
export function installFsHooks(options: { pin?: boolean } = {}): void {
  const state = fsHookState();
  if (options.pin === true) state.pinned = true;
  if (state.installed) return;
  const replace = (holder: Record<string | symbol, unknown>, key: string, name: string, style: Style, spec: Spec): void => {
    const original = holder[name];
    if (typeof original !== 'function') return;
    state.originals.set(key, original);
    holder[name] = wrapper(state, style, spec, original as AnyFunction);
  };
  for (const [name, spec] of [...Object.entries(PATH_CALLS), ...Object.entries(DESCRIPTOR_CALLS)]) {
    replace(fsObject, name, name, 'callback', spec);
    replace(fsObject, `${name}Sync`, `${name}Sync`, 'sync', spec);
    if (name in PATH_CALLS) replace(promisesObject, `promises.${name}`, name, 'promise', spec);
  }
  state.installed = true;
  sync();
}

/** Put the original functions back, unless the hooks are pinned or a fault still uses them. */
export function uninstallFsHooks(): void {
  const state = fsHookState();
  if (!state.installed || state.pinned || state.rules.length > 0) return;
  for (const [key, original] of state.originals) {
    if (key.startsWith('promises.')) promisesObject[key.slice('promises.'.length)] = original;
    else fsObject[key] = original;
  }
  state.originals.clear();
  state.installed = false;
  sync();
}

/** @internal Add a rule (installing the hooks when needed); returns its removal. */
export function addFsRule(rule: FsRule): () => void {
  const state = fsHookState();
  installFsHooks();
  state.rules.push(rule);
  return () => {
    const index = state.rules.indexOf(rule);
    if (index >= 0) state.rules.splice(index, 1);
    uninstallFsHooks();
  };
}
