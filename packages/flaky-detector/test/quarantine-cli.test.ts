import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/cli.js';
import type { CommandIo } from '../src/cli/command.js';
import { testIdOf, type AttemptStatus } from '../src/model.js';
import { openHistoryStore } from '../src/store/open-store.js';

const root = mkdtempSync(join(tmpdir(), 'flaky-quarantine-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const FLAKY = testIdOf('cart.test.js', 'cart applies the coupon');
const BROKEN = testIdOf('cart.test.js', 'cart totals the lines');
const STABLE = testIdOf('cart.test.js', 'cart lists the items');

/** A project folder whose history has a flaky test (fails then passes in a run), a test broken since run 3, and a stable one. */
async function projectWithHistory(name: string): Promise<string> {
  const cwd = join(root, name);
  const store = await openHistoryStore({ cwd });
  for (let run = 0; run < 6; run++) {
    const runId = `run-${run}`;
    await store.recordRun({
      runId,
      commit: `c${run}`,
      nodeVersion: 'v24',
      os: 'linux',
      startedAt: new Date(Date.UTC(2026, 0, 1, run)).toISOString(),
    });
    const attempts = (fullName: string, statuses: AttemptStatus[]) =>
      statuses.map((status, index) => ({
        runId,
        testId: testIdOf('cart.test.js', fullName),
        file: 'cart.test.js',
        fullName,
        attempt: index + 1,
        status,
        durationMs: 3,
      }));
    await store.recordAttempts([
      ...attempts('cart applies the coupon', run % 2 === 0 ? ['failed', 'passed'] : ['passed']),
      ...attempts('cart totals the lines', run >= 3 ? ['failed'] : ['passed']),
      ...attempts('cart lists the items', ['passed']),
    ]);
  }
  await store.close();
  return cwd;
}

async function cli(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = { cwd, env: {}, stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), isTTY: false };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

const ENTRY_FLAGS = [
  '--owner',
  '@payments',
  '--reason',
  'the coupon service times out',
  '--issue',
  'https://example.invalid/issues/9',
  '--expires',
  '2099-01-31',
];

describe('flaky-detector quarantine', () => {
  it('should add a flaky test with its name, then list and check it', async () => {
    const cwd = await projectWithHistory('add');

    const added = await cli(cwd, 'quarantine', 'add', FLAKY, ...ENTRY_FLAGS);
    const listed = await cli(cwd, 'quarantine', 'list');
    const checked = await cli(cwd, 'quarantine', 'check');

    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toContain(`Quarantined cart.test.js › cart applies the coupon (${FLAKY}) until 2099-01-31`);
    expect(JSON.parse(readFileSync(join(cwd, 'flaky-quarantine.json'), 'utf8'))).toEqual({
      entries: [
        {
          testId: FLAKY,
          owner: '@payments',
          reason: 'the coupon service times out',
          issue: 'https://example.invalid/issues/9',
          expires: '2099-01-31',
          name: 'cart.test.js › cart applies the coupon',
        },
      ],
    });
    expect(listed.stdout).toContain(`${FLAKY}  until 2099-01-31  @payments  cart.test.js › cart applies the coupon`);
    expect(checked).toMatchObject({ code: 0 });
  });

  it('should refuse to quarantine a broken test, a regression, and leave the file as it was', async () => {
    const cwd = await projectWithHistory('broken');

    const refused = await cli(cwd, 'quarantine', 'add', BROKEN, ...ENTRY_FLAGS);

    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `[flaky-detector] Failed to quarantine the test ${BROKEN}: "cart totals the lines" (cart.test.js) is broken`,
    );
    expect(refused.stderr).toContain('A broken test is a regression to fix, not a flake to hide');
    expect(existsSync(join(cwd, 'flaky-quarantine.json'))).toBe(false);
  });

  it('should refuse a test the history does not know, and name every missing flag', async () => {
    const cwd = await projectWithHistory('unknown');

    const unknown = await cli(cwd, 'quarantine', 'add', '0123456789abcdef', ...ENTRY_FLAGS);
    const missing = await cli(cwd, 'quarantine', 'add', STABLE, '--owner', '@qa');

    expect(unknown.stderr).toContain('has no test with that id');
    expect(missing.stderr).toContain('3 problems');
    expect(missing.stderr).toContain('- the new entry (testId "');
    expect(missing.stderr).toContain('reason: missing (give --reason)');
    expect(missing.stderr).toContain('expires: missing (give --expires)');
  });

  it('should fail check on an expired entry, and never overwrite an invalid file', async () => {
    const cwd = await projectWithHistory('expired');
    const expired = { testId: FLAKY, owner: '@payments', reason: 'r', issue: 'https://example.invalid/1', expires: '2020-01-01' };
    writeFileSync(join(cwd, 'flaky-quarantine.json'), JSON.stringify({ entries: [expired] }));
    writeFileSync(join(cwd, 'broken.json'), '{ "entries": [ { "testId": 3 } ] }');

    const checked = await cli(cwd, 'quarantine', 'check');
    const adding = await cli(cwd, 'quarantine', 'add', STABLE, ...ENTRY_FLAGS, '--file', 'broken.json');

    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain(`- ${FLAKY}: expired 2020-01-01`);
    expect(adding.code).toBe(1);
    expect(adding.stderr).toContain('[flaky-detector] Failed to read the quarantine file');
    expect(readFileSync(join(cwd, 'broken.json'), 'utf8')).toBe('{ "entries": [ { "testId": 3 } ] }');
  });
});
