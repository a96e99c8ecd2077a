import { countProblems } from '@proving-ground/kit';
import { ImpactError } from '../errors.js';
import type { Command } from './command.js';

/**
 * The `IMPACT_INVALID_CLI_ARGUMENTS` error for every problem with a command's flags at once, each
 * naming its flag, with the command's usage as the fix.
 *
 * @example
 * throw argumentError(selectCommand, ['--format must be one of paths, json, summary, markdown'])
 */
export function argumentError(command: Pick<Command, 'name' | 'usage'>, problems: readonly string[]): ImpactError {
  return new ImpactError('IMPACT_INVALID_CLI_ARGUMENTS', {
    action: `read the arguments of \`impact-analyzer ${command.name}\``,
    reason: problems.length === 1 ? problems[0]! : `the arguments have ${countProblems(problems)}`,
    ...(problems.length === 1 ? {} : { details: problems.map((problem) => `- ${problem}`) }),
    fix: `Usage:\n${command.usage}`,
  });
}
