import { afterAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createJestProject, testModule, type JestProject } from '@proving-ground/test-kit';
import { testIdOf } from '../src/model.js';
import { lastRunId, outcomesByTest, packageDir, storedHistory } from './reporter-projects.js';

// The Jest config and quarantine file docs/flaky-detector.md shows, run as they are.
const fixtures = join(packageDir, 'test', 'fixtures', 'reporter');
const CONFIG = readFileSync(join(fixtures, 'jest.config.mjs'), 'utf8');
const QUARANTINE = readFileSync(join(fixtures, 'flaky-quarantine.json'), 'utf8');

declare const test: typeof import('@jest/globals').test;

function checkout(): void {
  let resets = 0;
  describe('checkout', () => {
    test('charges the card', () => {
      throw new Error('card declined by the sandbox');
    });
    test('reserves the stock', () => {
      resets++;
      if (resets === 1) throw new Error('read ECONNRESET');
    });
    test('totals the cart', () => undefined);
  });
}

describe('the documented Jest config', () => {
  const projects: JestProject[] = [];
  afterAll(() => projects.forEach((project) => project.remove()));

  it('should name the test its quarantine entry is for', () => {
    const [entry] = (JSON.parse(QUARANTINE) as { entries: Array<{ testId: string }> }).entries;

    expect(entry?.testId).toBe(testIdOf('checkout.test.js', 'checkout charges the card'));
  });

  it('should record, quarantine and retry as the guide says, in a CommonJS project as `npm init -y` makes one', async () => {
    const project = createJestProject({
      packageDir,
      files: { 'jest.config.mjs': CONFIG, 'flaky-quarantine.json': QUARANTINE, 'checkout.test.js': testModule(checkout) },
    });
    projects.push(project);

    const run = await project.run();

    expect(run.exitCode).toBe(0);
    expect(run.stderr).toContain('flaky-detector: 1 quarantined failure');
    expect(run.stderr).toContain('flaky-detector: 1 test retried');
    const history = await storedHistory(project);
    expect(outcomesByTest(history, lastRunId(history))).toEqual({
      'checkout charges the card': ['failed'],
      'checkout reserves the stock': ['failed', 'passed'],
      'checkout totals the cart': ['passed'],
    });
  });
});
