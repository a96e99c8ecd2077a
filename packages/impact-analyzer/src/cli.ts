#!/usr/bin/env node
/**
 * `impact-analyzer`: the command line of the analyzer (select, why, shards, merge, report). Each
 * command is a file under src/cli/.
 */
import { runWhenInvoked } from '@proving-ground/kit';
import type { CommandIo } from './cli/command.js';
import { runCommandLine, type CommandLine } from './cli/command-line.js';
import { COMMANDS } from './cli/commands.js';
import { ImpactError, isImpactError } from './errors.js';

/** The `impact-analyzer` command line. */
const IMPACT_CLI: CommandLine = {
  program: 'impact-analyzer',
  commands: COMMANDS,
  fail: (kind, failure) => new ImpactError(kind === 'unknown-command' ? 'IMPACT_UNKNOWN_COMMAND' : 'IMPACT_INVALID_CLI_ARGUMENTS', failure),
  isExpected: isImpactError,
};

/**
 * Runs the CLI with `args` (without the node and script paths) and resolves to the exit code: 0,
 * or 2 after printing the error's message once to `io.stderr`.
 *
 * @example
 * process.exitCode = await runCli(['select', '--base', 'origin/main'], io)
 */
export async function runCli(args: readonly string[], io: CommandIo): Promise<number> {
  return runCommandLine(IMPACT_CLI, args, io);
}

runWhenInvoked('impact-analyzer', runCli);
