import { checks, countProblems, listOptionProblems, prefixed } from '@proving-ground/kit';
import { FlakyError } from '../errors.js';
import { exportToOtlp } from '../metrics/otlp.js';
import { prometheusText } from '../metrics/prometheus-text.js';
import { pushToPushgateway } from '../metrics/pushgateway.js';
import { runMetrics, type MetricGranularity, type RunMetrics } from '../metrics/run-metrics.js';
import type { AttemptRecord, RunRecord } from '../model.js';
import { createHistoryAnalyzer } from '../scoring/analyze-history.js';
import { isPostgresUrl, openHistorySource } from '../store/open-store.js';
import type { Command, CommandIo, CommandValues } from './command.js';

const USAGE = `  flaky-detector metrics push [--pushgateway <url>] [--otlp <url>] [--job <name>] [--group <label>=<value> ...]
                              [--otlp-header <name>=<value> ...] [--run <runId>] [--granularity file|test] [--max-tests <N>]
                              [--store <file> | --url postgres://...] [--last <N>]
  flaky-detector metrics print [--run <runId>] [--granularity file|test] [--max-tests <N>] [--store <file> | --url postgres://...] [--last <N>]

  push sends one run's metrics (default the latest run) to a Prometheus Pushgateway (grouped by --job,
  default flaky-detector, the run's CI job and shard, and each --group) and/or over OTLP/HTTP to an
  OpenTelemetry receiver (--otlp http://collector:4318/v1/metrics). print writes them in the
  Prometheus text format to stdout. Flakiness scores come from the last --last runs (default all).
  Per-test series (--granularity test) are capped at --max-tests (default 100).`;

const ACTIONS = ['push', 'print'] as const;

interface MetricsArguments {
  action: (typeof ACTIONS)[number];
  pushgateway: string | undefined;
  otlp: string | undefined;
  job: string | undefined;
  grouping: Record<string, string>;
  otlpHeaders: Record<string, string>;
  run: string | undefined;
  granularity: MetricGranularity;
  maxTests: number | undefined;
  store: string | undefined;
  url: string | undefined;
  last: number | undefined;
}

/** `name=value` flags as an object; malformed ones go to `problems`. */
function pairs(flag: string, value: unknown, problems: string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
    const text = String(item);
    const split = text.indexOf('=');
    if (split <= 0)
      problems.push(
        `- --${flag}: expected <name>=<value>, got ${JSON.stringify(flag === 'otlp-header' ? text.slice(0, Math.max(split, 0)) || '(no name)' : text)}.`,
      );
    else result[text.slice(0, split)] = text.slice(split + 1);
  }
  return result;
}

function readArguments(values: CommandValues, positionals: readonly string[]): MetricsArguments {
  const text = (name: string): string | undefined => (typeof values[name] === 'string' ? values[name] : undefined);
  const whole = (name: string): number | string | undefined => {
    const value = text(name);
    return value === undefined ? undefined : /^\d+$/.test(value) ? Number(value) : value;
  };
  const given = {
    action: positionals[0],
    pushgateway: text('pushgateway'),
    otlp: text('otlp'),
    job: text('job'),
    run: text('run'),
    granularity: text('granularity'),
    'max-tests': whole('max-tests'),
    store: text('store'),
    url: text('url'),
    last: whole('last'),
  };
  const problems = listOptionProblems(given, {
    action: checks.oneOf(ACTIONS),
    pushgateway: checks.string(),
    otlp: checks.string(),
    job: checks.string(),
    run: checks.string(),
    granularity: checks.oneOf(['file', 'test']),
    'max-tests': checks.integer(1),
    store: checks.string(),
    url: (value) => (typeof value === 'string' && isPostgresUrl(value) ? undefined : 'expected a postgres:// or postgresql:// URL'),
    last: checks.integer(1),
  }).map((problem) => problem.replace(/^- (action):/, '- <action>:').replace(/^- ([\w-]+):/, '- --$1:'));
  const grouping = pairs('group', values['group'], problems);
  const otlpHeaders = pairs('otlp-header', values['otlp-header'], problems);
  if (given.action === undefined) problems.unshift('- <action>: missing: push or print.');
  if (positionals.length > 1)
    problems.push(
      `- ${positionals
        .slice(1)
        .map((positional) => JSON.stringify(positional))
        .join(', ')}: metrics takes one action.`,
    );
  if (given.action === 'push' && given.pushgateway === undefined && given.otlp === undefined) {
    problems.push('- push: needs --pushgateway <url>, --otlp <url>, or both.');
  }
  if (given.store !== undefined && given.url !== undefined) problems.push('- --store and --url: give one of them, not both.');
  if (problems.length > 0) {
    throw new FlakyError('FLAKY_INVALID_CLI_ARGUMENTS', {
      action: 'read the arguments of `flaky-detector metrics`',
      reason: countProblems(problems),
      details: problems,
      fix: `Usage:\n${USAGE}`,
    });
  }
  return {
    action: given.action as MetricsArguments['action'],
    pushgateway: given.pushgateway,
    otlp: given.otlp,
    job: given.job,
    grouping,
    otlpHeaders,
    run: given.run,
    granularity: (given.granularity ?? 'file') as MetricGranularity,
    maxTests: given['max-tests'] as number | undefined,
    store: given.store,
    url: given.url,
    last: given.last as number | undefined,
  };
}

/** The chosen run (default the latest) and its metrics, scored over the history read. */
async function readRunMetrics(args: MetricsArguments, io: CommandIo): Promise<RunMetrics> {
  const source = await openHistorySource(args.url === undefined ? { path: args.store, cwd: io.cwd } : { url: args.url, cwd: io.cwd }, {
    readOnly: true,
  });
  const analyzer = createHistoryAnalyzer();
  let chosen: { run: RunRecord; attempts: AttemptRecord[] } | undefined;
  try {
    for await (const { run, attempts } of source.eachRun({ lastRuns: args.last })) {
      analyzer.addRun(run, attempts);
      if (args.run === undefined || args.run === run.runId) chosen = { run, attempts };
    }
  } finally {
    await source.close();
  }
  if (chosen === undefined) {
    throw new FlakyError('FLAKY_METRICS_NO_RUN', {
      action: `read the metrics of ${args.run === undefined ? 'the latest run' : `the run ${JSON.stringify(args.run)}`} from ${source.location}`,
      reason:
        args.run === undefined
          ? 'the history has no runs'
          : `the history${args.last === undefined ? '' : ` (its last ${args.last} runs)`} has no run of that id`,
      fix:
        args.run === undefined
          ? 'Run Jest with the flaky-detector reporter first, or point --store/--url at the history it wrote'
          : 'Copy the run id from `flaky-detector report --format json`, or leave --run out for the latest run',
    });
  }
  const analysis = analyzer.finish();
  return runMetrics(chosen.run, chosen.attempts, { granularity: args.granularity, maxTests: args.maxTests, scores: analysis.tests });
}

/** `flaky-detector metrics`: one run's metrics to a Pushgateway, over OTLP, or to stdout. */
export const metricsCommand: Command = {
  name: 'metrics',
  summary: "Send a run's test metrics to a Prometheus Pushgateway or over OTLP (push), or print them in the Prometheus format.",
  usage: USAGE,
  options: {
    pushgateway: { type: 'string' },
    otlp: { type: 'string' },
    job: { type: 'string' },
    group: { type: 'string', multiple: true },
    'otlp-header': { type: 'string', multiple: true },
    run: { type: 'string' },
    granularity: { type: 'string' },
    'max-tests': { type: 'string' },
    store: { type: 'string' },
    url: { type: 'string' },
    last: { type: 'string' },
  },
  async run(values, positionals, io) {
    const args = readArguments(values, positionals);
    const metrics = await readRunMetrics(args, io);
    for (const warning of metrics.warnings) io.stderr(`${prefixed('flaky-detector', warning)}\n`);
    if (args.action === 'print') {
      io.stdout(prometheusText(metrics));
      return 0;
    }
    if (args.pushgateway !== undefined) {
      const pushed = await pushToPushgateway(metrics, { url: args.pushgateway, job: args.job, grouping: args.grouping });
      io.stdout(`Pushed ${pushed.samples} samples of run ${metrics.run.runId} to ${pushed.url}\n`);
    }
    if (args.otlp !== undefined) {
      const exported = await exportToOtlp(metrics, { url: args.otlp, headers: args.otlpHeaders, cwd: io.cwd });
      io.stdout(
        `Exported ${exported.dataPoints} data points (${exported.metrics} metrics) of run ${metrics.run.runId} over OTLP to ${exported.url}\n`,
      );
    }
    return 0;
  },
};
