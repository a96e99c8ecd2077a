import type * as ChildProcess from 'node:child_process';
import type * as Fs from 'node:fs';
import { promisify } from 'node:util';

/** Names the file a child process started by a recorded test appends what it loaded to. */
export const CHILD_LOG_VARIABLE = 'IMPACT_ANALYZER_CHILD_LOG';

type AnyFunction = (...args: unknown[]) => unknown;

/** `child_process` functions, with the index of their first argument after the command. */
const STARTERS = {
  spawn: 1,
  spawnSync: 1,
  execFile: 1,
  execFileSync: 1,
  fork: 1,
  exec: 1,
  execSync: 1,
} as const;

/** `NODE_OPTIONS` with the hook preloaded, once, its path quoted (a folder may hold spaces). */
function withHook(options: string | undefined, hook: string): string {
  const flag = `--require ${JSON.stringify(hook)}`;
  if (options?.includes(flag) === true) return options;
  return options === undefined || options.trim() === '' ? flag : `${options} ${flag}`;
}

/**
 * Makes the child processes a test file starts report what they load: while started, every
 * `child_process` starter gets an environment that preloads the child hook (`NODE_OPTIONS`) and
 * names this test file's child log. Non-Node children ignore both; Node children (a CLI, a script,
 * a whole Jest and its workers) append the files they loaded when they exit.
 *
 * A caller's own `env` is kept and extended; without one, the child gets the test's `process.env`
 * plus the two variables. A child started as another user (`uid`, `gid`) is left as it is: that
 * user may not read the hook, and its files are not recorded.
 *
 * @example
 * const children = new ChildProcessLog({ childProcess, fs, env: process.env, hook, log });
 * children.start(); // … the test runs `node dist/cli.mjs` …
 * children.stop(); children.files() // ['/repo/packages/x/dist/cli.mjs', …]
 */
export class ChildProcessLog {
  private readonly originals = new Map<string, AnyFunction>();
  private readonly readFile: typeof Fs.readFileSync;

  constructor(
    private readonly options: {
      childProcess: typeof ChildProcess;
      fs: typeof Fs;
      env: NodeJS.ProcessEnv;
      /** Absolute path of the built child hook (`child-hook.cjs`). */
      hook: string;
      /** Absolute path of the JSON-lines file the children append to. */
      log: string;
    },
  ) {
    this.readFile = options.fs.readFileSync;
  }

  /** Wraps the `child_process` starters. */
  start(): void {
    const target = this.options.childProcess as unknown as Record<string, AnyFunction>;
    for (const [name, first] of Object.entries(STARTERS)) {
      const original = target[name];
      if (typeof original !== 'function' || this.originals.has(name)) continue;
      this.originals.set(name, original);
      const environment = (env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv => this.environment(env);
      const wrapper = function (this: unknown, ...args: unknown[]) {
        return original.apply(this, withEnvironment(args, first, environment));
      };
      // `promisify(execFile)` and `promisify(exec)` resolve with `{ stdout, stderr }` through the
      // original's custom form: the wrapper keeps one, with the same environment.
      const custom = (original as { [promisify.custom]?: unknown })[promisify.custom];
      if (typeof custom === 'function') {
        Object.defineProperty(wrapper, promisify.custom, {
          configurable: true,
          value: function (this: unknown, ...args: unknown[]) {
            return (custom as AnyFunction).apply(this, withEnvironment(args, first, environment));
          },
        });
      }
      target[name] = wrapper;
    }
  }

  /** Puts the original starters back. */
  stop(): void {
    const target = this.options.childProcess as unknown as Record<string, AnyFunction>;
    for (const [name, original] of this.originals) target[name] = original;
    this.originals.clear();
  }

  /** The absolute paths every finished child reported (a killed child reports nothing). */
  files(): string[] {
    let text: string;
    try {
      text = this.readFile(this.options.log, 'utf8');
    } catch {
      return [];
    }
    const files = new Set<string>();
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const entry = JSON.parse(line) as { files?: unknown };
        if (Array.isArray(entry.files)) for (const file of entry.files) if (typeof file === 'string') files.add(file);
      } catch {
        // A line cut short by a child killed mid-write: the other lines still count.
      }
    }
    return [...files];
  }

  private environment(env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv {
    const base = env ?? this.options.env;
    return {
      ...base,
      NODE_OPTIONS: withHook(base['NODE_OPTIONS'], this.options.hook),
      [CHILD_LOG_VARIABLE]: this.options.log,
    };
  }
}

/** Whether `options` start the child as a user or group other than this process's. */
function asAnotherUser(options: { uid?: number; gid?: number }): boolean {
  return (
    (options.uid !== undefined && options.uid !== process.getuid?.()) || (options.gid !== undefined && options.gid !== process.getgid?.())
  );
}

/**
 * The starter's arguments with an options object whose `env` preloads the hook: the caller's
 * options extended, or new options put where the starter takes them (before a callback).
 */
function withEnvironment(
  args: readonly unknown[],
  first: number,
  environment: (env: NodeJS.ProcessEnv | undefined) => NodeJS.ProcessEnv,
): unknown[] {
  const copy = [...args];
  // An `undefined` where options may go (`spawn(cmd, args, undefined)`, `exec(cmd, undefined, cb)`).
  let slot = -1;
  for (let i = first; i < copy.length; i++) {
    const value = copy[i];
    if (value === undefined || value === null) {
      if (slot === -1) slot = i;
    } else if (Array.isArray(value)) {
      slot = -1;
    } else if (typeof value === 'function') {
      if (slot !== -1) copy[slot] = { env: environment(undefined) };
      else copy.splice(i, 0, { env: environment(undefined) });
      return copy;
    } else if (typeof value === 'object') {
      const options = value as { env?: NodeJS.ProcessEnv; uid?: number; gid?: number };
      // A child started as another user may be unable to read the hook (or write the log) in this
      // user's folders, and Node would refuse to start: it runs as it would without the recorder.
      if (asAnotherUser(options)) return copy;
      copy[i] = { ...options, env: environment(options.env) };
      return copy;
    }
  }
  if (slot !== -1) copy[slot] = { env: environment(undefined) };
  else copy.push({ env: environment(undefined) });
  return copy;
}
