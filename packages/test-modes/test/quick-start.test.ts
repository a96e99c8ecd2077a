import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJestProject, type JestProject } from './jest-project.js';

const quickStartDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'quick-start');

describe('the README quick start', () => {
  let project: JestProject;

  beforeAll(() => {
    const files = Object.fromEntries(readdirSync(quickStartDir).map((name) => [name, readFileSync(join(quickStartDir, name), 'utf8')]));
    project = createJestProject(files);
  });
  afterAll(() => project.remove());

  it('should pass in mock mode, with the live test skipped and its reason shown', async () => {
    const run = await project.run();

    expect(run.tests.map((test) => [test.title, test.status])).toEqual([
      ['reads the forecast from a local server (runs in mock and golden)', 'passed'],
      ['a call to the real internet fails the test instead of leaving the machine', 'passed'],
      ['talks to the real service (runs only with TEST_MODE=live_smoke) [skipped: runs only in live_smoke; TEST_MODE=mock]', 'pending'],
    ]);
    expect(run.stderr).toContain(
      '[test-modes] mode=mock (from default) record=none (from default); network guard on: loopback, *.svc.cluster.local allowed',
    );
  });

  it('should run only the live test in live_smoke mode', async () => {
    const run = await project.run({ env: { TEST_MODE: 'live_smoke' } });

    expect(run.tests.filter((test) => test.status === 'passed').map((test) => test.title)).toEqual([
      'talks to the real service (runs only with TEST_MODE=live_smoke)',
    ]);
    expect(run.exitCode).toBe(0);
  });
});
