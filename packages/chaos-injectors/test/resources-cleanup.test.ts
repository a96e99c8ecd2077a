import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { resolve } from 'node:path';
import { createJestProject, jestConfigModule, testModule, type JestProject, type JestRun } from '@proving-ground/test-kit';

const packageDir = resolve(import.meta.dirname, '..');

// --- Code that runs inside the temporary project (typed here, written there with testModule) ---

declare const process: NodeJS.Process;

function guardedSuite(): void {
  const { afterAll, expect, test } = require('@jest/globals') as typeof import('@jest/globals');
  const { injectFsFault, skewClock, activeFaults } =
    require('@proving-ground/chaos-injectors') as typeof import('@proving-ground/chaos-injectors');
  const fs = require('node:fs') as typeof import('node:fs');
  const path = require('node:path') as typeof import('node:path');
  const dir = process.env['OUT_DIR']!;
  const probe = (): string => {
    try {
      fs.writeFileSync(path.join(dir, 'probe.txt'), 'x');
      return 'ok';
    } catch (error) {
      return String((error as NodeJS.ErrnoException).code);
    }
  };
  const wallClockDrift = (): number => Math.abs(Date.now() - (performance.timeOrigin + performance.now()));
  const seen: Record<string, unknown> = {};

  test('throws with a fault active', () => {
    injectFsFault({ path: dir, error: 'EIO' });
    throw new Error('boom');
  });
  test('sees the fault restored after a throw', () => {
    seen['afterThrow'] = probe();
    seen['activeAfterThrow'] = activeFaults().length;
  });
  test('times out with faults active', async () => {
    injectFsFault({ path: dir, error: 'EACCES' });
    skewClock(3_600_000);
    await new Promise(() => undefined);
  }, 300);
  test('sees the faults restored after a timeout', () => {
    seen['afterTimeout'] = probe();
    seen['clockBack'] = wallClockDrift() < 60_000;
  });
  test('leaks a fault', () => {
    injectFsFault({ path: dir, error: 'ENOSPC' });
    expect(probe()).toBe('ENOSPC');
  });
  test('disposes its fault', async () => {
    const fault = injectFsFault({ path: dir, error: 'ENOSPC' });
    seen['inside'] = probe();
    await fault[Symbol.asyncDispose]();
    seen['afterDispose'] = probe();
  });
  test('rolls its faults from the seed', () => {
    const fault = injectFsFault({ path: dir, error: 'EIO', probability: 0.5 });
    const rolls = Array.from({ length: 24 }, () => (probe() === 'ok' ? '.' : 'x')).join('');
    void fault.restore();
    fs.writeFileSync(path.join(dir, `rolls-${process.pid}.json`), JSON.stringify(rolls));
    expect(rolls).toBe('never the same as this');
  });
  afterAll(() => fs.writeFileSync(path.join(dir, 'seen.json'), JSON.stringify(seen)));
}

// --- The checks ---

function failureOf(run: JestRun, title: string): string {
  const test = run.tests.find((outcome) => outcome.title === title);
  if (test === undefined) throw new Error(`no test "${title}" in ${JSON.stringify(run.tests.map((t) => t.title))}\n${run.stderr}`);
  return test.failureMessages.join('\n');
}

function rollsOf(run: JestRun): unknown[] {
  return Object.entries(run.outputs)
    .filter(([file]) => file.startsWith('rolls-'))
    .map(([, value]) => value);
}

describe('the setup entry', () => {
  let project: JestProject;
  let run: JestRun;

  beforeAll(async () => {
    project = createJestProject({
      packageDir,
      files: {
        'jest.config.js': jestConfigModule({
          testEnvironment: 'node',
          transform: {},
          setupFilesAfterEnv: ['@proving-ground/chaos-injectors/setup'],
        }),
        'guarded.test.js': testModule(guardedSuite),
      },
    });
    run = await project.run({ env: { CHAOS_SEED: '4242' } });
  });

  afterAll(() => project.remove());

  it('should restore every fault after a test that threw or timed out', () => {
    const seen = run.outputs['seen.json'] as Record<string, unknown>;

    expect(seen).toMatchObject({
      afterThrow: 'ok',
      activeAfterThrow: 0,
      afterTimeout: 'ok',
      clockBack: true,
      inside: 'ENOSPC',
      afterDispose: 'ok',
    });
    expect(failureOf(run, 'times out with faults active')).toContain('Exceeded timeout');
  });

  it('should fail a test that leaves a fault active, naming the fault', () => {
    const failure = failureOf(run, 'leaks a fault');

    expect(failure).toContain('[chaos-injectors] Failed to end "leaks a fault" with every fault restored: it left a fault active.');
    expect(failure).toContain('  - fs ENOSPC on write ');
    expect(run.tests.find((test) => test.title === 'disposes its fault')?.status).toBe('passed');
    expect(failureOf(run, 'times out with faults active')).toMatch(
      /left 2 faults active[\s\S]*- fs EACCES on open[\s\S]*- clock wall clock \+3600000ms/,
    );
  });

  it('should print the fault timeline, the seed and a one-line replay under a failing test that used faults', () => {
    const failure = failureOf(run, 'throws with a fault active');

    expect(failure).toContain('Chaos faults of this test (seed 4242):');
    expect(failure).toMatch(/\+\d+ms injected fs EIO on read\/write\/fsync /);
    expect(failure).toMatch(/\+\d+ms left active fs EIO/);
    expect(failure).toContain('Replay: CHAOS_SEED=4242 npx jest guarded.test.js -t "^throws with a fault active$"');
    expect(failureOf(run, 'rolls its faults from the seed')).toMatch(/\+\d+ms fired fs: EIO on write '.*probe\.txt'/);
  });

  it('should replay the same faults from the printed line', async () => {
    const failure = failureOf(run, 'rolls its faults from the seed');
    const line = /Replay: CHAOS_SEED=(\d+) npx jest (\S+) -t "(.*)"/.exec(failure)!;
    const pattern = line[3]!.replace(/\\(["\\$`])/g, '$1'); // what the shell makes of the double-quoted text

    const replay = await project.run({ env: { CHAOS_SEED: line[1]! }, args: [line[2]!, '-t', pattern] });
    const otherSeed = await project.run({ env: { CHAOS_SEED: '7' }, args: [line[2]!, '-t', pattern] });

    expect(replay.tests.filter((test) => test.status !== 'pending' && test.status !== 'skipped').map((test) => test.title)).toEqual([
      'rolls its faults from the seed',
    ]);
    expect(rollsOf(replay)).toEqual(rollsOf(run));
    expect(rollsOf(run)[0]).toMatch(/^[.x]{24}$/);
    expect(rollsOf(otherSeed)).not.toEqual(rollsOf(run));
  });
});
