import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { firstLine } from '@proving-ground/kit';
import { replayLine } from '../cleanup/jest-circus.js';
import { ChaosError } from '../errors.js';
import { seedSuffix } from './chaos-test.js';
import { describeSeeds, SEEDS_ENV, type Shard } from './seeds.js';

/** What the runner runs: a sweep of seeds (one shard of it) over the Jest tests the patterns select. */
export interface SweepOptions {
  /** Every seed of the sweep; the shard picks its part. */
  seeds: string[];
  /** The seeds this job runs (the whole sweep without `--shard`). */
  shardSeeds: string[];
  shard: Shard | undefined;
  /** Test path patterns, passed to Jest as they are. */
  patterns: string[];
  /** A Jest config file (`--config`). */
  config: string | undefined;
  /** More Jest arguments (after `--`). */
  jestArgs: string[];
  /** The project folder Jest runs in. */
  cwd: string;
}

/** How a seed's test failed. */
export type SeedFailureKind = 'broke the steady state' | 'was not steady before' | 'failed';

/** One failing test of one seed. */
export interface SeedFailure {
  seed: string;
  /** The test's full name, without its `[seed n]` suffix. */
  test: string;
  /** The test file, relative to the project folder. */
  file: string;
  kind: SeedFailureKind;
  /** The command that runs this test again with this seed. */
  replay: string;
  /** The first line of its failure. */
  reason: string;
}

/** What a sweep found (also written as JSON with `--report`). */
export interface SweepResult {
  seeds: string[];
  shard: Shard | undefined;
  /** Seeds whose every test passed. */
  passed: string[];
  failures: SeedFailure[];
  /** Failures of tests that are not chaos tests (no seed), and of files that failed to run. */
  otherFailures: string[];
  /** How many seed tests ran. */
  seedTests: number;
  jestExitCode: number | null;
}

interface JestReport {
  testResults: Array<{
    name: string;
    status: string;
    message: string;
    assertionResults: Array<{ fullName: string; status: string; failureMessages: string[] }>;
  }>;
}

function runnerFailure(reason: string, fix: string, cause?: unknown): ChaosError {
  return new ChaosError('CHAOS_RUNNER_FAILED', { action: 'run the chaos sweep', reason, fix }, { cause });
}

/** Jest's bin, as the project resolves it. */
function jestBin(cwd: string): string {
  try {
    const require = createRequire(join(cwd, 'package.json'));
    return join(dirname(require.resolve('jest/package.json')), 'bin', 'jest.js');
  } catch (error) {
    throw runnerFailure(
      `jest cannot be found from ${cwd}`,
      'Install it in the project (npm i -D jest), and run the runner from the project folder',
      error,
    );
  }
}

function kindOf(messages: readonly string[]): SeedFailureKind {
  const text = messages.join('\n');
  if (text.includes('Failed to hold the steady state')) return 'broke the steady state';
  if (text.includes('Failed to start experiment')) return 'was not steady before';
  return 'failed';
}

/** The first line of a failure that says something (Jest's messages may start with colour codes or blank lines). */
function reasonOf(messages: readonly string[]): string {
  const lines = messages.join('\n').split('\n');
  // Jest prints the error's class first: `ChaosExperimentError: [chaos-injectors] Failed to ...`.
  return firstLine(lines.find((line) => line.trim() !== '')?.trim() ?? 'failed').replace(/^\w*Error: (?=\[)/, '');
}

/**
 * Summarise Jest's `--json` report of a sweep: which seeds passed, and for each failing test of a
 * seed, how it failed and the line that replays it.
 */
export function summariseSweep(
  report: JestReport,
  options: Pick<SweepOptions, 'cwd' | 'shardSeeds' | 'shard'>,
  jestExitCode: number | null,
): SweepResult {
  const failures: SeedFailure[] = [];
  const otherFailures: string[] = [];
  const failedSeeds = new Set<string>();
  let seedTests = 0;
  for (const suite of report.testResults) {
    const file = relative(options.cwd, suite.name) || suite.name;
    if (suite.status === 'failed' && suite.assertionResults.length === 0) otherFailures.push(`${file}: ${reasonOf([suite.message])}`);
    for (const test of suite.assertionResults) {
      const seed = / \[seed ([^\]]+)\]$/.exec(test.fullName)?.[1];
      if (seed !== undefined) seedTests++;
      if (test.status !== 'failed') continue;
      if (seed === undefined) {
        otherFailures.push(`${file}: ${test.fullName}: ${reasonOf(test.failureMessages)}`);
        continue;
      }
      failedSeeds.add(seed);
      const name = test.fullName.slice(0, -seedSuffix(seed).length);
      failures.push({
        seed,
        test: name,
        file,
        kind: kindOf(test.failureMessages),
        replay: replayLine(join(options.cwd, file), name, seed),
        reason: reasonOf(test.failureMessages),
      });
    }
  }
  return {
    seeds: options.shardSeeds,
    shard: options.shard,
    passed: options.shardSeeds.filter((seed) => !failedSeeds.has(seed)),
    failures,
    otherFailures,
    seedTests,
    jestExitCode,
  };
}

/**
 * The summary the runner prints: the seeds run, which broke a steady state (each with its replay
 * line), and what else failed.
 */
export function formatSweep(result: SweepResult, allSeeds: readonly string[]): string {
  const lines: string[] = [];
  const shard =
    result.shard === undefined
      ? ''
      : `, shard ${result.shard.index}/${result.shard.count} of ${allSeeds.length} seeds (${describeSeeds(allSeeds)})`;
  lines.push(`[chaos-injectors] Chaos sweep: seeds ${describeSeeds(result.seeds)}${shard}.`);
  const failed = result.seeds.length - result.passed.length;
  lines.push(`  ${result.seeds.length} seeds, ${result.passed.length} passed, ${failed} failed; ${result.seedTests} seed tests ran.`);
  if (result.seedTests === 0) lines.push('  No chaos test ran: declare chaos tests with chaosTest() so each runs once per seed.');
  for (const kind of ['broke the steady state', 'was not steady before', 'failed'] as const) {
    const ofKind = result.failures.filter((failure) => failure.kind === kind);
    if (ofKind.length === 0) continue;
    const seeds = [...new Set(ofKind.map((failure) => failure.seed))];
    lines.push(`Seeds that ${kind === 'failed' ? 'failed otherwise' : kind} (${seeds.length}): ${seeds.join(', ')}`);
    for (const failure of ofKind) {
      lines.push(`  seed ${failure.seed}: ${failure.test} (${failure.file})`);
      lines.push(`    ${failure.reason}`);
      lines.push(`    ${failure.replay}`);
    }
  }
  if (result.otherFailures.length > 0) {
    lines.push(`Other failures (${result.otherFailures.length}):`);
    for (const failure of result.otherFailures) lines.push(`  ${failure}`);
  }
  return lines.join('\n');
}

/**
 * Run Jest once over the chosen tests with the shard's seeds in `CHAOS_SEEDS`, so every
 * `chaosTest()` runs once per seed in the same Jest run (going on past a failing seed), and
 * summarise its report.
 */
export async function runSweep(
  options: SweepOptions,
  output: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream },
): Promise<SweepResult> {
  const bin = jestBin(options.cwd);
  const dir = mkdtempSync(join(tmpdir(), 'chaos-sweep-'));
  const reportFile = join(dir, 'report.json');
  try {
    const args = [
      '--experimental-vm-modules',
      '--disable-warning=ExperimentalWarning',
      bin,
      '--json',
      `--outputFile=${reportFile}`,
      ...(options.config === undefined ? [] : ['--config', options.config]),
      ...options.jestArgs,
      ...options.patterns,
    ];
    const child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env: { ...process.env, [SEEDS_ENV]: options.shardSeeds.join(',') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(output.stdout, { end: false });
    child.stderr.pipe(output.stderr, { end: false });
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    let report: JestReport;
    try {
      report = JSON.parse(readFileSync(reportFile, 'utf8')) as JestReport;
    } catch (error) {
      throw runnerFailure(
        `Jest ended (exit code ${String(exitCode)}) without a report`,
        'Its output above says why (a bad config, no tests found); fix that and run again',
        error,
      );
    }
    return summariseSweep(report, options, exitCode);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
