import { baselinesCommand } from './baselines.js';
import type { Command } from './command.js';
import { mergeCommand } from './merge.js';
import { metricsCommand } from './metrics.js';
import { quarantineCommand } from './quarantine.js';
import { reportCommand } from './report.js';

/**
 * Every `flaky-detector` command, in the order `--help` lists them. Each lives in its own file
 * under src/cli/ and is added here with one line.
 */
export const COMMANDS: readonly Command[] = [mergeCommand, reportCommand, metricsCommand, quarantineCommand, baselinesCommand];
