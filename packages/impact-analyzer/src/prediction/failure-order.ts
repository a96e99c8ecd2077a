import type { TestDecision } from '../model.js';

/** What the analyzer knows about one selected test that bears on whether this change breaks it. */
export interface FailureEvidence {
  /** Edges between the nearest changed file and the test (0: the test file itself changed). Undefined when nothing changed reaches it (it runs for another reason). */
  distance?: number | undefined;
  /** Share of recent runs in which the test failed (flaky-detector's history, the map's last status). */
  failureRate?: number | undefined;
  /** It failed in the most recent run. */
  failedLastTime?: boolean | undefined;
  /** Share of past changes touching the same files after which it failed (the shadow log). */
  coFailure?: number | undefined;
}

/** A past run the order learns from: the files its change touched and the tests that failed. */
export interface PastOutcome {
  changed?: readonly string[] | undefined;
  failed: readonly string[];
}

/**
 * How likely the test is to fail for this change, from 0 to 1: each kind of evidence is a separate
 * chance of failing and they combine as independent causes (`1 - Π(1 - p)`), so no single weak
 * signal dominates and a strong one is enough. Proximity counts most for a test file that changed
 * itself, and fades with each edge of the chain.
 *
 * @example
 * failureScore({ distance: 1 }) > failureScore({ distance: 3 }) // true
 */
export function failureScore(evidence: FailureEvidence): number {
  const chances = [
    evidence.distance === undefined ? 0.02 : evidence.distance === 0 ? 0.5 : 0.35 / evidence.distance,
    0.7 * Math.min(1, Math.max(0, evidence.failureRate ?? 0)),
    evidence.failedLastTime === true ? 0.5 : 0,
    0.9 * Math.min(1, Math.max(0, evidence.coFailure ?? 0)),
  ];
  return 1 - chances.reduce((none, chance) => none * (1 - chance), 1);
}

/**
 * For each test, the share of past changes that touched any of `changed` after which it failed,
 * smoothed (one imaginary passing run) so one coincidence does not count as certainty.
 *
 * @example
 * coFailureRates([{ changed: ['src/a.ts'], failed: ['test/a.test.ts'] }], ['src/a.ts']).get('test/a.test.ts') // 0.5
 */
export function coFailureRates(past: readonly PastOutcome[], changed: readonly string[]): Map<string, number> {
  const touched = new Set(changed);
  const relevant = past.filter((outcome) => outcome.changed?.some((file) => touched.has(file)) === true);
  const failures = new Map<string, number>();
  for (const outcome of relevant) for (const test of new Set(outcome.failed)) failures.set(test, (failures.get(test) ?? 0) + 1);
  return new Map([...failures].map(([test, count]) => [test, count / (relevant.length + 1)]));
}

/**
 * Decisions in the order to run them: selected tests first, most likely to fail first, then the
 * shorter ones (a failure shows sooner), then by path so the order is stable; skipped tests last.
 *
 * @example
 * orderByFailureLikelihood(decisions).filter((d) => d.selected).map((d) => d.path)
 */
export function orderByFailureLikelihood(decisions: readonly TestDecision[]): TestDecision[] {
  return [...decisions].sort(
    (a, b) =>
      Number(b.selected) - Number(a.selected) ||
      (b.failureScore ?? 0) - (a.failureScore ?? 0) ||
      (a.durationMs ?? Number.MAX_SAFE_INTEGER) - (b.durationMs ?? Number.MAX_SAFE_INTEGER) ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
}
