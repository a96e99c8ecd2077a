#!/usr/bin/env node
/**
 * `flaky-detector`: the command line over the test history (merge shard stores, reports, baselines,
 * quarantine checks). Each command is a file under src/cli/.
 */
import { parseArgs } from 'node:util';
import { describeChoice, firstLine, runWhenInvoked } from '@proving-ground/kit';
import type { Command, CommandIo } from './cli/command.js';
import { COMMANDS } from './cli/commands.js';
import { FlakyError, isFlakyError } from './errors.js';

function overview(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length), 4);
  const lines = COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `Usage: flaky-detector <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun flaky-detector <command> --help for a command's options.`;
}

/** Parse `args` for `command`, with `--help` on every command. */
function parseFor(command: Command, args: readonly string[]): ReturnType<typeof parseArgs> {
  try {
    return parseArgs({
      args: [...args],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new FlakyError('FLAKY_INVALID_CLI_ARGUMENTS', {
      action: `read the arguments of \`flaky-detector ${command.name}\``,
      reason: firstLine(error instanceof Error ? error.message : String(error)).replace(/\.$/, ''),
      fix: `Usage:\n${command.usage}`,
    });
  }
}

/**
 * Run the CLI with `args` (without the node and script paths); resolves to the exit code. Errors
 * are printed once, as one message, to `io.stderr`.
 */
export async function runCli(args: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(`${overview()}\n`);
    return name === undefined ? 1 : 0;
  }
  try {
    const command = COMMANDS.find((candidate) => candidate.name === name);
    if (command === undefined) {
      throw new FlakyError('FLAKY_UNKNOWN_COMMAND', {
        action: `run \`flaky-detector ${name}\``,
        reason: `there is no command ${describeChoice(
          name,
          COMMANDS.map((candidate) => candidate.name),
        )}`,
        fix: 'Run `flaky-detector --help` for the list.',
      });
    }
    const { values, positionals } = parseFor(command, rest);
    if (values['help'] === true) {
      io.stdout(`Usage:\n${command.usage}\n`);
      return 0;
    }
    return await command.run(values, positionals, io);
  } catch (error) {
    if (isFlakyError(error)) {
      io.stderr(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

runWhenInvoked('flaky-detector', runCli);
