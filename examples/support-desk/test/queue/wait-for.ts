/**
 * Wait until `condition` resolves truthy, checking every 25 ms; fail with `what` after
 * `timeoutMs` (default 20 s). A bound on waiting for an asynchronous consumer, not a speed check.
 *
 * @example
 * await waitFor('three deliveries', () => deliveries.length === 3)
 */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`[support-desk] Failed to see ${what} within ${timeoutMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
