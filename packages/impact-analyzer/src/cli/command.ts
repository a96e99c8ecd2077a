import type { CliCommand, ProcessIo } from '@proving-ground/kit';

export type { CommandValues } from '@proving-ground/kit';

/** What a command reads and writes: the CLI passes the process's, tests pass their own. */
export type CommandIo = Pick<ProcessIo, 'cwd' | 'env' | 'stdout' | 'stderr'>;

/** One `impact-analyzer <name>` command. */
export type Command = CliCommand<CommandIo>;
