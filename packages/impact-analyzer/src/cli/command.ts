import type { ParseArgsConfig } from 'node:util';

/** What a command reads and writes: the CLI passes the process's, tests pass their own. */
export interface CommandIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** The flags as node:util parseArgs read them. */
export type CommandValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** One `<program> <name>` command: its flags (node:util parseArgs options) and what it does. */
export interface Command {
  name: string;
  /** One line for the overview. */
  summary: string;
  /** The usage lines printed by `<program> <name> --help` and after a bad flag. */
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Runs the command; resolves to the process exit code. */
  run(values: CommandValues, positionals: string[], io: CommandIo): number | Promise<number>;
}
