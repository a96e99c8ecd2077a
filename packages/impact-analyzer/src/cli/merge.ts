import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { readImpactMap, writeImpactMap } from '../map/map-file.js';
import { mergeImpactMaps } from '../map/map-merge.js';
import type { ImpactMap } from '../model.js';
import { argumentError } from './argument-error.js';
import type { Command } from './command.js';
import { pathFlag } from './selection-flags.js';

const USAGE = `  impact-analyzer merge --out FILE <map files...>

  Merges the maps of shard runs (each recorded by one shard of the suite) into one map: each test's
  newest record wins. The inputs are only read; FILE may be one of them.`;

/** `impact-analyzer merge`: shard maps into one. */
export const mergeCommand: Command = {
  name: 'merge',
  summary: 'Merge the maps recorded by shard runs into one map.',
  usage: USAGE,
  options: { out: { type: 'string' } },
  run(values, positionals, io) {
    const out = pathFlag(values, 'out', io.cwd);
    const problems: string[] = [];
    if (out === undefined) problems.push('--out FILE is missing');
    if (positionals.length === 0) problems.push('no map file to merge is given');
    const inputs = positionals.map((path) => (isAbsolute(path) ? path : resolve(io.cwd, path)));
    inputs.forEach((path, i) => {
      if (!existsSync(path)) problems.push(`the map file ${JSON.stringify(positionals[i])} does not exist`);
    });
    if (problems.length > 0) throw argumentError(mergeCommand, problems);

    const maps: ImpactMap[] = inputs.map((path) => readImpactMap(path)).filter((map): map is ImpactMap => map !== undefined);
    const merged = mergeImpactMaps(maps);
    writeImpactMap(out!, merged);
    const tests = Object.keys(merged.tests).length;
    io.stdout(
      `Merged ${inputs.length} map${inputs.length === 1 ? '' : 's'} into ${out!}: ${tests} test file${tests === 1 ? '' : 's'} recorded.\n`,
    );
    return 0;
  },
};
