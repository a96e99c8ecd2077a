import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const jestBin = join(packageDir, '../../node_modules/jest/bin/jest.js');

/** The outcome of a real Jest run on a temporary project. */
export interface JestRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  tests: Array<{ title: string; status: string; failureMessages: string[] }>;
}

/**
 * Write `files` to a temporary project inside the package (so it resolves the workspace's
 * packages) and run real Jest on it; `esm: true` makes it `"type": "module"` with vm modules. The
 * child gets this environment without `PACT_DO_NOT_TRACK`, as a user's shell would.
 */
export async function runJestProject(files: Record<string, string>, options: { esm?: boolean } = {}): Promise<JestRun> {
  const base = join(packageDir, '.tmp');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, 'project-'));
  try {
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'fixture', private: true, type: options.esm === true ? 'module' : 'commonjs' }),
    );
    for (const [file, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), content);
    }
    const outputFile = join(dir, 'results.json');
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !/^(JEST_WORKER_ID|NODE_OPTIONS|CI|PACT_DO_NOT_TRACK)$/.test(name)),
    ) as Record<string, string>;
    const child = spawn(
      process.execPath,
      [
        ...(options.esm === true ? ['--experimental-vm-modules', '--no-warnings'] : []),
        jestBin,
        '--rootDir',
        dir,
        '--ci',
        '--json',
        `--outputFile=${outputFile}`,
      ],
      { cwd: dir, env },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exitCode = await new Promise<number | null>((done) => child.on('close', done));
    let report: { testResults: Array<{ assertionResults: JestRun['tests'] }> } = { testResults: [] };
    try {
      report = JSON.parse(readFileSync(outputFile, 'utf8')) as typeof report;
    } catch {
      // Jest stopped before writing a report; stderr says why.
    }
    return { exitCode, stdout, stderr, tests: report.testResults.flatMap((suite) => suite.assertionResults) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
