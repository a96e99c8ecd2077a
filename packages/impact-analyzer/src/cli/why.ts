import { isAbsolute, relative, resolve, sep } from 'node:path';
import { formatWhy } from '../outputs/why.js';
import { argumentError } from './argument-error.js';
import type { Command } from './command.js';
import { SELECTION_FLAGS, SELECTION_USAGE, runSelection, selectOptionsFromFlags } from './selection-flags.js';

const USAGE = `  impact-analyzer why <test file> [selection flags]

  Explains the decision for one test file: each reason it runs with the chain of files from the
  changed file to it, why it is skipped, or what makes everything run. The path is relative to the
  repository root or to the current folder.

${SELECTION_USAGE}`;

const posix = (path: string): string => path.split(sep).join('/');

/** `impact-analyzer why`: the decision for one test. */
export const whyCommand: Command = {
  name: 'why',
  summary: 'Explain why a test file runs or is skipped, with the chain from the changed file.',
  usage: USAGE,
  options: SELECTION_FLAGS,
  async run(values, positionals, io) {
    const { options, problems } = selectOptionsFromFlags(values, io);
    if (positionals.length !== 1) problems.push(`why takes one test file, got ${positionals.length}`);
    if (problems.length > 0) throw argumentError(whyCommand, problems);

    const { selection, root } = await runSelection(options, io);
    const typed = positionals[0]!;
    const fromHere = posix(relative(root, isAbsolute(typed) ? typed : resolve(io.cwd, typed)));
    const fromRoot = posix(typed).replace(/^\.\//, '');
    const known = new Set(selection.tests.map((test) => test.path));
    const path = [fromHere, fromRoot].find((candidate) => known.has(candidate)) ?? fromHere;
    io.stdout(`${formatWhy(selection, path)}\n`);
    return 0;
  },
};
