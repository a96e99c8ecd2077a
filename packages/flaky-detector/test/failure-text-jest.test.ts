import { afterAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { testModule, type JestProject } from '@proving-ground/test-kit';
import { runCli } from '../src/cli.js';
import { testIdOf } from '../src/model.js';
import { reporterProject, STORE, storedHistory } from './reporter-projects.js';

// --- Test files of the temporary projects (typed here, written there with testModule) ---

declare const test: typeof import('@jest/globals').test;
declare const jest: typeof import('@jest/globals').jest;

/** Fails its first attempt and passes the retry: flaky on the same code, in one run. */
function checkoutFile(): void {
  jest.retryTimes(1);
  let calls = 0;
  test('checkout retries the payment', () => {
    calls += 1;
    const token = 'password=hunter2-secret';
    expect(`${calls} ${token}`).toBe(`2 ${token}`);
  });
}

/** Two tests with one full name (a copy-paste slip), the second failing. */
function duplicatesFile(): void {
  test('adds the line', () => {
    expect(1 + 1).toBe(2);
  });

  test('adds the line', () => {
    expect(2 + 2).toBe(5);
  });
}

/** The 1-based line of `text` that holds `marker`. */
function lineOf(text: string, marker: string): number {
  return text.split('\n').findIndex((line) => line.includes(marker)) + 1;
}

async function report(dir: string, args: string[]): Promise<string> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['report', '--store', join(dir, STORE), ...args], {
    cwd: dir,
    env: {},
    isTTY: false,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  if (code !== 0) throw new Error(`report ${args.join(' ')} exited ${code}: ${stderr}`);
  return stdout;
}

describe('failure text and ids in a real Jest run', () => {
  const projects: JestProject[] = [];
  afterAll(() => projects.forEach((project) => project.remove()));

  const checkout = testModule(checkoutFile);
  const duplicates = testModule(duplicatesFile);
  const checkoutLine = lineOf(checkout, 'expect(`${calls}');
  const duplicateLine = lineOf(duplicates, 'toBe(5)');

  it('should store each failure with its masked message and line, and give same-named tests their own ids', async () => {
    const project = reporterProject({ files: { 'checkout.test.js': checkout, 'duplicates.test.js': duplicates } });
    projects.push(project);

    await project.run();

    const { attempts } = await storedHistory(project);
    const duplicateIds = attempts.filter((attempt) => attempt.file === 'duplicates.test.js').map((attempt) => attempt.testId);
    expect(duplicateIds.sort()).toEqual(
      [testIdOf('duplicates.test.js', 'adds the line'), testIdOf('duplicates.test.js', 'adds the line', 2)].sort(),
    );
    const failedDuplicate = attempts.find((attempt) => attempt.file === 'duplicates.test.js' && attempt.status === 'failed');
    expect(failedDuplicate).toMatchObject({ testId: testIdOf('duplicates.test.js', 'adds the line', 2), failureLine: duplicateLine });
    expect(failedDuplicate?.failureMessage).toContain('Expected: 5');
    const flakyFailure = attempts.find((attempt) => attempt.file === 'checkout.test.js' && attempt.status === 'failed');
    expect(flakyFailure?.failureLine).toBe(checkoutLine);
    expect(flakyFailure?.failureMessage).toContain('password=***');
    expect(JSON.stringify(attempts)).not.toContain('hunter2');
  });

  it('should show the text and line in JUnit, Markdown and GitHub annotations', async () => {
    const project = projects[0]!;

    const junit = await report(project.dir, ['--format', 'junit']);
    const markdown = await report(project.dir, ['--format', 'markdown']);
    const github = await report(project.dir, ['--format', 'github']);

    expect(junit).toContain('<flakyFailure message="Error: expect(received).toBe(expected) // Object.is equality"');
    expect(junit).toContain(`at checkout.test.js:${checkoutLine}`);
    expect(junit).toMatch(/<failure message="Error: expect\(received\)\.toBe\(expected\)[^"]*"[^>]*><!\[CDATA\[[^\]]*Expected: 5/);
    expect(markdown).toContain(`checkout.test.js:${checkoutLine}`);
    expect(markdown).toContain('password=\\*\\*\\*');
    expect(github).toContain(`::warning file=checkout.test.js,line=${checkoutLine},title=Flaky%3A checkout retries the payment::`);
    expect(github).toContain('Last failure:%0AError: expect(received).toBe(expected)');
    expect(`${junit}${markdown}${github}`).not.toContain('hunter2');
  });

  it('should let the quarantine tell same-named tests apart in the worker as the reporter does', async () => {
    const quarantine = (occurrence: number): string =>
      JSON.stringify({
        entries: [
          {
            testId: testIdOf('duplicates.test.js', 'adds the line', occurrence),
            owner: '@cart',
            reason: 'copy-paste slip',
            issue: 'https://example.invalid/cart/issues/3',
            expires: '2999-12-31',
          },
        ],
      });
    const run = async (occurrence: number): Promise<number | null> => {
      const project = reporterProject({
        setup: true,
        options: { earlyDetection: false },
        files: { 'duplicates.test.js': duplicates, 'flaky-quarantine.json': quarantine(occurrence) },
      });
      projects.push(project);
      return (await project.run()).exitCode;
    };

    expect(await run(2)).toBe(0);
    // The quarantined failure is still recorded, with the text and line the setup file saw in the worker.
    const { attempts } = await storedHistory(projects[projects.length - 1]!);
    expect(attempts.find((attempt) => attempt.status === 'failed')).toMatchObject({
      testId: testIdOf('duplicates.test.js', 'adds the line', 2),
      failureLine: duplicateLine,
      failureMessage: expect.stringContaining('Expected: 5'),
    });
    expect(await run(1)).toBe(1);
  });
});
