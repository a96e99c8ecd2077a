import type { ParseArgsConfig } from 'node:util';

/** The flags of a command as node:util parseArgs read them. */
export type CommandValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/**
 * One `<program> <name>` command of a package's command line: its flags (node:util parseArgs
 * options), its help, and what it does with the `Io` the package gives its commands.
 */
export interface CliCommand<Io> {
  name: string;
  /** One line for the program's overview (`<program> --help`). */
  summary: string;
  /** The usage lines printed by `<program> <name> --help` and after a bad flag. */
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Runs the command; resolves to the process exit code. */
  run(values: CommandValues, positionals: string[], io: Io): number | Promise<number>;
}

/** What a package's command line reads and writes when it runs as a process. */
export interface ProcessIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (progress bars are drawn only there). */
  isTTY: boolean;
  /** Whether stdout is a terminal (colour only there). */
  stdoutIsTTY: boolean;
}

/**
 * Whether the script Node was started with (`process.argv[1]`) is the package's command line: its
 * bin name (`impact-analyzer`, as npm links it) or a built `cli.mjs`/`cli.cjs`.
 *
 * @example
 * isInvokedAs('/repo/node_modules/.bin/impact-analyzer', 'impact-analyzer') // true
 * isInvokedAs('/repo/node_modules/jest/bin/jest.js', 'impact-analyzer') // false
 */
export function isInvokedAs(script: string | undefined, bin: string): boolean {
  return script !== undefined && (script.includes(bin) || /cli\.[cm]?js$/.test(script));
}

/**
 * Runs a package's command line when the process was started with it (not when the module is
 * imported): `run` gets the arguments after the script and the process's streams, and its code
 * becomes the exit code; an unexpected error prints its stack and exits 1.
 *
 * @example
 * runWhenInvoked('flaky-detector', runCli)
 */
export function runWhenInvoked(bin: string, run: (args: string[], io: ProcessIo) => Promise<number>): void {
  if (typeof process === 'undefined' || !isInvokedAs(process.argv[1], bin)) return;
  const io: ProcessIo = {
    cwd: process.cwd(),
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: process.stderr.isTTY === true,
    stdoutIsTTY: process.stdout.isTTY === true,
  };
  run(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
