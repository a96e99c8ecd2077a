import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { resolve } from 'node:path';
import { createJestProject, jestConfigModule, testModule, type JestProject, type JestRun } from '@proving-ground/test-kit';

const packageDir = resolve(import.meta.dirname, '..');

// --- The test file of the temporary project (typed here, written there with testModule) ---

declare const process: NodeJS.Process;

function assertionsSuite(): void {
  const { expect, test } = require('@jest/globals') as typeof import('@jest/globals');
  const { chaosExperiment, createLedger, injectFsFault } =
    require('@proving-ground/chaos-injectors') as typeof import('@proving-ground/chaos-injectors');
  const fs = require('node:fs') as typeof import('node:fs');
  const path = require('node:path') as typeof import('node:path');
  const dir = process.env['OUT_DIR']!;
  const health = (): string => {
    try {
      fs.writeFileSync(path.join(dir, 'health.probe'), 'ok');
      return 'ok';
    } catch (error) {
      return `degraded: ${String((error as NodeJS.ErrnoException).code)}`;
    }
  };

  test('recovers once the disk is back', async () => {
    const disk = injectFsFault({ path: dir, error: 'EIO', times: 3 });
    await expect(() => expect(health()).toBe('ok')).toRecoverWithin(60_000, { interval: 1 });
    expect(disk.fired).toBe(3);
    await disk.restore();
  });

  test('does not recover while the disk is broken', async () => {
    const disk = injectFsFault({ path: dir, error: 'EIO' });
    try {
      await expect(() => expect(health()).toBe('ok')).toRecoverWithin(20, { interval: 5 });
    } finally {
      await disk.restore();
    }
  });

  test('breaks its hypothesis', async () => {
    await chaosExperiment({
      steadyState: () => expect(health()).toBe('ok'),
      inject: () => injectFsFault({ path: dir, error: 'ENOSPC' }),
      verify: () => expect(health()).toBe('degraded: EIO'),
    });
  });

  test('loses an order', () => {
    const orders = createLedger({ name: 'orders' });
    ['o-1', 'o-2', 'o-3'].forEach((id) => orders.sent(id));
    ['o-1', 'o-3', 'o-3'].forEach((id) => orders.seen(id));
    orders.verify();
  });
}

// --- The checks ---

function failureOf(run: JestRun, title: string): string {
  const test = run.tests.find((outcome) => outcome.title === title);
  if (test === undefined) throw new Error(`no test "${title}" in ${JSON.stringify(run.tests.map((t) => t.title))}\n${run.stderr}`);
  return test.failureMessages.join('\n');
}

describe('the assertions in a real Jest run, with the setup entry in setupFiles', () => {
  let project: JestProject;
  let run: JestRun;

  beforeAll(async () => {
    project = createJestProject({
      packageDir,
      files: {
        // setupFiles run before Jest installs `expect`: the matcher is registered when the file's run starts.
        'jest.config.js': jestConfigModule({
          testEnvironment: 'node',
          transform: {},
          setupFiles: ['@proving-ground/chaos-injectors/setup'],
        }),
        'assertions.test.js': testModule(assertionsSuite),
      },
    });
    run = await project.run({ env: { CHAOS_SEED: '4242' } });
  });

  afterAll(() => project.remove());

  it('should register toRecoverWithin, which passes once the probe passes', () => {
    expect(run.tests.map((test) => [test.title, test.status])).toEqual([
      ['recovers once the disk is back', 'passed'],
      ['does not recover while the disk is broken', 'failed'],
      ['breaks its hypothesis', 'failed'],
      ['loses an order', 'failed'],
    ]);
  });

  it('should fail toRecoverWithin with the last error, the wait and the fault timeline', () => {
    const failure = failureOf(run, 'does not recover while the disk is broken');

    expect(failure).toMatch(/\[chaos-injectors\] The probe did not recover within 20ms: it still failed after \d+ms \(\d+ attempts\)\./);
    expect(failure).toMatch(
      /Last error: expect\(received\)\.toBe\(expected\) \/\/ Object\.is equality\n\s+Expected: "ok"\n\s+Received: "degraded: EIO"/,
    );
    expect(failure).toMatch(
      /Fault timeline \(seed 4242\):\n\s+\+\d+ms injected fs EIO on read\/write\/fsync [^\n]+\n\s+\+\d+ms fired fs: EIO on write '[^']+health\.probe'/,
    );
  });

  it('should fail a broken experiment with its phases, timeline, seed and replay line', () => {
    const failure = failureOf(run, 'breaks its hypothesis');

    expect(failure).toContain(
      '[chaos-injectors] Failed to hold the steady state of experiment "breaks its hypothesis": the hypothesis failed under 1 fault.',
    );
    expect(failure).toMatch(/verify +failed +\+\d+ms {2}expect\(received\)\.toBe\(expected\)/);
    expect(failure).toMatch(/Received: "degraded: ENOSPC"/);
    expect(failure).toMatch(/Fault timeline \(seed 4242\):\n\s+\+\d+ms injected fs ENOSPC on write /);
    expect(failure).toContain('Replay: CHAOS_SEED=4242 npx jest assertions.test.js -t "^breaks its hypothesis$"');
    expect(failure.match(/Replay: /g)).toHaveLength(1); // the setup entry adds no second timeline
  });

  it('should fail the ledger check naming the lost and duplicated ids', () => {
    expect(failureOf(run, 'loses an order')).toContain(
      '[chaos-injectors] Failed to account for every one of 3 orders sent: 1 lost, 1 duplicated (3 stored).\n  lost (1): "o-2"\n  duplicated (1): "o-3" x2',
    );
  });
});
