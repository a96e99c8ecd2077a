import type { Command } from './command.js';
import { mergeCommand } from './merge.js';
import { reportCommand } from './report.js';
import { selectCommand } from './select.js';
import { shardsCommand } from './shards.js';
import { whyCommand } from './why.js';

/**
 * Every `impact-analyzer` command, in the order the overview lists them. Each lives in its own file
 * under src/cli/ and is added here with one line.
 */
export const COMMANDS: readonly Command[] = [selectCommand, whyCommand, shardsCommand, mergeCommand, reportCommand];
