import { isAbsolute, resolve } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { openRepository } from '../git/repository.js';
import type { SelectOptions, Selection } from '../model.js';
import { selectTests } from '../selection/select-tests.js';
import type { CommandValues, CommandIo } from './command.js';

/** The flags every command that selects tests takes (`select`, `why`, `shards`). */
export const SELECTION_FLAGS: NonNullable<ParseArgsConfig['options']> = {
  base: { type: 'string' },
  head: { type: 'string' },
  map: { type: 'string' },
  config: { type: 'string' },
  'run-all-on': { type: 'string', multiple: true },
  include: { type: 'string', multiple: true },
  'max-stale': { type: 'string' },
};

/** The usage lines of {@link SELECTION_FLAGS}. */
export const SELECTION_USAGE = `  --base REV          compare with the merge base of REV and the head (default HEAD)
  --head REV          the revision with the change (default: the working tree, untracked files included)
  --map FILE          the map of a recorded run (default .impact-analyzer/map.json at the repository root)
  --config FILE       the Jest config file, as jest --config takes it (default: Jest's own lookup)
  --run-all-on GLOB   a changed file matching GLOB runs every test (repeatable)
  --include GLOB      test files matching GLOB always run (repeatable)
  --max-stale N       a map more than N commits behind the base runs everything (default 50)`;

/** A selection and the repository root its paths are relative to. */
export interface SelectionRun {
  selection: Selection;
  root: string;
}

/** A string flag's value, or undefined when it is not given. */
export function stringFlag(values: CommandValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A whole-number flag, or the problem with it. */
export function integerFlag(values: CommandValues, name: string, min: number): { value?: number; problem?: string } {
  const text = stringFlag(values, name);
  if (text === undefined) return {};
  const value = Number(text);
  return /^\d+$/.test(text.trim()) && Number.isSafeInteger(value) && value >= min
    ? { value }
    : { problem: `--${name} must be a whole number >= ${min}, got ${JSON.stringify(text)}` };
}

/** A path flag resolved against the working folder. */
export function pathFlag(values: CommandValues, name: string, cwd: string): string | undefined {
  const value = stringFlag(values, name);
  return value === undefined ? undefined : isAbsolute(value) ? value : resolve(cwd, value);
}

/**
 * `selectTests()` options from the selection flags, or the problems with them (each naming its flag).
 *
 * @example
 * selectOptionsFromFlags({ base: 'origin/main', 'max-stale': '20' }, io) // { options: { cwd, base: 'origin/main', maxStaleCommits: 20 }, problems: [] }
 */
export function selectOptionsFromFlags(values: CommandValues, io: CommandIo): { options: SelectOptions; problems: string[] } {
  const problems: string[] = [];
  const maxStale = integerFlag(values, 'max-stale', 0);
  if (maxStale.problem !== undefined) problems.push(maxStale.problem);
  for (const name of ['base', 'head', 'map', 'config']) {
    if (stringFlag(values, name) === '') problems.push(`--${name} is empty`);
  }
  const list = (name: string): string[] | undefined => {
    const value = values[name];
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined;
  };
  const options: SelectOptions = { cwd: io.cwd };
  const assign = <K extends keyof SelectOptions>(key: K, value: SelectOptions[K] | undefined): void => {
    if (value !== undefined) options[key] = value;
  };
  assign('base', stringFlag(values, 'base'));
  assign('head', stringFlag(values, 'head'));
  assign('map', pathFlag(values, 'map', io.cwd));
  assign('jestConfig', pathFlag(values, 'config', io.cwd));
  assign('runAllOn', list('run-all-on'));
  assign('include', list('include'));
  assign('maxStaleCommits', maxStale.value);
  return { options, problems };
}

/**
 * Runs the selection the flags describe, in the working folder's repository.
 *
 * @example
 * const { selection, root } = await runSelection(options, io)
 */
export async function runSelection(options: SelectOptions, io: CommandIo): Promise<SelectionRun> {
  const root = openRepository(io.cwd).root;
  const selection = await selectTests(options);
  return { selection, root };
}
