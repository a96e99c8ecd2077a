import { existsSync } from 'node:fs';
import { describeChoice } from '@proving-ground/kit';
import { ImpactError } from '../errors.js';
import { formatShadowReport, summarizeShadowLog, type ShadowReportFormat } from '../outputs/shadow-report.js';
import { locateUpward } from '../outputs/impact-folder.js';
import { DEFAULT_SHADOW_LOG, readShadowLog } from '../shadow/shadow-log.js';
import { argumentError } from './argument-error.js';
import type { Command } from './command.js';
import { pathFlag, stringFlag } from './selection-flags.js';

const FORMATS: readonly ShadowReportFormat[] = ['text', 'json', 'markdown'];

const USAGE = `  impact-analyzer report [--log FILE] [--format text|json|markdown]

  Sums up the shadow log (full runs that also recorded what the selection would have run): the
  selection ratio day by day, how often everything ran, and every failing test the selection would
  have skipped, with the miss rate. --log defaults to ${DEFAULT_SHADOW_LOG} in the current folder or
  the nearest folder above it.`;

/** `impact-analyzer report`: the shadow log summed up. */
export const reportCommand: Command = {
  name: 'report',
  summary: 'Report on shadow mode: selection ratio over time, run-all share and missed failures.',
  usage: USAGE,
  options: { log: { type: 'string' }, format: { type: 'string' } },
  run(values, positionals, io) {
    const problems: string[] = [];
    const format = stringFlag(values, 'format') ?? 'text';
    if (!(FORMATS as readonly string[]).includes(format)) {
      problems.push(`--format must be ${FORMATS.join(', ')} or omitted, got ${describeChoice(format, FORMATS)}`);
    }
    if (positionals.length > 0) problems.push(`report takes no positional arguments, got ${JSON.stringify(positionals[0])}`);
    if (problems.length > 0) throw argumentError(reportCommand, problems);

    const log = pathFlag(values, 'log', io.cwd) ?? locateUpward(io.cwd, DEFAULT_SHADOW_LOG)?.path;
    if (log === undefined || !existsSync(log)) {
      throw new ImpactError('IMPACT_REPORT_NO_DATA', {
        action: 'report on the shadow log',
        reason: `there is no shadow log at ${log ?? `${DEFAULT_SHADOW_LOG} in ${io.cwd} or a folder above it`}`,
        fix: 'Run the full suite with the reporter in shadow mode first, or pass --log FILE.',
      });
    }
    io.stdout(`${formatShadowReport(summarizeShadowLog(readShadowLog(log)), format as ShadowReportFormat)}\n`);
    return 0;
  },
};
