import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RunKey } from '../model.js';

/** Lockfiles, in the order they are looked for; the first found in rootDir or a folder above it is hashed. */
export const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml'] as const;

/** The variables CI services put the commit being tested in, in the order they are read. */
const COMMIT_VARIABLES = ['GITHUB_SHA', 'CI_COMMIT_SHA', 'CIRCLE_SHA1', 'BUILDKITE_COMMIT'] as const;

/** The commit under test: the CI's variable, else `git rev-parse HEAD` in `dir`, else undefined. */
export function currentCommit(dir: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const name of COMMIT_VARIABLES) {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
  }
  try {
    return (
      execFileSync('git', ['rev-parse', 'HEAD'], {
        cwd: dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 5000,
      }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

/** sha256 (hex, 16 digits) of the first lockfile found in `dir` or a folder above it. */
export function lockfileHash(dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    for (const name of LOCKFILES) {
      const path = join(current, name);
      if (existsSync(path)) return createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16);
    }
    if (dirname(current) === current) return undefined;
  }
}

/** The CI job's name from the CI's variables (GitHub Actions, GitLab CI, CircleCI, Buildkite). */
export function ciJobName(env: NodeJS.ProcessEnv): string | undefined {
  if (env['GITHUB_ACTIONS'] === 'true' && env['GITHUB_JOB'] !== undefined) {
    return [env['GITHUB_WORKFLOW'], env['GITHUB_JOB']].filter((part) => part !== undefined && part !== '').join('/');
  }
  return env['CI_JOB_NAME'] ?? env['CIRCLE_JOB'] ?? env['BUILDKITE_LABEL'] ?? undefined;
}

/** What {@link runKeyFor} reads. */
export interface RunKeyInputs {
  rootDir: string;
  env: NodeJS.ProcessEnv;
  /** Jest's `globalConfig.shard` under `--shard=i/n`. */
  shard?: { shardIndex: number; shardCount: number } | undefined;
  runId?: string | undefined;
  ciJob?: string | undefined;
  now?: Date | undefined;
}

/**
 * The key of the run about to start: its id (given, from `FLAKY_DETECTOR_RUN_ID`, or new; one per
 * shard), the code it runs (commit, lockfile hash), where (Node, OS, CI job, shard) and when.
 *
 * @example
 * runKeyFor({ rootDir: process.cwd(), env: process.env, shard: globalConfig.shard })
 */
export function runKeyFor(inputs: RunKeyInputs): RunKey {
  const now = inputs.now ?? new Date();
  const shard = inputs.shard === undefined ? undefined : `${inputs.shard.shardIndex}/${inputs.shard.shardCount}`;
  const base =
    inputs.runId ??
    inputs.env['FLAKY_DETECTOR_RUN_ID'] ??
    `${now.toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomBytes(4).toString('hex')}`;
  const key: RunKey = {
    runId: inputs.shard === undefined ? base : `${base}-shard-${inputs.shard.shardIndex}-of-${inputs.shard.shardCount}`,
    nodeVersion: process.version,
    os: `${process.platform}-${process.arch}`,
    startedAt: now.toISOString(),
  };
  const commit = currentCommit(inputs.rootDir, inputs.env);
  if (commit !== undefined) key.commit = commit;
  const lockfile = lockfileHash(inputs.rootDir);
  if (lockfile !== undefined) key.lockfileHash = lockfile;
  const ciJob = inputs.ciJob ?? ciJobName(inputs.env);
  if (ciJob !== undefined) key.ciJob = ciJob;
  if (shard !== undefined) key.shard = shard;
  return key;
}
