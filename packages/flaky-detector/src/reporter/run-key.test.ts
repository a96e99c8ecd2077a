import { afterAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ciJobName, lockfileHash, runKeyFor } from './run-key.js';

const root = mkdtempSync(join(tmpdir(), 'flaky-run-key-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('runKeyFor', () => {
  it("should take the commit from the CI's variable before git, and name the shard in the run id", () => {
    const key = runKeyFor({
      rootDir: root,
      env: { CI_COMMIT_SHA: 'abc123', CI_JOB_NAME: 'unit 2/4' },
      shard: { shardIndex: 2, shardCount: 4 },
      runId: 'pipeline-77',
      now: new Date('2026-03-01T10:00:00Z'),
    });

    expect(key).toEqual({
      runId: 'pipeline-77-shard-2-of-4',
      commit: 'abc123',
      ciJob: 'unit 2/4',
      shard: '2/4',
      nodeVersion: process.version,
      os: `${process.platform}-${process.arch}`,
      startedAt: '2026-03-01T10:00:00.000Z',
    });
  });

  it('should make a new run id each time when none is given', () => {
    const first = runKeyFor({ rootDir: root, env: {} }).runId;
    const second = runKeyFor({ rootDir: root, env: { FLAKY_DETECTOR_RUN_ID: 'from-env' } }).runId;

    expect(first).toMatch(/^\d{8}T\d{6}-[0-9a-f]{8}$/);
    expect(second).toBe('from-env');
  });
});

describe('lockfileHash', () => {
  it('should hash the first lockfile in the folder or above it', () => {
    const project = join(root, 'repo', 'packages', 'shop');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(root, 'repo', 'pnpm-lock.yaml'), 'lockfileVersion: 9\n');

    expect(lockfileHash(project)).toBe(createHash('sha256').update('lockfileVersion: 9\n').digest('hex').slice(0, 16));
  });
});

describe('ciJobName', () => {
  it("should read GitHub Actions' workflow and job", () => {
    expect(ciJobName({ GITHUB_ACTIONS: 'true', GITHUB_WORKFLOW: 'ci', GITHUB_JOB: 'test' })).toBe('ci/test');
    expect(ciJobName({ CIRCLE_JOB: 'build' })).toBe('build');
    expect(ciJobName({})).toBeUndefined();
  });
});
