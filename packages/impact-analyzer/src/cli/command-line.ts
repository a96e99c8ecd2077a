import { parseArgs } from 'node:util';
import { describeChoice, firstLine, nearestMatch, type Failure } from '@proving-ground/kit';
import type { Command, CommandIo, CommandValues } from './command.js';

/** A command line made of {@link Command}s, independent of the package it belongs to. */
export interface CommandLine {
  /** The program's name as typed (`impact-analyzer`). */
  program: string;
  /** Commands in the order the overview lists them. */
  commands: readonly Command[];
  /** The error to throw for an unknown command or bad arguments. */
  fail(kind: 'unknown-command' | 'invalid-arguments', failure: Failure): Error;
  /** Whether an error is one of the package's own, printed as its message alone. */
  isExpected(error: unknown): error is Error;
}

/** Exit code of a failed command: 1 stays free for "tests failed" in scripts that chain commands. */
export const FAILURE_EXIT_CODE = 2;

/**
 * The overview `<program> help` prints: usage and one line per command.
 *
 * @example
 * overview(cli) // 'Usage: impact-analyzer <command> [options]\n\nCommands:\n  select  …'
 */
export function overview(cli: CommandLine): string {
  const width = Math.max(...cli.commands.map((command) => command.name.length), 4);
  const lines = cli.commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `Usage: ${cli.program} <command> [options]\n\nCommands:\n${lines.join('\n')}\n  ${'help'.padEnd(width)}  Print this overview, or a command's options (help <command>).\n\nRun ${cli.program} <command> --help for a command's options.`;
}

/**
 * A bad-arguments error for `command`, with its usage as the fix.
 *
 * @example
 * throw usageError(cli, selectCommand, '--format is missing its value')
 */
export function usageError(cli: CommandLine, command: Command, reason: string): Error {
  return cli.fail('invalid-arguments', {
    action: `read the arguments of \`${cli.program} ${command.name}\``,
    reason,
    fix: `Usage:\n${command.usage}`,
  });
}

/** Parses `args` for `command` (with `--help` on every command); an unknown flag is named with the nearest known one. */
function parseFor(cli: CommandLine, command: Command, args: readonly string[]): { values: CommandValues; positionals: string[] } {
  const known = Object.keys(command.options);
  for (const arg of args) {
    if (arg === '--') break;
    if (!arg.startsWith('--')) continue;
    const name = arg.slice(2).split('=', 1)[0]!;
    if (name !== 'help' && !known.includes(name)) {
      const near = nearestMatch(name, known);
      throw usageError(cli, command, `there is no flag --${name}${near === undefined ? '' : ` (did you mean --${near}?)`}`);
    }
  }
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values, positionals };
  } catch (error) {
    throw usageError(cli, command, firstLine(error).replace(/\.$/, ''));
  }
}

/**
 * Runs `args` (without the node and script paths) and resolves to the exit code: 0 on success,
 * {@link FAILURE_EXIT_CODE} on an error, whose message is printed once to `io.stderr` (a stack only
 * for an error that is not the package's own).
 *
 * @example
 * process.exitCode = await runCommandLine(cli, process.argv.slice(2), io)
 */
export async function runCommandLine(cli: CommandLine, args: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = args;
  try {
    if (name === undefined) {
      io.stderr(`${overview(cli)}\n`);
      return FAILURE_EXIT_CODE;
    }
    if (name === 'help' || name === '--help' || name === '-h') {
      const about = rest[0] === undefined ? undefined : cli.commands.find((command) => command.name === rest[0]);
      if (rest[0] !== undefined && about === undefined) throw unknownCommand(cli, rest[0]);
      io.stdout(about === undefined ? `${overview(cli)}\n` : `Usage:\n${about.usage}\n`);
      return 0;
    }
    const command = cli.commands.find((candidate) => candidate.name === name);
    if (command === undefined) throw unknownCommand(cli, name);
    const { values, positionals } = parseFor(cli, command, rest);
    if (values['help'] === true) {
      io.stdout(`Usage:\n${command.usage}\n`);
      return 0;
    }
    return await command.run(values, positionals, io);
  } catch (error) {
    io.stderr(`${cli.isExpected(error) ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return FAILURE_EXIT_CODE;
  }
}

function unknownCommand(cli: CommandLine, name: string): Error {
  return cli.fail('unknown-command', {
    action: `run \`${cli.program} ${name}\``,
    reason: `there is no command ${describeChoice(name, [...cli.commands.map((command) => command.name), 'help'])}`,
    fix: `Run \`${cli.program} help\` for the list.`,
  });
}
