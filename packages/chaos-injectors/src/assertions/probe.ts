import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { stripVTControlCharacters } from 'node:util';

/**
 * A check of the system: it passes when it returns anything but `false` (or a promise of it) and
 * does not throw, so `expect()` calls work inside it.
 */
export type Probe = () => unknown;

/** One run of a probe. */
export type ProbeOutcome = { held: true; value: unknown } | { held: false; error: unknown };

/** What {@link pollProbe} found. */
export interface PollOutcome {
  /** Whether the probe passed before the time was up. */
  recovered: boolean;
  /** How many times the probe ran. */
  attempts: number;
  /** Milliseconds from the first attempt to the passing one, or to the end of the last failing one. */
  waited: number;
  /** What the last failing attempt threw (or why it failed), when one failed. */
  lastError: unknown;
}

/** Why a probe that returned `false` failed. */
export class ProbeReturnedFalse extends Error {
  constructor() {
    super('the probe returned false');
    this.name = 'ProbeReturnedFalse';
  }
}

/** Why a probe that was still running when the time was up failed. */
export class ProbeStillRunning extends Error {
  constructor(ms: number) {
    super(`the probe was still running after ${ms}ms (does it hang?)`);
    this.name = 'ProbeStillRunning';
  }
}

/** Run `probe` once; with `limitMs`, a probe still running after that long counts as failed. */
export async function runProbe(probe: Probe, limitMs?: number): Promise<ProbeOutcome> {
  const attempt = (async (): Promise<ProbeOutcome> => {
    try {
      const value = await probe();
      return value === false ? { held: false, error: new ProbeReturnedFalse() } : { held: true, value };
    } catch (error) {
      return { held: false, error };
    }
  })();
  if (limitMs === undefined) return attempt;
  const stop = new AbortController();
  const timeout = sleep(Math.max(0, limitMs), undefined, { signal: stop.signal }).then(
    (): ProbeOutcome => ({ held: false, error: new ProbeStillRunning(Math.round(limitMs)) }),
    (): ProbeOutcome => ({ held: false, error: new ProbeStillRunning(Math.round(limitMs)) }),
  );
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    stop.abort();
  }
}

/** How long one attempt may run at least, however close the deadline: a check of a real system takes time. */
export const MIN_ATTEMPT_MS = 1000;

/**
 * Run `probe` until it passes or `withinMs` are up, `intervalMs` apart, with one last attempt at the
 * deadline. An attempt still running when the time is up (and after at least {@link MIN_ATTEMPT_MS})
 * counts as failing. Waits use `node:timers/promises` and the monotonic clock, so Jest's fake
 * timers and a skewed wall clock (`skewClock()`) change nothing.
 */
export async function pollProbe(probe: Probe, withinMs: number, intervalMs: number): Promise<PollOutcome> {
  const started = performance.now();
  let attempts = 0;
  let lastError: unknown;
  for (;;) {
    attempts++;
    const remaining = withinMs - (performance.now() - started);
    const outcome = await runProbe(probe, Math.max(remaining, MIN_ATTEMPT_MS));
    const waited = Math.round(performance.now() - started);
    if (outcome.held) return { recovered: true, attempts, waited, lastError: undefined };
    lastError = outcome.error;
    const left = withinMs - (performance.now() - started);
    // A timer may fire a fraction of a millisecond early: what is left then is no time for another attempt.
    if (left < 2) return { recovered: false, attempts, waited, lastError };
    await sleep(Math.min(intervalMs, left));
  }
}

/**
 * What a probe threw, for a report: the error's message (its name first unless it is a plain
 * `Error` or an `expect()` failure), colours stripped, at most `maxLines` non-empty lines, indented.
 */
export function describeProbeError(error: unknown, indent = '    ', maxLines = 8): string {
  // Duck-typed: an error thrown in a test file comes from another realm than this module's `Error`.
  const like = typeof error === 'object' && error !== null && typeof (error as Error).message === 'string' ? (error as Error) : undefined;
  const plain = like === undefined || like.name === 'Error' || like.name === 'JestAssertionError';
  const text = like === undefined ? String(error) : `${plain ? '' : `${like.name}: `}${like.message}`;
  // Jest's matcher messages carry colour codes.
  const lines = stripVTControlCharacters(text)
    .split('\n')
    .filter((line) => line.trim() !== '');
  const shown = lines.slice(0, maxLines);
  if (lines.length > maxLines) shown.push(`... (${lines.length - maxLines} more lines)`);
  return shown.map((line, index) => (index === 0 ? line : `${indent}${line}`)).join('\n');
}
