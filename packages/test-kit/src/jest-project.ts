import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
// Through package.json: Jest's own resolver (these helpers run inside Jest) honours exports maps,
// and jest's does not export its bin file.
const jestBin = join(dirname(require.resolve('jest/package.json')), 'bin', 'jest.js');
const safetyNet = join(dirname(require.resolve('@proving-ground/test-kit/package.json')), 'src', 'safety-net.cjs');

/** One test of Jest's `--json` report. */
export interface TestOutcome {
  title: string;
  fullName: string;
  status: 'passed' | 'failed' | 'pending' | 'skipped' | 'todo' | 'disabled';
  failureMessages: string[];
}

/** A finished run of real Jest on a temporary project. */
export interface JestRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  tests: TestOutcome[];
  /** Messages of suites that failed before any test ran (a setup file threw, ...). */
  suiteFailures: string[];
  numTotalTests: number;
  /** What the project's tests wrote as JSON files into `$OUT_DIR`, by file name. */
  outputs: Record<string, unknown>;
}

/** Options of {@link createJestProject}. */
export interface JestProjectOptions {
  /** The package whose suite makes the project: it lives under `<packageDir>/.tmp/`, so it resolves the workspace's packages. */
  packageDir: string;
  /** Files to write, by path inside the project. `package.json` is written for you unless given. */
  files?: Record<string, string>;
  /** `"type": "module"` and Jest under `--experimental-vm-modules`. */
  esm?: boolean;
  /** Preload a DNS lookup that refuses every non-loopback name (default true), so nothing under test reaches a real host. */
  safetyNet?: boolean;
}

/** Options of one {@link JestProject.run}. */
export interface JestRunOptions {
  /** Variables set for this run, over the cleaned environment. */
  env?: Record<string, string>;
  /** More arguments for Jest. */
  args?: string[];
  /** Where Jest starts (the project folder by default). */
  cwd?: string;
}

/** A temporary Jest project. */
export interface JestProject {
  readonly dir: string;
  write(file: string, content: string): void;
  delete(file: string): void;
  run(options?: JestRunOptions): Promise<JestRun>;
  remove(): void;
}

/** Variables of the outer test run that would change what the inner run does. */
const INHERITED_VARIABLES_TO_DROP =
  /^(TEST_MODE|TEST_RECORD|TEST_RECORD_IN_CI|TEST_MODES_CONFIG|CI|JEST_WORKER_ID|PROVING_GROUND_.*|DATABASE_URL|NODE_OPTIONS|FACTORIES_SEED|PACT_DO_NOT_TRACK)$/;

/**
 * Write a temporary project and return a handle that runs real Jest on it, the way a user's
 * project would run. Each run gets a fresh Jest cache (a warm cache makes Jest run files in band)
 * and an empty `$OUT_DIR` for what the tests want to hand back.
 *
 * @example
 * const project = createJestProject({ packageDir, files: { 'a.test.js': testModule(main) } });
 * const run = await project.run({ env: { TEST_MODE: 'golden' } });
 * project.remove();
 */
export function createJestProject(options: JestProjectOptions): JestProject {
  const base = join(options.packageDir, '.tmp');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, 'project-'));
  const write = (file: string, content: string): void => {
    const path = join(dir, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  };
  const files = options.files ?? {};
  if (files['package.json'] === undefined) {
    write('package.json', JSON.stringify({ name: 'fixture', private: true, type: options.esm === true ? 'module' : 'commonjs' }));
  }
  for (const [file, content] of Object.entries(files)) write(file, content);
  let runs = 0;

  return {
    dir,
    write,
    delete: (file) => rmSync(join(dir, file), { force: true }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
    run: async ({ env = {}, args = [], cwd = dir } = {}) => {
      runs++;
      const outDir = join(dir, `.out-${runs}`);
      mkdirSync(outDir, { recursive: true });
      const reportFile = join(dir, `.report-${runs}.json`);
      const childEnv: Record<string, string> = {};
      for (const [key, value] of Object.entries(process.env)) {
        if (value !== undefined && !INHERITED_VARIABLES_TO_DROP.test(key)) childEnv[key] = value;
      }
      if (options.safetyNet !== false) childEnv['NODE_OPTIONS'] = `--require ${safetyNet}`;
      Object.assign(childEnv, { OUT_DIR: outDir }, env);
      const nodeArgs = options.esm === true ? ['--experimental-vm-modules', '--no-warnings'] : [];
      const jestArgs = [
        '--rootDir',
        dir,
        '--ci',
        `--cacheDirectory=${join(dir, `.cache-${runs}`)}`,
        '--json',
        `--outputFile=${reportFile}`,
      ];
      const child = spawn(process.execPath, [...nodeArgs, jestBin, ...jestArgs, ...args], { cwd, env: childEnv });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exitCode = await new Promise<number | null>((done) => child.on('close', done));
      return { exitCode, stdout, stderr, ...readReport(reportFile), outputs: readOutputs(outDir) };
    },
  };
}

/**
 * Run Jest once on a temporary project made of `files`, then delete it.
 *
 * @example
 * const run = await runJestProject({ packageDir, files: { 'a.test.js': testModule(main) }, esm: true });
 */
export async function runJestProject(options: JestProjectOptions & JestRunOptions): Promise<JestRun> {
  const project = createJestProject(options);
  try {
    return await project.run(options);
  } finally {
    project.remove();
  }
}

function readReport(file: string): Pick<JestRun, 'tests' | 'suiteFailures' | 'numTotalTests'> {
  let report: { numTotalTests: number; testResults: Array<{ message: string; status: string; assertionResults: TestOutcome[] }> } = {
    numTotalTests: 0,
    testResults: [],
  };
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as typeof report;
  } catch {
    // Jest stopped before writing a report (globalSetup failed, bad config): stderr says why.
  }
  return {
    numTotalTests: report.numTotalTests,
    tests: report.testResults.flatMap((suite) => suite.assertionResults),
    suiteFailures: report.testResults
      .filter((suite) => suite.status === 'failed' && suite.assertionResults.length === 0)
      .map((suite) => suite.message),
  };
}

function readOutputs(dir: string): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  for (const file of readdirSync(dir).sort()) {
    const text = readFileSync(join(dir, file), 'utf8');
    try {
      outputs[file] = JSON.parse(text) as unknown;
    } catch {
      outputs[file] = text;
    }
  }
  return outputs;
}
