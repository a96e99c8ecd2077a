// Type-level tests of the assertions: `tsc -p tsconfig.json --noEmit` fails if they break.
import { expect } from '@jest/globals';
import {
  chaosExperiment,
  chaosTest,
  createLedger,
  expectNoLossNoDuplicates,
  type ChaosExperimentReport,
  type ChaosErrorCode,
  type LedgerReport,
} from '@proving-ground/chaos-injectors';

declare function health(): Promise<{ status: string }>;

// The matcher polls asynchronously: it returns a promise, on @jest/globals' expect and on the global one.
const recovered: Promise<void> = expect(async () => health()).toRecoverWithin(2000, { interval: 10 });
const negated: Promise<void> = expect(() => true).not.toRecoverWithin(50);
declare const globalMatchers: jest.Matchers<void, () => unknown>;
const viaGlobal: Promise<void> = globalMatchers.toRecoverWithin(100);
// @ts-expect-error: the assertion is a promise and must be awaited, not used as void
const notAwaited: void = expect(() => true).toRecoverWithin(100);
// @ts-expect-error: unknown option
void expect(() => true).toRecoverWithin(100, { every: 10 });

const report: Promise<ChaosExperimentReport> = chaosExperiment({
  steadyState: () => health(),
  inject: () => undefined,
  verify: ({ seed, faults }) => seed.length + faults.length,
  rollback: () => Promise.resolve(),
  recoverWithin: 1000,
});
// @ts-expect-error: verify is required
void chaosExperiment({ steadyState: () => true, inject: () => undefined });

const ledger = createLedger({ name: 'orders', show: 5, mask: true });
ledger.sent('o-1');
ledger.seen(7);
const checked: LedgerReport = expectNoLossNoDuplicates(['a'], ['a']);
// @ts-expect-error: ids are strings or numbers
ledger.seen({ id: 1 });

chaosTest('orders survive a reset', ({ seed }) => seed.toUpperCase(), 10_000);
const code: ChaosErrorCode = 'CHAOS_STEADY_STATE_BROKEN';

export { recovered, negated, viaGlobal, notAwaited, report, checked, code };
