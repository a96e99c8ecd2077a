/**
 * Jest setup entry: add `@proving-ground/contract-helpers/jest` to `setupFilesAfterEnv` to register
 * `toMatchSchema`, `toSatisfyApiSpec`, `toBeProblemDetails` and `toContainPii`, and the
 * observability matchers (`toHaveMetric`, `toHaveHistogramObservation`, `toFollowMetricConventions`,
 * `toHaveSpan`, `toBeChildOf`, `toLeakPii`) on `expect` (the global one and `@jest/globals`' are the
 * same object). Their types come with the main entry and the `/observability` entry.
 */
import { ContractError } from './errors.js';
import { contractMatchers } from './matchers.js';
import { observabilityMatchers } from './observability/observability-matchers.js';

const globalExpect = (globalThis as { expect?: { extend(matchers: object): void } }).expect;
if (globalExpect === undefined) {
  throw new ContractError('CONTRACT_MISSING_JEST_GLOBALS', {
    action: 'register the matchers',
    reason: 'there is no global expect here',
    fix: 'List @proving-ground/contract-helpers/jest in setupFilesAfterEnv (not setupFiles), or call expect.extend(contractMatchers) (and observabilityMatchers) yourself.',
  });
}
globalExpect.extend({ ...contractMatchers, ...observabilityMatchers });

export type {};
