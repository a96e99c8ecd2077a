import { describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  activeFaults,
  chaosExperiment,
  ChaosExperimentError,
  chaosSeed,
  injectFsFault,
  isChaosError,
  registerFault,
} from '../src/index.js';

// A small service whose health depends on its disk: it reports `degraded` when a write fails.
const dataDir = mkdtempSync(join(tmpdir(), 'experiment-'));

async function health(): Promise<{ status: 'ok' | 'degraded'; detail?: string }> {
  try {
    await writeFile(join(dataDir, 'health.probe'), 'ok');
    return { status: 'ok' };
  } catch (error) {
    return { status: 'degraded', detail: `disk_${(error as NodeJS.ErrnoException).code}` };
  }
}

/** A fault of the test's own, through the registry: a feature flag switched off. */
function flagOff(flags: Set<string>, flag: string): ReturnType<typeof registerFault> {
  flags.delete(flag);
  return registerFault({ kind: 'flag', target: `${flag} off`, restore: () => void flags.add(flag) });
}

async function failureOf(run: Promise<unknown>): Promise<ChaosExperimentError> {
  try {
    await run;
  } catch (error) {
    if (error instanceof ChaosExperimentError) return error;
    throw error;
  }
  throw new Error('the experiment passed');
}

describe('chaosExperiment', () => {
  it('should verify the hypothesis under the faults, restore them and report each phase', async () => {
    const report = await chaosExperiment({
      name: 'health under a broken disk',
      steadyState: async () => expect(await health()).toEqual({ status: 'ok' }),
      inject: () => injectFsFault({ path: dataDir, error: 'EIO' }),
      verify: async () => expect(await health()).toEqual({ status: 'degraded', detail: 'disk_EIO' }),
    });

    expect(report.steps.map((step) => [step.phase, step.outcome])).toEqual([
      ['steady state before', 'held'],
      ['inject', 'done'],
      ['verify', 'held'],
      ['rollback', 'done'],
      ['steady state after', 'held'],
    ]);
    expect(report.faults).toEqual([expect.stringMatching(/^fs EIO on read\/write\/fsync /)]);
    expect(report.timeline.map((entry) => `${entry.event} ${entry.kind}`)).toEqual(['injected fs', 'fired fs', 'restored fs']);
    expect(report.seed).toBe(chaosSeed());
    // This suite runs with native ES modules: the line turns them on, or it would not run.
    expect(report.replay).toContain(`CHAOS_SEED=${chaosSeed()} NODE_OPTIONS=--experimental-vm-modules npx jest `);
    expect(activeFaults()).toEqual([]);
    expect(await health()).toEqual({ status: 'ok' });
  });

  it('should refuse to inject anything when the steady state does not hold before', async () => {
    let injected = false;

    const error = await failureOf(
      chaosExperiment({
        name: 'checkout',
        steadyState: () => expect({ status: 'degraded' }).toEqual({ status: 'ok' }),
        inject: () => {
          injected = true;
        },
        verify: () => true,
      }),
    );

    expect(error.code).toBe('CHAOS_NOT_STEADY');
    expect(error.message).toMatch(
      /^\[chaos-injectors\] Failed to start experiment "checkout": the steady state does not hold before any fault is injected, so nothing was injected\.\n {2}steady state before +failed/,
    );
    expect(error.message).toContain('Make the system steady first');
    expect(injected).toBe(false);
    expect(error.report.steps.slice(1).every((step) => step.outcome === 'not run')).toBe(true);
  });

  it('should roll back and name the broken hypothesis, the faults, the timeline and the seed', async () => {
    const flags = new Set(['payments']);
    const rolledBack: string[] = [];

    const error = await failureOf(
      chaosExperiment({
        name: 'orders without payments',
        steadyState: () => flags.has('payments'),
        inject: () => flagOff(flags, 'payments'),
        verify: () => expect(flags.has('payments') ? 'accepted' : 'rejected').toBe('queued'),
        rollback: () => void rolledBack.push('queue drained'),
      }),
    );

    expect(error.code).toBe('CHAOS_STEADY_STATE_BROKEN');
    expect(isChaosError(error)).toBe(true);
    expect(error.message).toContain(
      'Failed to hold the steady state of experiment "orders without payments": the hypothesis failed under 1 fault.',
    );
    expect(error.message).toMatch(/verify +failed +\+\d+ms {2}expect\(received\)\.toBe\(expected\)/);
    expect(error.message).toMatch(/Fault timeline \(seed [^)]+\):\n[^]*\+\d+ms injected flag payments off/);
    expect(error.message).toMatch(/\+\d+ms restored flag payments off/);
    expect(error.report.steps.find((step) => step.phase === 'steady state after')?.outcome).toBe('held');
    expect(rolledBack).toEqual(['queue drained']);
    expect(flags.has('payments')).toBe(true);
    expect(activeFaults()).toEqual([]);
  });

  it('should wait up to recoverWithin for the steady state to hold again', async () => {
    let checksAfterRollback = 0;
    let faulted = false;

    const report = await chaosExperiment({
      steadyState: () => (faulted ? ++checksAfterRollback >= 3 : true),
      inject: () => registerFault({ kind: 'dependency', target: 'cache down', restore: () => undefined }),
      verify: () => {
        faulted = true;
      },
      recoverWithin: 60_000,
      interval: 1,
    });

    expect(checksAfterRollback).toBe(3);
    expect(report.steps.at(-1)).toMatchObject({ phase: 'steady state after', outcome: 'held', detail: expect.stringMatching(/3 checks$/) });
    expect(report.recoveredAfter).toEqual(expect.any(Number));
  });

  it('should fail when the steady state does not hold again after the rollback', async () => {
    let broken = false;

    const error = await failureOf(
      chaosExperiment({
        steadyState: () => {
          if (broken) throw new Error('circuit breaker still open');
        },
        inject: () => registerFault({ kind: 'dependency', target: 'payments 503', restore: () => undefined }),
        verify: () => {
          broken = true;
        },
      }),
    );

    expect(error.code).toBe('CHAOS_STEADY_STATE_BROKEN');
    expect(error.message).toContain('the steady state did not hold again right after the rollback.');
    expect(error.message).toMatch(/steady state after +failed +\+\d+ms {2}circuit breaker still open \(1 check in \d+ms\)/);
    expect(error.cause).toEqual(new Error('circuit breaker still open'));
  });

  it('should dispose of the handles inject returns, and of what it registered before it threw', async () => {
    const disposed: string[] = [];
    const returned = { [Symbol.asyncDispose]: () => Promise.resolve(void disposed.push('returned')) };

    await chaosExperiment({ steadyState: () => true, inject: () => [returned], verify: () => expect(disposed).toEqual([]) });
    const thrown = chaosExperiment({
      steadyState: () => true,
      inject: () => {
        registerFault({ kind: 'flag', target: 'half injected', restore: () => void disposed.push('registered') });
        throw new Error('inject broke');
      },
      verify: () => true,
    });

    await expect(thrown).rejects.toThrow('inject broke');
    expect(disposed).toEqual(['returned', 'registered']);
    expect(activeFaults()).toEqual([]);
  });

  it('should report a rollback that throws, after restoring the faults', async () => {
    const flags = new Set(['search']);

    const error = await failureOf(
      chaosExperiment({
        steadyState: () => true,
        inject: () => flagOff(flags, 'search'),
        verify: () => true,
        rollback: () => {
          throw new Error('cannot reach the flag service');
        },
      }),
    );

    expect(error.code).toBe('CHAOS_ROLLBACK_FAILED');
    expect(error.message).toMatch(/rollback +failed +\+\d+ms {2}cannot reach the flag service/);
    expect(flags.has('search')).toBe(true);
    expect(activeFaults()).toEqual([]);
  });

  it('should list every problem of its options at once', async () => {
    const run = chaosExperiment({ steadyState: () => true, verfy: () => true, recoverWithin: -1 } as never);

    await expect(run).rejects.toMatchObject({
      code: 'CHAOS_INVALID_ASSERTION',
      message: expect.stringContaining(
        '- verfy: unknown option. Did you mean "verify"?' +
          ' Known options: name, steadyState, inject, verify, rollback, recoverWithin, interval.\n' +
          '- recoverWithin: expected a number >= 0, got -1.\n' +
          '- inject: missing (a function).\n' +
          '- verify: missing (a function).',
      ),
    });
  });
});
