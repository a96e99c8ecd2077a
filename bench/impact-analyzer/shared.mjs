// What the impact-analyzer benches share: loading the built analyzer, `jest --listTests` and
// `--changedSince` in a repository, the monorepo clone, tables and the results folder.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_DIR, JEST_BIN, MONOREPO, git } from './fixture-repo.mjs';

export const RESULTS_DIR = join(BENCH_DIR, 'results');
export const TMP_DIR = join(BENCH_DIR, '.tmp');
export const QUICK = process.argv.includes('--quick');

/** `selectTests` from the built package, or a clear stop when the build does not export it yet. */
export async function loadSelectTests() {
  // IMPACT_BENCH_ANALYZER: another build's entry (an absolute path) to measure instead of the workspace's.
  const override = process.env.IMPACT_BENCH_ANALYZER;
  const analyzer = await import(override ? pathToFileURL(override).href : '@proving-ground/impact-analyzer');
  if (typeof analyzer.selectTests !== 'function') {
    console.error(
      'The built @proving-ground/impact-analyzer does not export selectTests: run `npm run build -w packages/impact-analyzer` first.',
    );
    process.exit(2);
  }
  return analyzer.selectTests;
}

/** Runs `jest <args>` in `root` with the given config; returns stdout lines and the elapsed ms. */
export function jestList(root, args, { config } = {}) {
  const started = performance.now();
  let stdout;
  try {
    stdout = execFileSync(
      process.execPath,
      ['--experimental-vm-modules', '--no-warnings', JEST_BIN, '--ci', ...(config ? ['--config', config] : []), '--listTests', ...args],
      { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } catch (error) {
    stdout = error.stdout ?? '';
    if (stdout === '') throw new Error(`jest --listTests failed in ${root}: ${error.stderr}`, { cause: error });
  }
  const elapsedMs = performance.now() - started;
  const files = stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('/'))
    .map((line) => relative(root, line).split('\\').join('/'));
  return { files, elapsedMs };
}

/** A fresh clone of this monorepo (inside bench/impact-analyzer/.tmp, so the workspace's node_modules resolve). */
export function cloneMonorepo(name = 'monorepo') {
  const dir = join(TMP_DIR, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(TMP_DIR, { recursive: true });
  execFileSync('git', ['clone', '-q', '--no-hardlinks', MONOREPO, dir], { stdio: 'ignore' });
  git(dir, 'config', 'user.email', 'bench@example.invalid');
  git(dir, 'config', 'user.name', 'bench');
  return dir;
}

export const ms = (value) => (value === undefined ? '-' : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`);
export const pct = (value) => (value === undefined || Number.isNaN(value) ? '-' : `${(value * 100).toFixed(1)} %`);
export const median = (values) => {
  const sorted = values.filter((v) => v !== undefined).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export function table(headers, rows) {
  console.log(`| ${headers.join(' | ')} |`);
  console.log(`| ${headers.map(() => '---').join(' | ')} |`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}

export function writeResult(name, data) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}${QUICK ? '.quick' : ''}.json`);
  writeFileSync(path, `${JSON.stringify({ at: new Date().toISOString(), node: process.version, quick: QUICK, ...data }, null, 2)}\n`);
  console.log(`\nResults written to ${relative(MONOREPO, path)}`);
}

export const exists = existsSync;

/**
 * Runs `jest --ci <args> --json` in `root` (failures are expected: the JSON says which); returns
 * the number of test files and the failing ones, repository-relative.
 */
export function runJestFailing(root, args, { env } = {}) {
  const output = join(TMP_DIR, `jest-results-${process.pid}.json`);
  rmSync(output, { force: true });
  try {
    execFileSync(
      process.execPath,
      ['--experimental-vm-modules', '--no-warnings', JEST_BIN, '--ci', ...args, '--json', `--outputFile=${output}`, '--silent'],
      { cwd: root, stdio: 'ignore', env: { ...process.env, ...env } },
    );
  } catch {
    // failing tests exit non-zero
  }
  if (!existsSync(output)) throw new Error(`jest ${args.join(' ')} did not run in ${root}: run it there by hand to see why`);
  const result = JSON.parse(readFileSync(output, 'utf8'));
  return {
    total: result.numTotalTestSuites,
    failing: result.testResults.filter((file) => file.status === 'failed').map((file) => relative(root, file.name).split('\\').join('/')),
  };
}
