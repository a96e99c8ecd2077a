import type { ParseArgsConfig } from 'node:util';

/** What a command writes to: the CLI passes the process's streams, tests pass collectors. */
export interface CommandIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal (progress bars are drawn only there). */
  isTTY: boolean;
  /** Whether stdout is a terminal (a report to stdout gets colour only there). */
  stdoutIsTTY?: boolean | undefined;
}

/** The flags as node:util parseArgs read them. */
export type CommandValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** One `flaky-detector <name>` command: its flags (node:util parseArgs options) and what it does. */
export interface Command {
  name: string;
  /** One line for `flaky-detector --help`. */
  summary: string;
  /** The usage lines printed by `flaky-detector <name> --help` and after a bad flag. */
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Runs the command; resolves to the process exit code. */
  run(values: CommandValues, positionals: string[], io: CommandIo): Promise<number>;
}
