import { checks, countProblems, listOptionProblems, maskValue } from '@proving-ground/kit';
import { ChaosError } from '../errors.js';

/** An id a ledger tracks: a message id, an order number, a row's key. */
export type LedgerId = string | number;

/** Options of {@link createLedger} and {@link expectNoLossNoDuplicates}. */
export interface LedgerOptions {
  /** What the ids stand for, in messages: `orders`, `messages` (default `ids`). */
  name?: string;
  /** How many ids of each list a failure shows before `... and n more` (default 10). */
  show?: number;
  /** Show each id as a masked hint (`"cus…" (string, 14 characters)`) instead of its value, for ids that are personal data. */
  mask?: boolean;
}

/** What a ledger found. */
export interface LedgerReport {
  /** Distinct ids sent. */
  sent: number;
  /** Ids stored, counting repeats. */
  seen: number;
  /** Sent and never stored: lost. */
  missing: LedgerId[];
  /** Stored more than once, with how many times. */
  duplicated: Array<{ id: LedgerId; times: number }>;
  /** Stored but never sent: phantoms. */
  unexpected: LedgerId[];
  /** Whether nothing is missing, duplicated or unexpected. */
  ok: boolean;
}

/** A record of what was sent and what arrived, across an outage. */
export interface Ledger {
  /** Record that `id` was sent (sending it again, a retry with the same idempotency key, counts once). */
  sent(id: LedgerId): void;
  /** Record that `id` was stored or received (again counts as a duplicate). */
  seen(id: LedgerId): void;
  /** What is missing, duplicated and unexpected so far. */
  report(): LedgerReport;
  /** Throw `CHAOS_LEDGER_MISMATCH` unless every sent id was stored exactly once and nothing else was. */
  verify(): LedgerReport;
}

const OPTION_CHECKS = { name: checks.string(), show: checks.integer(1), mask: checks.boolean() };

function checkOptions(options: LedgerOptions, action: string): void {
  const problems = listOptionProblems(typeof options === 'object' && options !== null ? options : {}, OPTION_CHECKS);
  if (problems.length > 0) {
    throw new ChaosError('CHAOS_INVALID_ASSERTION', {
      action,
      reason: `its options have ${countProblems(problems)}`,
      details: problems,
      fix: 'Pass { name?, show?, mask? }.',
    });
  }
}

function checkId(id: unknown, action: string): void {
  if ((typeof id === 'string' && id !== '') || (typeof id === 'number' && Number.isFinite(id))) return;
  throw new ChaosError('CHAOS_INVALID_ASSERTION', {
    action,
    reason: `an id must be a non-empty string or a finite number, got ${id === null ? 'null' : typeof id}`,
    fix: 'Record the message id, order number or row key.',
  });
}

/** Ids are compared as text, so `7` and `'7'` (a numeric id read back from a database as text) are the same id. */
function keyOf(id: LedgerId): string {
  return String(id);
}

function compare(sent: Map<string, LedgerId>, seen: Map<string, { id: LedgerId; times: number }>): LedgerReport {
  const missing: LedgerId[] = [];
  for (const [key, id] of sent) if (!seen.has(key)) missing.push(id);
  const duplicated: LedgerReport['duplicated'] = [];
  const unexpected: LedgerId[] = [];
  let seenCount = 0;
  for (const [key, entry] of seen) {
    seenCount += entry.times;
    if (entry.times > 1) duplicated.push({ id: entry.id, times: entry.times });
    if (!sent.has(key)) unexpected.push(entry.id);
  }
  return {
    sent: sent.size,
    seen: seenCount,
    missing,
    duplicated,
    unexpected,
    ok: missing.length + duplicated.length + unexpected.length === 0,
  };
}

function listed(items: string[], show: number): string {
  const head = items.slice(0, show).join(', ');
  return items.length > show ? `${head} ... and ${items.length - show} more` : head;
}

function mismatch(report: LedgerReport, options: LedgerOptions): ChaosError {
  const name = options.name ?? 'ids';
  const show = options.show ?? 10;
  const format = (id: LedgerId): string => (options.mask === true ? maskValue(id) : JSON.stringify(id));
  const details: string[] = [];
  if (report.missing.length > 0) details.push(`  lost (${report.missing.length}): ${listed(report.missing.map(format), show)}`);
  if (report.duplicated.length > 0) {
    details.push(
      `  duplicated (${report.duplicated.length}): ${listed(
        report.duplicated.map(({ id, times }) => `${format(id)} x${times}`),
        show,
      )}`,
    );
  }
  if (report.unexpected.length > 0)
    details.push(`  never sent (${report.unexpected.length}): ${listed(report.unexpected.map(format), show)}`);
  const parts = [
    report.missing.length > 0 ? `${report.missing.length} lost` : '',
    report.duplicated.length > 0 ? `${report.duplicated.length} duplicated` : '',
    report.unexpected.length > 0 ? `${report.unexpected.length} never sent` : '',
  ].filter((part) => part !== '');
  return new ChaosError('CHAOS_LEDGER_MISMATCH', {
    action: `account for every one of ${report.sent} ${name} sent`,
    reason: `${parts.join(', ')} (${report.seen} stored)`,
    details,
    fix: 'Lost ones need a retry or an outbox that survives the outage; duplicates need an idempotency key the store enforces (a unique constraint, an upsert)',
  });
}

/**
 * A ledger of ids sent and stored, to prove that an outage lost nothing and duplicated nothing:
 * record each id as the producer sends it and as the consumer stores it, then `verify()`.
 *
 * @example
 * const orders = createLedger({ name: 'orders' });
 * for (const id of ids) { orders.sent(id); await placeOrder(id); }
 * for (const row of await db.query('select id from orders')) orders.seen(row.id);
 * orders.verify(); // CHAOS_LEDGER_MISMATCH: 2 lost, 1 duplicated ...
 */
export function createLedger(options: LedgerOptions = {}): Ledger {
  checkOptions(options, 'create the ledger');
  const sent = new Map<string, LedgerId>();
  const seen = new Map<string, { id: LedgerId; times: number }>();
  const report = (): LedgerReport => compare(sent, seen);
  return {
    sent: (id) => {
      checkId(id, 'record an id as sent');
      if (!sent.has(keyOf(id))) sent.set(keyOf(id), id);
    },
    seen: (id) => {
      checkId(id, 'record an id as stored');
      const entry = seen.get(keyOf(id));
      if (entry === undefined) seen.set(keyOf(id), { id, times: 1 });
      else entry.times++;
    },
    report,
    verify: () => {
      const found = report();
      if (!found.ok) throw mismatch(found, options);
      return found;
    },
  };
}

/**
 * Throw `CHAOS_LEDGER_MISMATCH` unless every id of `sentIds` appears in `storedIds` exactly once and
 * `storedIds` holds nothing else; the message lists the lost, duplicated and never-sent ids (the
 * first `show` of each, masked with `mask`). Returns the report when all is accounted for.
 *
 * @example
 * const stored = (await db.query('select id from orders')).rows.map((row) => row.id);
 * expectNoLossNoDuplicates(placed, stored, { name: 'orders' });
 */
export function expectNoLossNoDuplicates(
  sentIds: Iterable<LedgerId>,
  storedIds: Iterable<LedgerId>,
  options: LedgerOptions = {},
): LedgerReport {
  const ledger = createLedger(options);
  for (const id of sentIds) ledger.sent(id);
  for (const id of storedIds) ledger.seen(id);
  return ledger.verify();
}
