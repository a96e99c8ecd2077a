import { checks, countProblems, listOptionProblems, type OptionCheck } from '@proving-ground/kit';
import { FlakyError } from '../errors.js';
import type { AnalysisOptions, ResolvedAnalysisOptions } from './analysis-types.js';

/**
 * The thresholds {@link analyzeHistory} uses when none are given. The class thresholds were tuned
 * on the accuracy bench's tuning seeds (bench/flaky-detector/accuracy) and checked on held-out ones.
 *
 * @example
 * analyzeHistory(history, { durations: { threshold: DEFAULT_ANALYSIS_OPTIONS.durations.threshold * 2 } })
 */
export const DEFAULT_ANALYSIS_OPTIONS: ResolvedAnalysisOptions = Object.freeze({
  scoring: Object.freeze({
    prior: Object.freeze({ alpha: 0.5, beta: 0.5 }),
    level: 0.95,
    window: 100,
    minRuns: 5,
    flakyRate: 0.005,
    minFailures: 2,
    flipAlpha: 0.1,
    brokenRuns: 2,
    recoverRuns: 2,
    fixedConfidence: 0.95,
    fixedMinRuns: 10,
    fixedHoldRuns: 20,
  }),
  outage: Object.freeze({ share: 0.5, minTests: 10 }),
  groups: Object.freeze({ minSupport: 3, minJaccard: 0.6, maxFailuresPerRun: 500 }),
  durations: Object.freeze({ window: 30, minSamples: 10, threshold: 0.2, floorMs: 5, madFactor: 3 }),
  recommendations: Object.freeze({ limit: 5, slowShare: 0.05, slowMinMs: 100, quarantineScore: 0.05 }),
  effectiveness: Object.freeze({ minRuns: 50, expensiveMs: 1000 }),
  coverage: Object.freeze({ dropThreshold: 1 }),
});

const probability = checks.number(0, 1);
const openProbability: OptionCheck = (value) =>
  typeof value === 'number' && value > 0 && value < 1
    ? undefined
    : `expected a number between 0 and 1 (exclusive), got ${JSON.stringify(value)}`;
const positive: OptionCheck = (value) =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? undefined : `expected a number > 0, got ${JSON.stringify(value)}`;

const SECTION_CHECKS: Record<keyof ResolvedAnalysisOptions, Record<string, OptionCheck>> = {
  scoring: {
    prior: (value) => {
      const prior = value as { alpha?: unknown; beta?: unknown } | null;
      return typeof prior === 'object' && prior !== null && positive(prior.alpha) === undefined && positive(prior.beta) === undefined
        ? undefined
        : 'expected { alpha, beta }, both numbers > 0 (Jeffreys is { alpha: 0.5, beta: 0.5 })';
    },
    level: openProbability,
    window: checks.integer(1),
    minRuns: checks.integer(1),
    flakyRate: probability,
    minFailures: checks.integer(1),
    flipAlpha: openProbability,
    brokenRuns: checks.integer(1),
    recoverRuns: checks.integer(1),
    fixedConfidence: openProbability,
    fixedMinRuns: checks.integer(1),
    fixedHoldRuns: checks.integer(0),
  },
  outage: { share: probability, minTests: checks.integer(1) },
  groups: { minSupport: checks.integer(1), minJaccard: probability, maxFailuresPerRun: checks.integer(2) },
  durations: {
    window: checks.integer(10),
    minSamples: checks.integer(10),
    threshold: checks.number(0),
    floorMs: checks.number(0),
    madFactor: checks.number(0),
  },
  recommendations: { limit: checks.integer(0), slowShare: probability, slowMinMs: checks.number(0), quarantineScore: probability },
  effectiveness: { minRuns: checks.integer(1), expensiveMs: checks.number(0) },
  coverage: { dropThreshold: checks.number(0) },
};

/**
 * `options` checked as a whole (every problem at once, each named by its path) and merged over
 * {@link DEFAULT_ANALYSIS_OPTIONS}.
 *
 * @example
 * resolveAnalysisOptions({ durations: { threshold: 0.3 } }).durations.floorMs // 5
 */
export function resolveAnalysisOptions(options: AnalysisOptions = {}): ResolvedAnalysisOptions {
  const sectionChecks: Record<string, OptionCheck> = { baselines: () => undefined };
  for (const section of Object.keys(SECTION_CHECKS)) {
    sectionChecks[section] = (value) => (typeof value === 'object' && value !== null ? undefined : 'expected an object');
  }
  const problems = listOptionProblems(options, sectionChecks);
  for (const [section, sectionOptions] of Object.entries(options)) {
    const own = SECTION_CHECKS[section as keyof ResolvedAnalysisOptions];
    if (own !== undefined && typeof sectionOptions === 'object' && sectionOptions !== null) {
      problems.push(...listOptionProblems(sectionOptions as object, own, `${section}.`));
    }
  }
  const merged = {} as Record<string, unknown>;
  for (const section of Object.keys(SECTION_CHECKS) as Array<keyof ResolvedAnalysisOptions>) {
    const given = Object.fromEntries(Object.entries(options[section] ?? {}).filter(([, value]) => value !== undefined));
    merged[section] = { ...DEFAULT_ANALYSIS_OPTIONS[section], ...given };
  }
  const resolved = merged as unknown as ResolvedAnalysisOptions;
  if (problems.length === 0 && resolved.durations.minSamples > resolved.durations.window) {
    problems.push(`- durations.minSamples: ${resolved.durations.minSamples} is more than durations.window (${resolved.durations.window}).`);
  }
  if (problems.length > 0) {
    throw new FlakyError('FLAKY_INVALID_ANALYSIS_OPTIONS', {
      action: 'analyze the test history',
      reason: `the options have ${countProblems(problems)}`,
      details: problems,
      fix: 'Fix the options named above; docs/flaky-detector.md lists each with its default.',
    });
  }
  return resolved;
}
