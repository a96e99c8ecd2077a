/** An order as the database holds it, named by the reference the client put in it. */
export interface StoredOrder {
  id: string;
  reference: string;
}

/** What the ledger found when it compared what the client was told with what the database holds. */
export interface LedgerReconciliation {
  /** Acknowledged (201) and not stored: lost. */
  lost: string[];
  /** Stored more than once: duplicated. */
  duplicated: string[];
  /** Stored, but never sent by the client: phantoms. */
  unexpected: string[];
  /** Stored once, under another id than the one the client was given. */
  mismatched: string[];
}

/**
 * The client's side of placing orders through an outage: which references it sent (first attempt
 * or retry) and which order id each acknowledgement (201) carried. `reconcile()` compares that
 * with the orders the database holds: every acknowledged order exactly once, under the id the
 * client was given, and nothing the client did not send.
 *
 * @example
 * const ledger = new OrderLedger()
 * ledger.sent('ref-1'); ledger.acknowledged('ref-1', order.id)
 * expect(ledger.reconcile(stored)).toEqual({ lost: [], duplicated: [], unexpected: [], mismatched: [] })
 */
export class OrderLedger {
  readonly #sent = new Set<string>();
  readonly #acknowledged = new Map<string, string>();

  /** The client sent (or re-sent) the order `reference`. */
  sent(reference: string): void {
    this.#sent.add(reference);
  }

  /** The service answered 201 for `reference` with `orderId`. */
  acknowledged(reference: string, orderId: string): void {
    const earlier = this.#acknowledged.get(reference);
    if (earlier !== undefined && earlier !== orderId)
      throw new Error(`Order ${reference} was acknowledged as ${earlier}, then as ${orderId}.`);
    this.#acknowledged.set(reference, orderId);
  }

  /** How many orders were acknowledged. */
  get acknowledgedCount(): number {
    return this.#acknowledged.size;
  }

  /** Compare with what the database holds. */
  reconcile(stored: readonly StoredOrder[]): LedgerReconciliation {
    const byReference = new Map<string, string[]>();
    for (const order of stored) byReference.set(order.reference, [...(byReference.get(order.reference) ?? []), order.id]);
    const lost = [...this.#acknowledged.keys()].filter((reference) => !byReference.has(reference));
    const duplicated = [...byReference].filter(([, ids]) => ids.length > 1).map(([reference]) => reference);
    const unexpected = [...byReference.keys()].filter((reference) => !this.#sent.has(reference));
    const mismatched = [...this.#acknowledged].filter(([reference, id]) => {
      const ids = byReference.get(reference);
      return ids?.length === 1 && ids[0] !== id;
    });
    return { lost, duplicated, unexpected, mismatched: mismatched.map(([reference]) => reference) };
  }
}
