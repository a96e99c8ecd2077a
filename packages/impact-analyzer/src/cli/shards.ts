import { join, resolve } from 'node:path';
import { DEFAULT_MAP_PATH, readImpactMap } from '../map/map-file.js';
import { planShards } from '../outputs/shard-plan.js';
import { argumentError } from './argument-error.js';
import type { Command } from './command.js';
import { SELECTION_FLAGS, SELECTION_USAGE, integerFlag, runSelection, selectOptionsFromFlags } from './selection-flags.js';

const USAGE = `  impact-analyzer shards --total N [--index I] [selection flags]

  Splits the selected tests (every test when everything runs) into N shards of about the same
  recorded duration (the map's), longest first, the same plan on every machine. With --index I
  (1 to N), prints the absolute paths of shard I one a line, for
  jest --runTestsByPath $(impact-analyzer shards --total 4 --index 2); without it, prints every shard
  as JSON: an array of N arrays of repository-relative paths.

${SELECTION_USAGE}`;

/** `impact-analyzer shards`: the selected tests split by duration. */
export const shardsCommand: Command = {
  name: 'shards',
  summary: 'Split the selected tests into shards of about the same recorded duration.',
  usage: USAGE,
  options: { ...SELECTION_FLAGS, total: { type: 'string' }, index: { type: 'string' } },
  async run(values, positionals, io) {
    const { options, problems } = selectOptionsFromFlags(values, io);
    const total = integerFlag(values, 'total', 1);
    const index = integerFlag(values, 'index', 1);
    if (values['total'] === undefined) problems.push('--total N is missing');
    for (const flag of [total, index]) if (flag.problem !== undefined) problems.push(flag.problem);
    if (total.value !== undefined && index.value !== undefined && index.value > total.value) {
      problems.push(`--index must be from 1 to --total (${total.value}), got ${index.value}`);
    }
    if (positionals.length > 0) problems.push(`shards takes no positional arguments, got ${JSON.stringify(positionals[0])}`);
    if (problems.length > 0) throw argumentError(shardsCommand, problems);

    const { selection, root } = await runSelection(options, io);
    // Durations come from the map even when it is too old to narrow the selection: they still balance shards.
    const map = readImpactMap(options.map ?? resolve(root, DEFAULT_MAP_PATH));
    const durations: Record<string, number> = {};
    for (const [path, record] of Object.entries(map?.tests ?? {})) durations[path] = record.durationMs;
    const shards = planShards(selection, total.value!, durations);
    if (index.value === undefined) io.stdout(`${JSON.stringify(shards)}\n`);
    else {
      const mine = shards[index.value - 1]!;
      if (mine.length > 0) io.stdout(`${mine.map((path) => join(root, path)).join('\n')}\n`);
      else io.stderr(`[impact-analyzer] Shard ${index.value} of ${total.value} has no test file.\n`);
    }
    return 0;
  },
};
