import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(packageDir, '../..');
const jestBin = join(repoRoot, 'node_modules/jest/bin/jest.js');

/** One test as reported by Jest's --json output. */
export interface TestOutcome {
  title: string;
  fullName: string;
  status: 'passed' | 'failed' | 'pending' | 'skipped' | 'todo' | 'disabled';
  failureMessages: string[];
}

/** The result of running real Jest on a temporary project. */
export interface JestRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  tests: TestOutcome[];
  /** Messages of suites that failed to run (e.g. the setup file threw). */
  suiteFailures: string[];
  numTotalTests: number;
}

/** A temporary Jest project inside the package (so it resolves the workspace's packages). */
export interface JestProject {
  dir: string;
  write(file: string, content: string): void;
  delete(file: string): void;
  run(options?: { env?: Record<string, string>; args?: string[] }): Promise<JestRun>;
  remove(): void;
}

const INHERITED_VARIABLES_TO_DROP =
  /^(TEST_MODE|TEST_RECORD|TEST_RECORD_IN_CI|TEST_MODES_CONFIG|CI|JEST_WORKER_ID|PROVING_GROUND_.*|DATABASE_URL|NODE_OPTIONS)$/;

/**
 * Create a temporary project with the given files. `esm: true` makes it `"type": "module"` and
 * runs Jest with `--experimental-vm-modules`.
 */
export function createJestProject(files: Record<string, string>, options: { esm?: boolean } = {}): JestProject {
  const base = join(packageDir, '.tmp');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, 'project-'));
  const write = (file: string, content: string): void => {
    const path = join(dir, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  };
  write('package.json', JSON.stringify({ name: 'fixture', private: true, type: options.esm === true ? 'module' : 'commonjs' }));
  for (const [file, content] of Object.entries(files)) write(file, content);

  return {
    dir,
    write,
    delete: (file) => rmSync(join(dir, file), { force: true }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
    run: async ({ env = {}, args = [] } = {}) => {
      const outputFile = join(dir, 'jest-results.json');
      rmSync(outputFile, { force: true });
      const childEnv: Record<string, string> = {};
      for (const [key, value] of Object.entries(process.env)) {
        if (value !== undefined && !INHERITED_VARIABLES_TO_DROP.test(key)) childEnv[key] = value;
      }
      childEnv['NODE_OPTIONS'] = `--require ${join(packageDir, '..', 'test-modes', 'test', 'safety-net.cjs')}`;
      Object.assign(childEnv, env);
      const nodeArgs = options.esm === true ? ['--experimental-vm-modules', '--no-warnings'] : [];
      const child = spawn(
        process.execPath,
        [...nodeArgs, jestBin, '--rootDir', dir, '--ci', '--json', `--outputFile=${outputFile}`, ...args],
        {
          cwd: dir,
          env: childEnv,
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exitCode = await new Promise<number | null>((done) => child.on('close', done));
      let report: {
        numTotalTests: number;
        testResults: Array<{ message: string; status: string; assertionResults: TestOutcome[] }>;
      } = { numTotalTests: 0, testResults: [] };
      try {
        report = JSON.parse(readFileSync(outputFile, 'utf8')) as typeof report;
      } catch {
        // Jest stopped before writing a report (globalSetup failed): stderr says why.
      }
      return {
        exitCode,
        stdout,
        stderr,
        numTotalTests: report.numTotalTests,
        tests: report.testResults.flatMap((suite) => suite.assertionResults),
        suiteFailures: report.testResults
          .filter((suite) => suite.status === 'failed' && suite.assertionResults.length === 0)
          .map((suite) => suite.message),
      };
    },
  };
}
