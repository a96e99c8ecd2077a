import type * as Fs from 'node:fs';

type AnyFunction = (...args: unknown[]) => unknown;
type Patchable = Record<string, unknown>;
/** What one `fs` call is about: the paths, and the set they go to. */
type Found = { set: Set<string>; paths: string[] };

/** `fs` functions whose first argument is a file the test reads (or checks: its absence matters too). */
const FILE_FUNCTIONS = [
  'readFileSync',
  'readFile',
  'createReadStream',
  'existsSync',
  'exists',
  'statSync',
  'stat',
  'lstatSync',
  'lstat',
  'accessSync',
  'access',
  'openSync',
  'open',
] as const;
/** `fs` functions whose first argument is a folder the test lists. */
const FOLDER_FUNCTIONS = ['readdirSync', 'readdir', 'opendirSync', 'opendir'] as const;
const GLOB_FUNCTIONS = ['globSync', 'glob'] as const;
const PROMISE_FILE_FUNCTIONS = ['readFile', 'open', 'stat', 'lstat', 'access'] as const;
const PROMISE_FOLDER_FUNCTIONS = ['readdir', 'opendir'] as const;
const PROMISE_GLOB_FUNCTIONS = ['glob'] as const;

/** A path argument as `fs` takes it, kept raw (made absolute once, when the record is written). */
function pathOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof URL) return value.protocol === 'file:' ? value.href : undefined;
  if (value instanceof Uint8Array) return Buffer.from(value).toString();
  return undefined;
}

/** The paths an `fs` call is about: none for a file descriptor. */
function pathsOf(value: unknown): string[] {
  const path = pathOf(value);
  return path === undefined ? [] : [path];
}

/** The folders a glob call lists, from its patterns and its `cwd` option. */
function globFolders(patterns: unknown, options: unknown): string[] {
  const cwd = typeof options === 'object' && options !== null ? (options as { cwd?: unknown }).cwd : undefined;
  const list: unknown[] = Array.isArray(patterns) ? patterns : [patterns];
  return list.filter((pattern): pattern is string => typeof pattern === 'string').map((pattern) => globFolder(pattern, cwd));
}

/** The folder a glob pattern lists: its segments before the first one with a glob character. */
function globFolder(pattern: string, cwd: unknown): string {
  const segments = pattern.split('/');
  const fixed: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    if (/[*?[\]{}()!+@]/.test(segment)) break;
    fixed.push(segment);
  }
  const folder = fixed.join('/');
  const base = pathOf(cwd);
  if (base === undefined) return folder === '' ? '.' : folder;
  return folder === '' ? base : `${base.replace(/\/$/, '')}/${folder}`;
}

const FRAME = /(?:\(|at )((?:file:\/\/)?\/[^():]*|[A-Za-z]:\\[^():]*):\d+:\d+\)?$/;

/**
 * The file of the first frame of `stack` that is not Node's own (`node:` frames, as when
 * `createReadStream` opens its file through the public `fs.open`), or undefined.
 */
function callerFile(stack: string | undefined): string | undefined {
  if (stack === undefined) return undefined;
  for (const line of stack.split('\n').slice(1)) {
    if (line.includes('(node:') || line.includes('at node:')) continue;
    const match = FRAME.exec(line.trim());
    if (match === null) continue;
    const file = match[1]!;
    return file.startsWith('file://') ? decodeURIComponent(file.slice('file://'.length)) : file;
  }
  return undefined;
}

/**
 * What one test file reads while it runs: files and folders through the public `fs` and
 * `fs/promises` modules (patched for the test file, restored after) and environment variables
 * through a proxy over the test context's `process.env`. Each access costs a Set add.
 *
 * @example
 * const log = new AccessLog(); log.patchFs(fs); log.watchEnv(process); ... log.restore();
 */
export class AccessLog {
  /**
   * @param isTestCode - whether a file is code of the test (in its module registry): a call from
   *   any other file is Jest's or Babel's own work in this worker (config lookups, its transform
   *   cache), not the test's
   */
  constructor(private readonly isTestCode: (file: string) => boolean) {}

  /** Raw path arguments of file reads (relative ones against the cwd, URLs as `file:` hrefs). */
  readonly files = new Set<string>();
  readonly folders = new Set<string>();
  readonly env = new Set<string>();
  private readonly restores: Array<() => void> = [];

  /** Patches `fs` and `fs.promises` (the same object as `fs/promises`). */
  patchFs(fs: typeof Fs): void {
    const target = fs as unknown as Patchable;
    const file = (args: unknown[]): Found => ({ set: this.files, paths: pathsOf(args[0]) });
    const folder = (args: unknown[]): Found => ({ set: this.folders, paths: pathsOf(args[0]) });
    const glob = (args: unknown[]): Found => ({ set: this.folders, paths: globFolders(args[0], args[1]) });
    for (const name of FILE_FUNCTIONS) this.wrap(target, name, file);
    for (const name of FOLDER_FUNCTIONS) this.wrap(target, name, folder);
    for (const name of GLOB_FUNCTIONS) this.wrap(target, name, glob);
    const promises = fs.promises as unknown as Patchable;
    for (const name of PROMISE_FILE_FUNCTIONS) this.wrap(promises, name, file);
    for (const name of PROMISE_FOLDER_FUNCTIONS) this.wrap(promises, name, folder);
    for (const name of PROMISE_GLOB_FUNCTIONS) this.wrap(promises, name, glob);
  }

  /** Replaces `context.env` with a proxy that notes each variable read (`get` and `in`). */
  watchEnv(context: { env: NodeJS.ProcessEnv }): void {
    const original = context.env;
    const env = this.env;
    const proxy = new Proxy(original, {
      get(target, key, receiver) {
        if (typeof key === 'string') env.add(key);
        return Reflect.get(target, key, receiver) as unknown;
      },
      has(target, key) {
        if (typeof key === 'string') env.add(key);
        return Reflect.has(target, key);
      },
    });
    try {
      context.env = proxy;
    } catch {
      return;
    }
    this.restores.push(() => {
      if (context.env === proxy) context.env = original;
    });
  }

  /** Puts back everything patched, newest first. */
  restore(): void {
    for (const undo of this.restores.splice(0).reverse()) undo();
  }

  /** Whether the function calling `wrapper` is test code; costs a short stack capture, no IO. */
  private fromTest(wrapper: AnyFunction): boolean {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 12;
    const holder: { stack?: string } = {};
    Error.captureStackTrace(holder, wrapper);
    Error.stackTraceLimit = limit;
    const file = callerFile(holder.stack);
    return file !== undefined && this.isTestCode(file);
  }

  private wrap(target: Patchable, name: string, find: (args: unknown[]) => Found): void {
    const original = target[name];
    if (typeof original !== 'function') return;
    const call = original as AnyFunction;
    const fromTest = this.fromTest.bind(this);
    const wrapper = function (this: unknown, ...args: unknown[]): unknown {
      const { set, paths } = find(args);
      // The stack is only looked at for a path not recorded yet: repeated reads cost a Set lookup.
      const fresh = paths.filter((path) => !set.has(path));
      if (fresh.length > 0 && fromTest(wrapper)) for (const path of fresh) set.add(path);
      return call.apply(this, args);
    };
    // Keeps `util.promisify.custom` (fs.exists) and any other own symbol.
    for (const key of Object.getOwnPropertySymbols(original)) {
      (wrapper as unknown as Record<symbol, unknown>)[key] = (original as unknown as Record<symbol, unknown>)[key];
    }
    target[name] = wrapper;
    this.restores.push(() => {
      if (target[name] === wrapper) target[name] = original;
    });
  }
}
