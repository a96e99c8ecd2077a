import { execFileSync } from 'node:child_process';

/** How one git command ended. */
export interface GitResult {
  ok: boolean;
  /** Exit status (undefined when git could not be started). */
  status: number | undefined;
  stdout: string;
  stderr: string;
  /** Git is not installed (or not on `PATH`). */
  missing: boolean;
}

/** Options of {@link runGit}. */
export interface GitOptions {
  /** More environment variables (`GIT_INDEX_FILE`, ...). */
  env?: Record<string, string>;
}

// Reading never needs the index lock: without this, `git diff` refreshes the index and can collide
// with a `git commit` running in parallel (an editor, a hook, another tool).
const READ_ONLY_ENV = { GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };

/**
 * Runs `git <args>` in `cwd` synchronously and reports how it ended, never throwing for a non-zero
 * exit: callers decide what a failure means.
 *
 * @example
 * runGit(['rev-parse', 'HEAD'], '/repo').stdout.trim() // 'a1b2c3...'
 */
export function runGit(args: readonly string[], cwd: string, options: GitOptions = {}): GitResult {
  try {
    const stdout = execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      maxBuffer: 1024 * 1024 * 512,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...READ_ONLY_ENV, ...options.env },
    });
    return { ok: true, status: 0, stdout, stderr: '', missing: false };
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { status?: number | null; stdout?: string; stderr?: string };
    return {
      ok: false,
      status: failure.status ?? undefined,
      stdout: typeof failure.stdout === 'string' ? failure.stdout : '',
      stderr: typeof failure.stderr === 'string' ? failure.stderr : String(failure.message),
      missing: failure.code === 'ENOENT',
    };
  }
}

/**
 * The NUL-separated fields of a `-z` output, without the empty tail.
 *
 * @example
 * nulFields('a.ts\0b c.ts\0') // ['a.ts', 'b c.ts']
 */
export function nulFields(output: string): string[] {
  const fields = output.split('\0');
  if (fields.at(-1) === '') fields.pop();
  return fields;
}
