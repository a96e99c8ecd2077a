import { performance } from 'node:perf_hooks';
import { checks, countProblems, listOptionProblems } from '@proving-ground/kit';
import { currentTest, faultTimeline, formatTimeline, activeFaults, registerFault, chaosSeed } from '../cleanup/registry.js';
import type { FaultHandle, TimelineEntry } from '../cleanup/registry.js';
import { replayLine } from '../cleanup/jest-circus.js';
import { ChaosError, type ChaosErrorCode } from '../errors.js';
import { describeProbeError, pollProbe, runProbe, type Probe } from './probe.js';

/** What `verify` is given: the seed and the faults the experiment injected. */
export interface ExperimentContext {
  /** The seed the faults draw from (replay with `CHAOS_SEED=<seed>`). */
  readonly seed: string;
  /** The faults `inject` registered or returned, still active while `verify` runs. */
  readonly faults: readonly FaultHandle[];
}

/** Options of {@link chaosExperiment}. */
export interface ChaosExperimentOptions {
  /** What the report and the errors call the experiment; the current test's name by default. */
  name?: string;
  /** The steady-state probe: passes when it returns anything but `false` and does not throw (`expect()` works in it). */
  steadyState: Probe;
  /**
   * Inject the faults. Faults of this package (and `registerFault()`) it creates are the experiment's;
   * it may also return a handle or a list of them (anything `await using`-disposable, or with `restore()`).
   */
  inject: () => unknown;
  /** The hypothesis under the faults: passes when it returns anything but `false` and does not throw. */
  verify: (context: ExperimentContext) => unknown;
  /** Undo what the faults cannot undo themselves (bring a dependency back up); runs after the faults are restored, always. */
  rollback?: () => unknown;
  /** After the rollback, how long (ms) the steady state may take to hold again; polled. 0 (the default) checks once. */
  recoverWithin?: number;
  /** Milliseconds between steady-state checks while it recovers (default 50). */
  interval?: number;
}

/** One phase of an experiment, as the report lists it. */
export interface ExperimentStep {
  phase: 'steady state before' | 'inject' | 'verify' | 'rollback' | 'steady state after';
  outcome: 'held' | 'done' | 'failed' | 'not run';
  /** Milliseconds since the experiment started, when the phase ended. */
  at: number;
  /** What happened: the faults injected, the error, how long recovery took. */
  detail?: string;
}

/** What a finished experiment reports (also on {@link ChaosExperimentError.report}). */
export interface ChaosExperimentReport {
  name: string;
  /** The seed its faults drew from. */
  seed: string;
  /** The faults it injected, as `kind target`. */
  faults: string[];
  steps: ExperimentStep[];
  /** The fault timeline from the start of the experiment (injected, fired, restored). */
  timeline: TimelineEntry[];
  /** Milliseconds from the end of the rollback until the steady state held again, when it did. */
  recoveredAfter: number | undefined;
  /** The command that replays the test, when it runs under the setup entry. */
  replay: string | undefined;
}

/**
 * The error of a failed experiment: a {@link ChaosError} that also carries the report.
 *
 * @example
 * try { await chaosExperiment(options) } catch (error) { if (error instanceof ChaosExperimentError) console.log(error.report.timeline) }
 */
export class ChaosExperimentError extends ChaosError {
  static override readonly errorName: string = 'ChaosExperimentError';
  /** The steps, the faults, the timeline and the seed. */
  readonly report: ChaosExperimentReport;

  constructor(code: ChaosErrorCode, report: ChaosExperimentReport, reason: string, fix: string, cause?: unknown) {
    super(code, { action: actionOf(code, report.name), reason, details: formatReport(report), fix }, { cause });
    this.report = report;
  }
}

function actionOf(code: ChaosErrorCode, name: string): string {
  if (code === 'CHAOS_NOT_STEADY') return `start experiment "${name}"`;
  if (code === 'CHAOS_ROLLBACK_FAILED') return `roll back experiment "${name}"`;
  return `hold the steady state of experiment "${name}"`;
}

/**
 * The report as text lines: the steps, the fault timeline with the seed, and the replay line.
 *
 * @example
 * console.log(formatReport(report).join('\n'))
 */
export function formatReport(report: ChaosExperimentReport): string[] {
  const lines = report.steps.map(
    (step) => `  ${step.phase.padEnd(20)} ${step.outcome.padEnd(8)} +${step.at}ms${step.detail === undefined ? '' : `  ${step.detail}`}`,
  );
  lines.push(`Fault timeline (seed ${report.seed}):`);
  lines.push(report.timeline.length === 0 ? '  (no fault events)' : formatTimeline(report.timeline));
  if (report.replay !== undefined) lines.push(`Replay: ${report.replay}`);
  return lines;
}

function isDisposable(value: unknown): value is { restore?: () => unknown; [Symbol.asyncDispose]?: () => unknown } {
  if (typeof value !== 'object' || value === null) return false;
  const holder = value as Record<PropertyKey, unknown>;
  return (
    typeof holder['restore'] === 'function' ||
    typeof holder[Symbol.asyncDispose] === 'function' ||
    typeof holder[Symbol.dispose] === 'function'
  );
}

function dispose(value: object): unknown {
  const holder = value as Record<PropertyKey, (() => unknown) | undefined>;
  const asyncDispose = holder[Symbol.asyncDispose];
  if (typeof asyncDispose === 'function') return asyncDispose.call(value);
  if (typeof holder['restore'] === 'function') return holder['restore'].call(value);
  return holder[Symbol.dispose]?.call(value);
}

/** Whether `value` is shaped like a fault of the registry (every fault of this package registers itself). */
function isFaultHandle(value: object): boolean {
  const holder = value as Partial<FaultHandle>;
  return typeof holder.kind === 'string' && typeof holder.target === 'string' && typeof holder.active === 'boolean';
}

/** The handles `inject` returned that are not registry faults, registered now so they are always undone. */
function adoptReturned(returned: unknown, name: string): FaultHandle[] {
  const values = Array.isArray(returned) ? (returned as unknown[]) : [returned];
  const adopted: FaultHandle[] = [];
  values.forEach((value, index) => {
    if (!isDisposable(value) || isFaultHandle(value)) return;
    // A handle that names itself (a proxy's toxic) is listed by that name.
    const own = (value as { name?: unknown }).name;
    const target = `"${name}" ${typeof own === 'string' && own !== '' ? own : `handle ${index + 1}`}`;
    adopted.push(registerFault({ kind: 'experiment', target, restore: async () => void (await dispose(value)) }));
  });
  return adopted;
}

const OPTION_CHECKS = {
  name: checks.string(),
  steadyState: checks.function(),
  inject: checks.function(),
  verify: checks.function(),
  rollback: checks.function(),
  recoverWithin: checks.number(0),
  interval: checks.number(1),
};

function validate(options: ChaosExperimentOptions): void {
  const given = typeof options === 'object' && options !== null ? options : {};
  const problems = listOptionProblems(given, OPTION_CHECKS);
  for (const required of ['steadyState', 'inject', 'verify'] as const) {
    if ((given as Partial<ChaosExperimentOptions>)[required] === undefined) problems.push(`- ${required}: missing (a function).`);
  }
  if (problems.length > 0) {
    throw new ChaosError('CHAOS_INVALID_ASSERTION', {
      action: 'run the chaos experiment',
      reason: `its options have ${countProblems(problems)}`,
      details: problems,
      fix: 'Pass { steadyState, inject, verify } functions, and optionally name, rollback, recoverWithin and interval.',
    });
  }
}

/**
 * Run a chaos experiment the way the principles of chaos engineering describe it: check that the
 * steady state holds before anything is injected (else refuse, with `CHAOS_NOT_STEADY`), inject the
 * faults, verify the hypothesis while they are active, restore every fault and roll back (always,
 * even when `verify` throws), then check that the steady state holds again (within `recoverWithin`).
 *
 * The faults `inject` creates join the fault registry (so the setup entry restores them even if the
 * test times out mid-experiment), and so does `rollback`. A broken hypothesis throws a
 * {@link ChaosExperimentError} (`CHAOS_STEADY_STATE_BROKEN`) whose message lists each phase, the
 * fault timeline, the seed and the replay line; a passing experiment returns the same report.
 *
 * @example
 * const report = await chaosExperiment({
 *   steadyState: async () => expect(await health()).toEqual({ status: 'ok' }),
 *   inject: () => faults.on({ host: 'llm.example.com' }).hang(),
 *   verify: async () => expect(await answerFaq('refunds?')).toMatchObject({ status: 'degraded' }),
 *   recoverWithin: 2000,
 * });
 * console.log(report.seed, report.timeline);
 */
export async function chaosExperiment(options: ChaosExperimentOptions): Promise<ChaosExperimentReport> {
  validate(options);
  const test = currentTest();
  const name = options.name ?? test?.key ?? test?.name ?? 'chaos experiment';
  const seed = chaosSeed();
  const started = performance.now();
  const timelineStart = faultTimeline().length;
  const report: ChaosExperimentReport = {
    name,
    seed,
    faults: [],
    steps: [],
    timeline: [],
    recoveredAfter: undefined,
    replay: test === undefined ? undefined : replayLine(test.path, test.key ?? test.name, seed),
  };
  const step = (phase: ExperimentStep['phase'], outcome: ExperimentStep['outcome'], detail?: string): void => {
    const entry: ExperimentStep = { phase, outcome, at: Math.round(performance.now() - started) };
    if (detail !== undefined) entry.detail = detail;
    report.steps.push(entry);
  };
  const finish = (): ChaosExperimentReport => {
    report.timeline = faultTimeline().slice(timelineStart);
    return report;
  };
  const notRun = (...phases: ExperimentStep['phase'][]): void => phases.forEach((phase) => step(phase, 'not run'));

  // 1. The steady state must hold before anything is injected: otherwise the experiment proves nothing.
  const before = await runProbe(options.steadyState);
  if (!before.held) {
    step('steady state before', 'failed', describeProbeError(before.error));
    notRun('inject', 'verify', 'rollback', 'steady state after');
    throw new ChaosExperimentError(
      'CHAOS_NOT_STEADY',
      finish(),
      'the steady state does not hold before any fault is injected, so nothing was injected',
      'Make the system steady first (is a dependency up? a previous test left it broken?), or fix the steady-state probe.',
      before.error,
    );
  }
  step('steady state before', 'held');

  // 2. Inject: every fault joins the registry, so it is restored whatever happens next.
  const rollback = options.rollback;
  const rollbackHandle =
    rollback === undefined
      ? undefined
      : registerFault({ kind: 'experiment', target: `rollback of "${name}"`, restore: async () => void (await rollback()) });
  const known = new Set(activeFaults());
  let faults: FaultHandle[] = [];
  let failure: { code: ChaosErrorCode; reason: string; fix: string; cause: unknown } | undefined;
  let injectError: unknown;
  let injected = false;
  try {
    const returned = await options.inject();
    injected = true;
    const registered = activeFaults().filter((fault) => !known.has(fault) && fault !== rollbackHandle);
    faults = [...registered, ...adoptReturned(returned, name)];
  } catch (error) {
    injectError = error;
    faults = activeFaults().filter((fault) => !known.has(fault) && fault !== rollbackHandle);
  }
  report.faults = faults.map((fault) => `${fault.kind} ${fault.target}`);
  step(
    'inject',
    injected ? 'done' : 'failed',
    injected
      ? `${faults.length} fault${faults.length === 1 ? '' : 's'}: ${report.faults.join('; ') || 'none registered'}`
      : describeProbeError(injectError),
  );

  // 3. The hypothesis, while the faults are active.
  if (injected) {
    const verified = await runProbe(() => options.verify({ seed, faults }));
    if (verified.held) step('verify', 'held');
    else {
      step('verify', 'failed', describeProbeError(verified.error));
      failure = {
        code: 'CHAOS_STEADY_STATE_BROKEN',
        reason: `the hypothesis failed under ${faults.length === 1 ? '1 fault' : `${faults.length} faults`}`,
        fix: 'The system did not behave as the hypothesis says under these faults: fix the system (or the hypothesis, if it expects the wrong thing), and replay the seed',
        cause: verified.error,
      };
    }
  } else notRun('verify');

  // 4. Always roll back: the faults newest first, then the experiment's own rollback.
  let rollbackError: unknown;
  for (const fault of [...faults].reverse()) {
    try {
      await fault.restore();
    } catch (error) {
      rollbackError ??= error;
    }
  }
  try {
    await rollbackHandle?.restore();
  } catch (error) {
    rollbackError ??= error;
  }
  step(
    'rollback',
    rollbackError === undefined ? 'done' : 'failed',
    rollbackError === undefined ? undefined : describeProbeError(rollbackError),
  );

  if (!injected) {
    notRun('steady state after');
    finish();
    throw injectError;
  }

  // 5. The steady state must hold again once the faults are gone.
  const rolledBack = performance.now();
  const after = await pollProbe(options.steadyState, options.recoverWithin ?? 0, options.interval ?? 50);
  if (after.recovered) {
    report.recoveredAfter = Math.round(performance.now() - rolledBack);
    step('steady state after', 'held', after.attempts > 1 ? `after ${after.waited}ms, ${after.attempts} checks` : undefined);
  } else {
    step(
      'steady state after',
      'failed',
      `${describeProbeError(after.lastError)} (${after.attempts} check${after.attempts === 1 ? '' : 's'} in ${after.waited}ms)`,
    );
    failure ??= {
      code: 'CHAOS_STEADY_STATE_BROKEN',
      reason: `the steady state did not hold again ${options.recoverWithin === undefined || options.recoverWithin === 0 ? 'right after the rollback' : `within ${options.recoverWithin}ms of the rollback`}`,
      fix: 'The system did not recover once the faults were gone: fix its recovery (reconnects, retries, caches), or give it recoverWithin',
      cause: after.lastError,
    };
  }
  finish();
  if (failure !== undefined) throw new ChaosExperimentError(failure.code, report, failure.reason, failure.fix, failure.cause);
  if (rollbackError !== undefined) {
    throw new ChaosExperimentError(
      'CHAOS_ROLLBACK_FAILED',
      report,
      'a fault or the rollback threw while being undone',
      'Every other fault was restored; fix the rollback named in the steps',
      rollbackError,
    );
  }
  return report;
}
