import { describeChoice } from '@proving-ground/kit';
import { formatMarkdown, formatSummary } from '../outputs/selection-summary.js';
import { toSelectionFile, writeSelectionFile } from '../outputs/selection-file.js';
import { formatPaths } from '../outputs/test-paths.js';
import { argumentError } from './argument-error.js';
import type { Command } from './command.js';
import { SELECTION_FLAGS, SELECTION_USAGE, pathFlag, runSelection, selectOptionsFromFlags, stringFlag } from './selection-flags.js';

/** The formats `impact-analyzer select --format` prints. */
export const SELECT_FORMATS = ['paths', 'json', 'summary', 'markdown'] as const;

const USAGE = `  impact-analyzer select [--format paths|json|summary|markdown] [--out FILE] [selection flags]

  Selects the test files the change can affect and prints them: absolute paths one a line (paths,
  the default: jest --runTestsByPath $(impact-analyzer select)), the selection with every decision
  and reason (json), a summary for a terminal (summary) or Markdown for a job summary (markdown).
  When the analyzer cannot be sure, every test is selected, with the reasons. --out also writes the
  selection file the --filter module and the sequencer read
  (.impact-analyzer/selection.json at the repository root is where they look).

${SELECTION_USAGE}`;

/** `impact-analyzer select`: the tests a change can affect. */
export const selectCommand: Command = {
  name: 'select',
  summary: 'Select the test files a change can affect, with a reason for each.',
  usage: USAGE,
  options: { ...SELECTION_FLAGS, format: { type: 'string' }, out: { type: 'string' } },
  async run(values, positionals, io) {
    const { options, problems } = selectOptionsFromFlags(values, io);
    const format = stringFlag(values, 'format') ?? 'paths';
    if (!(SELECT_FORMATS as readonly string[]).includes(format)) {
      problems.push(`--format must be ${SELECT_FORMATS.join(', ')} or omitted, got ${describeChoice(format, SELECT_FORMATS)}`);
    }
    if (positionals.length > 0) problems.push(`select takes no positional arguments, got ${JSON.stringify(positionals[0])}`);
    if (problems.length > 0) throw argumentError(selectCommand, problems);

    const { selection, root } = await runSelection(options, io);
    const out = pathFlag(values, 'out', io.cwd);
    if (out !== undefined) writeSelectionFile(out, toSelectionFile(selection, root));
    if (format === 'paths') {
      const paths = formatPaths(selection, root);
      if (paths !== '') io.stdout(`${paths}\n`);
      else io.stderr('[impact-analyzer] No test file is affected by this change.\n');
    } else if (format === 'json') io.stdout(`${JSON.stringify(toSelectionFile(selection, root), null, 2)}\n`);
    else if (format === 'summary') io.stdout(`${formatSummary(selection)}\n`);
    else io.stdout(`${formatMarkdown(selection)}\n`);
    return 0;
  },
};
