import { randomUUID } from 'node:crypto';
import { http, HttpResponse, type RequestHandler } from 'msw';
import type { Charge } from '../src/payments-provider.ts';

/** A request the mocked provider received, as the journeys inspect it. */
export interface ReceivedChargeRequest {
  authorization: string | null;
  idempotencyKey: string | null;
  body: { amount: number; currency: string; source: string; reference: string };
}

/** The mocked provider's state: its charges by id, and every charge request in order. */
export interface MockPaymentsProvider {
  handlers: RequestHandler[];
  charges: Map<string, Charge>;
  received: ReceivedChargeRequest[];
}

/**
 * msw handlers that behave like the payments provider `src/payments-provider.ts` talks to, by
 * card token:
 * - `tok_decline_<code>`: a `declined` charge with that decline code;
 * - `tok_unavailable`: `503` with an error body, every time;
 * - `tok_flaky`: `503` the first time a given idempotency key is seen, then as `tok_visa`;
 * - `tok_invalid`: `400` `invalid_source`;
 * - any other `tok_...`: a `succeeded` charge.
 * A repeated `Idempotency-Key` answers the charge it created the first time, as real providers do.
 *
 * @example
 * const provider = mockPaymentsProvider('https://payments.support-desk.test/v1')
 * msw.use(...provider.handlers)
 */
export function mockPaymentsProvider(baseURL: string): MockPaymentsProvider {
  const charges = new Map<string, Charge>();
  const byIdempotencyKey = new Map<string, Charge>();
  const failedOnce = new Set<string>();
  const received: ReceivedChargeRequest[] = [];
  const error = (status: number, code: string, message: string) => HttpResponse.json({ error: { code, message } }, { status });

  const handlers = [
    http.post(`${baseURL}/charges`, async ({ request }) => {
      const body = (await request.json()) as ReceivedChargeRequest['body'];
      const idempotencyKey = request.headers.get('idempotency-key');
      received.push({ authorization: request.headers.get('authorization'), idempotencyKey, body });
      if (idempotencyKey === null) return error(400, 'idempotency_key_required', 'Send an Idempotency-Key header.');
      const replayed = byIdempotencyKey.get(idempotencyKey);
      if (replayed !== undefined) return HttpResponse.json(replayed, { status: 201 });
      if (body.source === 'tok_unavailable') return error(503, 'service_unavailable', 'Try again later.');
      if (body.source === 'tok_flaky' && !failedOnce.has(idempotencyKey)) {
        failedOnce.add(idempotencyKey);
        return error(503, 'service_unavailable', 'Try again later.');
      }
      if (body.source === 'tok_invalid') return error(400, 'invalid_source', 'No such card token.');
      const declineCode = body.source.startsWith('tok_decline_') ? body.source.slice('tok_decline_'.length) : null;
      const charge: Charge = {
        id: `ch_${randomUUID().replaceAll('-', '')}`,
        status: declineCode === null ? 'succeeded' : 'declined',
        amount: body.amount,
        currency: body.currency,
        reference: body.reference,
        declineCode,
        created: new Date().toISOString(),
      };
      charges.set(charge.id, charge);
      byIdempotencyKey.set(idempotencyKey, charge);
      return HttpResponse.json(charge, { status: 201 });
    }),
    http.get(`${baseURL}/charges/:id`, ({ params }) => {
      const charge = charges.get(String(params['id']));
      return charge === undefined ? error(404, 'not_found', 'No such charge.') : HttpResponse.json(charge);
    }),
  ];
  return { handlers, charges, received };
}
