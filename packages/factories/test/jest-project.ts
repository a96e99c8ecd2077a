import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const jestBin = join(packageDir, '../../node_modules/jest/bin/jest.js');

/** One test of a Jest --json report. */
export interface TestOutcome {
  fullName: string;
  status: string;
  failureMessages: string[];
}

/** A finished Jest run on a temporary project. */
export interface JestRun {
  exitCode: number | null;
  stderr: string;
  tests: TestOutcome[];
  /** What the project's tests wrote to `$OUT_DIR`, by file name. */
  outputs: Record<string, unknown>;
}

/** A temporary Jest project under the package's .tmp/ (so it resolves the workspace's packages). */
export interface JestProject {
  readonly dir: string;
  write(file: string, content: string): void;
  /** Run Jest on the project; `cwd` is where Jest starts (the project folder by default). */
  run(options?: { args?: string[]; env?: Record<string, string>; cwd?: string }): Promise<JestRun>;
  remove(): void;
}

const DROPPED_VARIABLES = /^(JEST_WORKER_ID|FACTORIES_SEED|NODE_OPTIONS|TEST_MODE|CI)$/;

/**
 * Write `files` into a fresh temporary project (CommonJS) and return a handle that runs real Jest on it.
 *
 * @example
 * const project = createJestProject({ 'a.test.js': "test('x', () => {})" }); const run = await project.run()
 */
export function createJestProject(files: Record<string, string>): JestProject {
  const base = join(packageDir, '.tmp');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, 'project-'));
  const write = (file: string, content: string): void => {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), content);
  };
  write('package.json', JSON.stringify({ name: 'factories-fixture', private: true, type: 'commonjs' }));
  for (const [file, content] of Object.entries(files)) write(file, content);
  let runs = 0;
  return {
    dir,
    write,
    remove: () => rmSync(dir, { recursive: true, force: true }),
    run: async ({ args = [], env = {}, cwd = dir } = {}) => {
      runs++;
      const outDir = join(dir, `out-${runs}`);
      mkdirSync(outDir, { recursive: true });
      const report = join(dir, `report-${runs}.json`);
      const childEnv: Record<string, string> = {};
      for (const [key, value] of Object.entries(process.env))
        if (value !== undefined && !DROPPED_VARIABLES.test(key)) childEnv[key] = value;
      Object.assign(childEnv, { OUT_DIR: outDir }, env);
      // A fresh cache each run: Jest runs files in band when its cache remembers them as fast.
      const cache = `--cacheDirectory=${join(dir, `cache-${runs}`)}`;
      const child = spawn(process.execPath, [jestBin, '--rootDir', dir, '--ci', cache, '--json', `--outputFile=${report}`, ...args], {
        cwd,
        env: childEnv,
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.resume();
      const exitCode = await new Promise<number | null>((done) => child.on('close', done));
      let parsed: { testResults: Array<{ assertionResults: TestOutcome[] }> } = { testResults: [] };
      try {
        parsed = JSON.parse(readFileSync(report, 'utf8')) as typeof parsed;
      } catch {
        // No report: Jest failed before running tests; stderr says why.
      }
      const outputs: Record<string, unknown> = {};
      for (const file of readdirSync(outDir).sort()) outputs[file] = JSON.parse(readFileSync(join(outDir, file), 'utf8')) as unknown;
      return { exitCode, stderr, tests: parsed.testResults.flatMap((suite) => suite.assertionResults), outputs };
    },
  };
}
