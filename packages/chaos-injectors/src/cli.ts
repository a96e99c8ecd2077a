#!/usr/bin/env node
/**
 * `proving-ground-chaos`: run the chaos suites over a sweep of seeds.
 *
 *   proving-ground-chaos run [test path patterns...] [--seeds 50 | 100..149 | 7,42] [--shard 2/4]
 *                            [--config jest.config.js] [--report sweep.json] [-- more Jest arguments]
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { firstLine, nearestMatch } from '@proving-ground/kit';
import { ChaosError, isChaosError } from './errors.js';
import { formatSweep, runSweep, type SweepOptions } from './sweep/runner.js';
import { parseSeeds, parseShard, shardSeeds } from './sweep/seeds.js';

const USAGE = `Usage:
  proving-ground-chaos run [test path patterns...] [--seeds 50 | 100..149 | 7,42] [--shard 2/4]
                           [--config jest.config.js] [--report sweep.json] [-- more Jest arguments]`;

const COMMANDS = ['run', 'help'];
const VALUE_FLAGS = ['--seeds', '--shard', '--config', '--report'];
const DEFAULT_SEEDS = '10';

interface RunArgs {
  options: SweepOptions;
  report: string | undefined;
}

function invalid(reason: string, problems: string[] = []): ChaosError {
  return new ChaosError('CHAOS_INVALID_RUNNER_OPTIONS', {
    action: 'run the chaos sweep',
    reason,
    details: [...problems, USAGE],
    fix: `Its flags: ${VALUE_FLAGS.join(', ')}; Jest's own arguments go after --`,
  });
}

/** The flags of `run`, every problem at once (unknown flags with "did you mean", missing values, bad seeds or shard). */
function parseRun(args: readonly string[], cwd: string): RunArgs {
  const values = new Map<string, string>();
  const patterns: string[] = [];
  const problems: string[] = [];
  const separator = args.indexOf('--');
  const own = separator === -1 ? args : args.slice(0, separator);
  const jestArgs = separator === -1 ? [] : args.slice(separator + 1);
  for (let index = 0; index < own.length; index++) {
    const arg = own[index]!;
    const [name, inline] =
      arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (VALUE_FLAGS.includes(name)) {
      const value = inline ?? own[index + 1];
      if (inline === undefined) index++;
      if (value === undefined || value === '' || value.startsWith('--')) problems.push(`- ${name}: needs a value.`);
      else values.set(name, value);
    } else if (name.startsWith('-')) {
      const near = nearestMatch(name, VALUE_FLAGS);
      problems.push(`- ${name}: not a flag of run.${near === undefined ? '' : ` Did you mean ${near}?`} (Pass Jest's own flags after --.)`);
    } else patterns.push(arg);
  }
  const read = <T>(parse: () => T): T | undefined => {
    try {
      return parse();
    } catch (error) {
      if (!isChaosError(error)) throw error;
      problems.push(`- ${firstLine(error).replace(/^\[chaos-injectors\] Failed to /, '')}`);
      return undefined;
    }
  };
  const seeds = read(() => parseSeeds(values.get('--seeds') ?? DEFAULT_SEEDS));
  const shardText = values.get('--shard');
  const shard = shardText === undefined ? undefined : read(() => parseShard(shardText));
  if (problems.length > 0 || seeds === undefined)
    throw invalid(`${problems.length === 1 ? 'a flag is' : `${problems.length} flags are`} wrong`, problems);
  const config = values.get('--config');
  const report = values.get('--report');
  return {
    options: {
      seeds,
      shardSeeds: shard === undefined ? seeds : shardSeeds(seeds, shard),
      shard,
      patterns,
      config: config === undefined ? undefined : resolve(cwd, config),
      jestArgs,
      cwd,
    },
    report: report === undefined ? undefined : resolve(cwd, report),
  };
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command !== 'run') {
    const near = nearestMatch(command, COMMANDS);
    throw invalid(`${JSON.stringify(command)} is not a command${near === undefined ? '' : ` (did you mean "${near}"?)`}`);
  }
  const { options, report } = parseRun(rest, process.cwd());
  if (options.shardSeeds.length === 0) {
    process.stdout.write(
      `[chaos-injectors] Shard ${options.shard!.index}/${options.shard!.count} has no seeds of the ${options.seeds.length} in the sweep: nothing to run.\n`,
    );
    return 0;
  }
  const result = await runSweep(options, { stdout: process.stdout, stderr: process.stderr });
  process.stdout.write(`${formatSweep(result, options.seeds)}\n`);
  if (report !== undefined) writeFileSync(report, `${JSON.stringify(result, null, 2)}\n`);
  return result.failures.length > 0 || result.otherFailures.length > 0 || result.jestExitCode !== 0 ? 1 : 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(
    `${isChaosError(error) ? `${error.message}\n(${error.code})` : String(error instanceof Error ? error.stack : error)}\n`,
  );
  process.exitCode = isChaosError(error) && error.code === 'CHAOS_INVALID_RUNNER_OPTIONS' ? 2 : 1;
}
