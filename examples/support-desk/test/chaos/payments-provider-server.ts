import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Charge } from '../../src/payments-provider.ts';

/** A payments provider on 127.0.0.1, so HTTP faults on the network guard sit between it and the service. */
export interface LocalPaymentsProvider {
  /** `http://127.0.0.1:<port>/v1`, the service's `PAYMENTS_BASE_URL`. */
  baseURL: string;
  /** Charges created, by id. */
  charges: Map<string, Charge>;
  /** The `Idempotency-Key` of every `POST /v1/charges` that reached the provider, in order. */
  chargeRequests: (string | null)[];
  close(): Promise<void>;
}

/**
 * Start a real HTTP payments provider on 127.0.0.1 that behaves like the one `src/payments-provider.ts`
 * talks to: `POST /v1/charges` succeeds for any `tok_...` and answers the first charge again for a
 * repeated `Idempotency-Key`. (`test/mock-payments.ts` is the msw version; msw answers before the
 * network guard, so HTTP faults could not reach its requests.)
 *
 * @example
 * const provider = await startLocalPaymentsProvider()
 * const desk = await startSupportDesk({ payments: { baseURL: provider.baseURL, apiKey: 'pk_test' } })
 */
export async function startLocalPaymentsProvider(): Promise<LocalPaymentsProvider> {
  const charges = new Map<string, Charge>();
  const byIdempotencyKey = new Map<string, Charge>();
  const chargeRequests: (string | null)[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const send = (status: number, value: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(value));
      };
      if (request.method !== 'POST' || request.url !== '/v1/charges')
        return send(404, { error: { code: 'not_found', message: 'No such route.' } });
      const key = typeof request.headers['idempotency-key'] === 'string' ? request.headers['idempotency-key'] : null;
      chargeRequests.push(key);
      if (key === null) return send(400, { error: { code: 'idempotency_key_required', message: 'Send an Idempotency-Key header.' } });
      const replayed = byIdempotencyKey.get(key);
      if (replayed !== undefined) return send(201, replayed);
      const input = JSON.parse(body) as { amount: number; currency: string; reference: string };
      const charge: Charge = {
        id: `ch_${randomUUID().replaceAll('-', '')}`,
        status: 'succeeded',
        amount: input.amount,
        currency: input.currency,
        reference: input.reference,
        declineCode: null,
        created: new Date().toISOString(),
      };
      charges.set(charge.id, charge);
      byIdempotencyKey.set(key, charge);
      return send(201, charge);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    charges,
    chargeRequests,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
