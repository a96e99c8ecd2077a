import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createJestProject, jestConfigModule, testModule, type JestProject } from '@proving-ground/test-kit';

const packageDir = resolve(import.meta.dirname, '..');
const cli = join(packageDir, 'dist', 'cli.mjs');

// --- The chaos suite of the temporary project (typed here, written there with testModule) ---

declare const process: NodeJS.Process;

function chaosSuite(): void {
  const { beforeEach, expect } = require('@jest/globals') as typeof import('@jest/globals');
  const { chaosExperiment, chaosSeed, chaosTest, faultTimeline, injectFsFault } =
    require('@proving-ground/chaos-injectors') as typeof import('@proving-ground/chaos-injectors');
  const fs = require('node:fs') as typeof import('node:fs');
  const path = require('node:path') as typeof import('node:path');
  const dir = path.join(__dirname, 'data');
  fs.mkdirSync(dir, { recursive: true });
  // The service retries a failed write once, then reports itself degraded.
  const saveOrder = (): string => {
    for (let attempt = 1; ; attempt++) {
      try {
        fs.writeFileSync(path.join(dir, 'orders.db'), 'order');
        return 'ok';
      } catch {
        if (attempt === 2) return 'degraded';
      }
    }
  };

  chaosTest('orders are saved on a flaky disk', async ({ seed }) => {
    try {
      await chaosExperiment({
        steadyState: () => expect(saveOrder()).toBe('ok'),
        inject: () => injectFsFault({ path: dir, error: 'EIO', probability: 0.5 }),
        verify: () => expect([saveOrder(), saveOrder(), saveOrder()]).toEqual(['ok', 'ok', 'ok']),
      });
    } finally {
      // The timeline without its times: what fired, where, in which order.
      const lines = faultTimeline().map((entry) => `${entry.event} ${entry.kind} ${entry.target} ${entry.detail ?? ''} ${entry.seed}`);
      fs.writeFileSync(path.join(process.env['OUT_DIR']!, `timeline-${seed}.json`), JSON.stringify(lines));
    }
  });

  let seedInHook = '';
  beforeEach(() => {
    seedInHook = chaosSeed();
  });

  chaosTest('every seed gets its own stream, in its hooks too', ({ seed }) => {
    expect(chaosSeed()).toBe(seed);
    expect(seedInHook).toBe(seed);
  });
}

async function esmSuite(): Promise<void> {
  const { expect } = await import('@jest/globals');
  const { chaosSeed, chaosTest, faultRandom } = await import('@proving-ground/chaos-injectors');

  chaosTest('seeds reach an ES module test file', ({ seed }) => {
    expect(chaosSeed()).toBe(seed);
    expect(faultRandom('roll').int(0, 1000)).toEqual(expect.any(Number));
  });
}

// --- Running the CLI ---

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  report: SweepReport | undefined;
  timelines: Record<string, string[]>;
}

interface SweepReport {
  seeds: string[];
  passed: string[];
  seedTests: number;
  failures: Array<{ seed: string; test: string; file: string; kind: string; replay: string; reason: string }>;
  otherFailures: string[];
}

let runs = 0;

function runCli(project: JestProject, args: string[]): Promise<CliRun> {
  runs++;
  const outDir = join(project.dir, `.sweep-out-${runs}`);
  mkdirSync(outDir, { recursive: true });
  const reportFile = join(project.dir, `.sweep-${runs}.json`);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(JEST_WORKER_ID|NODE_OPTIONS|CHAOS_SEEDS?|CI)$/.test(key)) env[key] = value;
  }
  env['OUT_DIR'] = outDir;
  const child = spawn(
    process.execPath,
    [cli, ...args, '--report', reportFile, '--', '--ci', `--cacheDirectory=${join(project.dir, `.cache-${runs}`)}`],
    { cwd: project.dir, env },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done) =>
    child.on('close', (code) => {
      let report: SweepReport | undefined;
      try {
        report = JSON.parse(readFileSync(reportFile, 'utf8')) as SweepReport;
      } catch {
        report = undefined;
      }
      const timelines: Record<string, string[]> = {};
      for (const file of readdirSync(outDir))
        timelines[file.replace(/^timeline-|\.json$/g, '')] = JSON.parse(readFileSync(join(outDir, file), 'utf8')) as string[];
      done({ code, stdout, stderr, report, timelines });
    }),
  );
}

describe('proving-ground-chaos run', () => {
  let project: JestProject;
  let sweep: CliRun;
  let secondHalf: CliRun;

  beforeAll(async () => {
    project = createJestProject({
      packageDir,
      files: {
        'jest.config.js': jestConfigModule({
          testEnvironment: 'node',
          transform: {},
          setupFilesAfterEnv: ['@proving-ground/chaos-injectors/setup'],
        }),
        'orders.chaos.test.js': testModule(chaosSuite),
      },
    });
    sweep = await runCli(project, ['run', '--seeds', '8']);
    secondHalf = await runCli(project, ['run', '--seeds', '8', '--shard', '2/2']);
  });

  afterAll(() => project.remove());

  it('should run every chaos test once per seed in one Jest run, going on past failing seeds', () => {
    const report = sweep.report!;
    const failed = [...new Set(report.failures.map((failure) => failure.seed))];

    expect(report.seeds).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    expect(report.seedTests).toBe(16);
    expect(Object.keys(sweep.timelines).sort()).toEqual(report.seeds);
    expect(failed.length).toBeGreaterThan(0);
    expect([...report.passed, ...failed].sort()).toEqual(report.seeds);
    expect(
      report.failures.every((failure) => failure.kind === 'broke the steady state' && failure.test === 'orders are saved on a flaky disk'),
    ).toBe(true);
    expect(report.otherFailures).toEqual([]);
    expect(sweep.code).toBe(1);
  });

  it('should report the seeds that broke a steady state, each with its one-line replay', () => {
    const failure = sweep.report!.failures[0]!;

    expect(failure.replay).toBe(`CHAOS_SEED=${failure.seed} npx jest orders.chaos.test.js -t "^orders are saved on a flaky disk$"`);
    expect(failure.reason).toContain(
      'Failed to hold the steady state of experiment "orders are saved on a flaky disk": the hypothesis failed under 1 fault.',
    );
    expect(sweep.stdout).toContain('[chaos-injectors] Chaos sweep: seeds 1..8.');
    expect(sweep.stdout).toContain(`Seeds that broke the steady state (${new Set(sweep.report!.failures.map((f) => f.seed)).size}): `);
    expect(sweep.stdout).toContain(`  seed ${failure.seed}: orders are saved on a flaky disk (orders.chaos.test.js)\n`);
    expect(sweep.stdout).toContain(`    ${failure.replay}\n`);
  });

  it('should give a seed the same fault timeline in every run: in a shard, and replayed alone', async () => {
    const failure = sweep.report!.failures[0]!;
    const pattern = /-t "(.*)"$/.exec(failure.replay)![1]!.replace(/\\(["\\$`])/g, '$1');

    const replay = await project.run({ env: { CHAOS_SEED: failure.seed }, args: ['orders.chaos.test.js', '-t', pattern] });
    const replayed = replay.outputs[`timeline-${failure.seed}.json`];

    expect(secondHalf.report!.seeds).toEqual(['5', '6', '7', '8']);
    for (const seed of ['5', '6', '7', '8']) expect(secondHalf.timelines[seed]).toEqual(sweep.timelines[seed]);
    expect(replay.tests.filter((test) => test.status === 'failed').map((test) => test.title)).toEqual(['orders are saved on a flaky disk']);
    expect(replayed).toEqual(sweep.timelines[failure.seed]);
    expect(
      new Set(Object.values(sweep.timelines).map((lines) => JSON.stringify(lines.map((line) => line.replace(/ \S+$/, ''))))).size,
    ).toBeGreaterThan(1);
  });

  it('should fail with CHAOS_RUNNER_FAILED when Jest ends without a report', async () => {
    const broken = await runCli(project, ['run', '--seeds', '2', '--config', 'missing.config.js']);

    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('[chaos-injectors] Failed to run the chaos sweep: Jest ended (exit code 1) without a report.');
    expect(broken.stderr).toContain('(CHAOS_RUNNER_FAILED)');
  });

  it('should refuse bad flags with did-you-mean, before running anything', async () => {
    const bad = await runCli(project, ['run', '--seed', '8', '--shard', '3/2']);

    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('[chaos-injectors] Failed to run the chaos sweep: 2 flags are wrong.\n');
    expect(bad.stderr).toContain('- --seed: not a flag of run. Did you mean --seeds?');
    expect(bad.stderr).toContain('- read the shard "3/2": the index must be from 1 to 2.');
    expect(bad.stderr).toContain('(CHAOS_INVALID_RUNNER_OPTIONS)');
    expect(bad.report).toBeUndefined();
  });
});

describe('proving-ground-chaos run in a native ESM project', () => {
  it('should sweep the chaos tests of an ES module test file', async () => {
    const project = createJestProject({
      packageDir,
      esm: true,
      files: {
        'jest.config.js': jestConfigModule(
          { testEnvironment: 'node', transform: {}, setupFilesAfterEnv: ['@proving-ground/chaos-injectors/setup'] },
          { esm: true },
        ),
        'seeds.chaos.test.js': testModule(esmSuite),
      },
    });
    try {
      const sweep = await runCli(project, ['run', '--seeds', '3..5']);

      expect(sweep.report).toMatchObject({
        seeds: ['3', '4', '5'],
        passed: ['3', '4', '5'],
        seedTests: 3,
        failures: [],
        otherFailures: [],
      });
      expect(sweep.code).toBe(0);
    } finally {
      project.remove();
    }
  });
});
