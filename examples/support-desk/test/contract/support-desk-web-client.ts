import type { LeadStatus } from '../../src/leads.ts';

/** A failed call, with the problem details the desk answered. */
export class SupportDeskCallError extends Error {
  readonly status: number;
  readonly problem: unknown;

  constructor(status: number, problem: unknown, what: string) {
    super(`support-desk answered ${status} to ${what}`);
    this.name = 'SupportDeskCallError';
    this.status = status;
    this.problem = problem;
  }
}

/**
 * The support desk's web client, as a browser front end would call the API: the consumer whose
 * contract `support-desk-web-client.pact.test.ts` writes and `support-desk.provider.test.ts`
 * verifies against the real app. Only what the front end uses; answers are read as JSON.
 *
 * @example
 * const web = new SupportDeskWebClient('http://127.0.0.1:3000')
 * const tenant = await web.createTenant('Acme Mugs')
 */
export class SupportDeskWebClient {
  readonly #origin: string;

  constructor(origin: string) {
    this.#origin = origin.replace(/\/+$/, '');
  }

  async #call<T>(method: string, path: string, tenantId: string | undefined, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (tenantId !== undefined) headers['x-tenant-id'] = tenantId;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.#origin}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const payload: unknown = await response.json();
    if (!response.ok) throw new SupportDeskCallError(response.status, payload, `${method} ${path}`);
    return payload as T;
  }

  createTenant(name: string): Promise<{ id: string; name: string; createdAt: string }> {
    return this.#call('POST', '/tenants', undefined, { name });
  }

  createUser(
    tenantId: string,
    user: { email: string; name: string },
  ): Promise<{ id: string; email: string; name: string; createdAt: string }> {
    return this.#call('POST', '/users', tenantId, user);
  }

  placeOrder(
    tenantId: string,
    order: { userId: string; currency: string; lines: Array<{ sku: string; quantity: number; unitPriceCents: number }> },
  ): Promise<{ id: string; totalCents: number; lines: Array<{ lineNo: number; lineTotalCents: number }> }> {
    return this.#call('POST', '/orders', tenantId, order);
  }

  getOrder(tenantId: string, orderId: string): Promise<{ id: string; userId: string; currency: string; totalCents: number }> {
    return this.#call('GET', `/orders/${encodeURIComponent(orderId)}`, tenantId);
  }

  payOrder(tenantId: string, orderId: string, token: string): Promise<{ id: string; status: string; amountCents: number }> {
    return this.#call('POST', `/orders/${encodeURIComponent(orderId)}/payments`, tenantId, { token });
  }

  moveLead(tenantId: string, leadId: string, status: LeadStatus): Promise<{ id: string; status: LeadStatus }> {
    return this.#call('PATCH', `/leads/${encodeURIComponent(leadId)}`, tenantId, { status });
  }
}
