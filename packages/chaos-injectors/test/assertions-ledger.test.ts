import { describe, expect, it } from '@jest/globals';
import { createLedger, expectNoLossNoDuplicates, isChaosError } from '../src/index.js';

function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('nothing was thrown');
}

describe('the ledger', () => {
  it('should pass when every id sent was stored exactly once, counting a retried send once', () => {
    const orders = createLedger({ name: 'orders' });

    for (const id of ['o-1', 'o-2', 'o-2', 'o-3']) orders.sent(id);
    for (const id of ['o-3', 'o-1', 'o-2']) orders.seen(id);

    expect(orders.verify()).toEqual({ sent: 3, seen: 3, missing: [], duplicated: [], unexpected: [], ok: true });
  });

  it('should name the lost, duplicated and never-sent ids', () => {
    const error = thrown(() => expectNoLossNoDuplicates([1, 2, 3, 4], ['1', 3, 3, 3, 5], { name: 'messages' }));

    expect(isChaosError(error)).toBe(true);
    expect(error.code).toBe('CHAOS_LEDGER_MISMATCH');
    expect(error.message).toBe(
      '[chaos-injectors] Failed to account for every one of 4 messages sent: 2 lost, 1 duplicated, 1 never sent (5 stored).\n' +
        '  lost (2): 2, 4\n' +
        '  duplicated (1): 3 x3\n' +
        '  never sent (1): 5\n' +
        'Lost ones need a retry or an outbox that survives the outage; duplicates need an idempotency key the store enforces (a unique constraint, an upsert).',
    );
  });

  it('should cut long lists and mask ids that are personal data', () => {
    const sent = Array.from({ length: 5000 }, (_, i) => `customer-${i}@example.com`);
    const stored = sent.filter((_, i) => i % 100 !== 0);

    const error = thrown(() => expectNoLossNoDuplicates(sent, stored, { name: 'sign-ups', show: 3, mask: true }));

    expect(error.message).toContain('Failed to account for every one of 5000 sign-ups sent: 50 lost (4950 stored).');
    expect(error.message).toContain(
      '  lost (50): "cus…" (string, 22 characters), "cus…" (string, 24 characters), "cus…" (string, 24 characters) ... and 47 more',
    );
    expect(error.message).not.toContain('@example.com');
  });

  it('should report without throwing, as ids come in', () => {
    const ledger = createLedger();
    ledger.sent('a');
    ledger.sent('b');
    ledger.seen('a');

    expect(ledger.report()).toMatchObject({ missing: ['b'], ok: false });
    ledger.seen('b');
    expect(ledger.report().ok).toBe(true);
  });

  it('should refuse ids that are not ids, and bad options', () => {
    const ledger = createLedger();

    expect(thrown(() => ledger.seen(undefined as never)).message).toBe(
      '[chaos-injectors] Failed to record an id as stored: an id must be a non-empty string or a finite number, got undefined. Record the message id, order number or row key.',
    );
    expect(thrown(() => createLedger({ shw: 3 } as never)).message).toContain('- shw: unknown option. Did you mean "show"?');
  });
});
