import type { CliCommand, ProcessIo } from '@proving-ground/kit';

export type { CommandValues } from '@proving-ground/kit';

/** What a command writes to: the CLI passes the process's streams, tests pass collectors. */
export interface CommandIo extends Pick<ProcessIo, 'cwd' | 'env' | 'stdout' | 'stderr'> {
  /** Whether stderr is a terminal (progress bars are drawn only there). */
  isTTY: boolean;
  /** Whether stdout is a terminal (a report to stdout gets colour only there). */
  stdoutIsTTY?: boolean | undefined;
}

/** One `flaky-detector <name>` command. */
export type Command = CliCommand<CommandIo>;
