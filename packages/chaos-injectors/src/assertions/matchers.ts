import { addCircusEventHandler, checks, countProblems, listOptionProblems, prefixed } from '@proving-ground/kit';
import { chaosSeed, faultTimeline, formatTimeline } from '../cleanup/registry.js';
import { ChaosError } from '../errors.js';
import { describeProbeError, pollProbe } from './probe.js';

/** Options of `toRecoverWithin`. */
export interface RecoveryOptions {
  /** Milliseconds between attempts (default 50). */
  interval?: number;
}

/** The part of Jest's matcher context (`this` in a matcher) the matchers read. */
export interface ChaosMatcherContext {
  isNot?: boolean;
  utils?: { matcherHint(name: string, received?: string, expected?: string, options?: { isNot?: boolean }): string };
}

/** What a matcher returns to Jest. */
export interface ChaosMatcherResult {
  pass: boolean;
  message(): string;
}

function invalid(problems: string[]): ChaosError {
  return new ChaosError('CHAOS_INVALID_ASSERTION', {
    action: 'check recovery with toRecoverWithin()',
    reason: `its arguments have ${countProblems(problems)}`,
    details: problems,
    fix: 'Write expect(async () => probe()).toRecoverWithin(2000, { interval: 50 }), and await it.',
  });
}

function timelineSection(): string {
  const timeline = faultTimeline();
  return timeline.length === 0 ? '' : `\n\nFault timeline (seed ${chaosSeed()}):\n${formatTimeline(timeline)}`;
}

/**
 * `await expect(probe).toRecoverWithin(ms, { interval? })`: runs the probe (a function; it passes
 * when it returns anything but `false` and does not throw) until it passes, at most `ms`
 * milliseconds, `interval` apart. A failure says how long it waited, how many attempts it made,
 * what the last attempt threw, and the fault timeline of the test with its seed. A probe still
 * running at the deadline (and after a second at least) counts as failing. Register it with the setup entry or
 * `expect.extend(chaosMatchers)`.
 *
 * @param this - Jest's matcher context
 * @param received - the probe
 * @param ms - how long it may take to pass
 * @param options - `interval` between attempts
 * @example
 * await proxy.up();
 * await expect(async () => expect(await health()).toEqual({ status: 'ok' })).toRecoverWithin(2000);
 */
export async function toRecoverWithin(
  this: ChaosMatcherContext | undefined,
  received: unknown,
  ms: number,
  options: RecoveryOptions = {},
): Promise<ChaosMatcherResult> {
  const problems: string[] = [];
  if (typeof received !== 'function')
    problems.push(`- received: expected a probe function (expect(async () => ...)), got ${received === null ? 'null' : typeof received}.`);
  const msProblem = checks.number(0)(ms);
  if (msProblem !== undefined) problems.push(`- ms: ${msProblem}.`);
  problems.push(
    ...listOptionProblems(typeof options === 'object' && options !== null ? options : {}, { interval: checks.number(1) }, 'options.'),
  );
  if (problems.length > 0) throw invalid(problems);

  const outcome = await pollProbe(received as () => unknown, ms, options.interval ?? 50);
  const hint = this?.utils?.matcherHint('toRecoverWithin', 'probe', 'ms', { isNot: this.isNot }) ?? 'expect(probe).toRecoverWithin(ms)';
  const attempts = `${outcome.attempts} attempt${outcome.attempts === 1 ? '' : 's'}`;
  return {
    pass: outcome.recovered,
    message: () =>
      outcome.recovered
        ? `${hint}\n\n${prefixed('chaos-injectors', `Expected the probe not to recover within ${ms}ms, but it passed after ${outcome.waited}ms (${attempts}).`)}${timelineSection()}`
        : `${hint}\n\n${prefixed(
            'chaos-injectors',
            `The probe did not recover within ${ms}ms: it still failed after ${outcome.waited}ms (${attempts}).`,
          )}\nLast error: ${describeProbeError(outcome.lastError, '  ', 12)}${timelineSection()}`,
  };
}

/**
 * The package's Jest matchers, for `expect.extend(chaosMatchers)`; the setup entry
 * (`@proving-ground/chaos-injectors/setup`) registers them for you.
 *
 * @example
 * import { expect } from '@jest/globals'
 * expect.extend(chaosMatchers)
 */
export const chaosMatchers = { toRecoverWithin };

/**
 * @internal Register {@link chaosMatchers} on Jest's `expect`: now when it is there
 * (`setupFilesAfterEnv`), else when the test file's run starts (`setupFiles` run before Jest
 * installs `expect`).
 */
export function registerChaosMatchers(): void {
  const extend = (): boolean => {
    const expectGlobal = (globalThis as { expect?: { extend?: (matchers: object) => void } }).expect;
    if (typeof expectGlobal?.extend !== 'function') return false;
    expectGlobal.extend(chaosMatchers);
    return true;
  };
  if (extend()) return;
  addCircusEventHandler('chaos-injectors', (event: { name: string }) => {
    if (event.name === 'run_start') extend();
  });
}

declare module 'expect' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- must repeat expect's declaration exactly
  interface Matchers<R extends void | Promise<void>, T = unknown> {
    /** Polls the probe until it passes, at most `ms` milliseconds; await it. See {@link toRecoverWithin}. */
    toRecoverWithin(ms: number, options?: RecoveryOptions): Promise<R>;
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- the shape @types/jest declares its matchers in
  namespace jest {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars -- must repeat @types/jest's declaration exactly
    interface Matchers<R, T = {}> {
      /** Polls the probe until it passes, at most `ms` milliseconds; await it. */
      toRecoverWithin(ms: number, options?: RecoveryOptions): Promise<R>;
    }
  }
}
