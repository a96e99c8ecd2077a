import { randomUUID } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';
import type { Database } from './database.ts';
import { PaymentsProviderError, type ChargeStatus, type PaymentsProvider } from './payments-provider.ts';
import { ServiceTracing } from './observability/service-tracing.ts';
import { Problem, problem } from './problems.ts';
import { inTenant } from './tenancy.ts';

/** A payment of an order, as the API returns it. */
export interface Payment {
  id: string;
  orderId: string;
  amountCents: number;
  currency: string;
  status: ChargeStatus;
  declineCode: string | null;
  providerChargeId: string;
  createdAt: string;
}

/** Body of `POST /orders/:id/payments`: a card token from the provider's client-side library. */
export interface CreatePaymentBody {
  token: string;
}

interface PaymentRow {
  id: string;
  order_id: string;
  amount_cents: string;
  currency: string;
  status: ChargeStatus;
  decline_code: string | null;
  provider_charge_id: string;
  created_at: Date;
}

const PAYMENT_COLUMNS = 'id, order_id, amount_cents, currency, status, decline_code, provider_charge_id, created_at';

function paymentFromRow(row: PaymentRow): Payment {
  return {
    id: row.id,
    orderId: row.order_id,
    amountCents: Number(row.amount_cents),
    currency: row.currency,
    status: row.status,
    declineCode: row.decline_code,
    providerChargeId: row.provider_charge_id,
    createdAt: row.created_at.toISOString(),
  };
}

/**
 * What is left to pay on an order: its total less its succeeded payments, never below zero.
 *
 * @example
 * outstandingCents(5000, [{ status: 'succeeded', amountCents: 2000 }, { status: 'declined', amountCents: 3000 }]) // 3000
 */
export function outstandingCents(totalCents: number, payments: readonly Pick<Payment, 'status' | 'amountCents'>[]): number {
  const paid = payments.filter((payment) => payment.status === 'succeeded').reduce((sum, payment) => sum + payment.amountCents, 0);
  return Math.max(0, totalCents - paid);
}

const orderIdSchema = {
  params: {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string', format: 'uuid' } },
  },
} as const;

const createPaymentSchema = {
  ...orderIdSchema,
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['token'],
    properties: { token: { type: 'string', pattern: '^tok_[A-Za-z0-9_]{1,64}$' } },
  },
} as const;

async function orderBalance(database: Database, request: Parameters<typeof inTenant>[1], orderId: string) {
  return inTenant(database, request, async (sql, tenant) => {
    const orders = await sql.query<{ total_cents: string; currency: string }>('SELECT total_cents, currency FROM orders WHERE id = $1', [
      orderId,
    ]);
    const order = orders.rows[0];
    if (order === undefined) throw problem('not-found', `No order has the id ${orderId} in this tenant.`);
    const payments = await sql.query<PaymentRow>(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE order_id = $1`, [orderId]);
    return {
      tenant,
      currency: order.currency,
      outstanding: outstandingCents(Number(order.total_cents), payments.rows.map(paymentFromRow)),
    };
  });
}

/**
 * Register the payment routes, scoped to the tenant of the `x-tenant-id` header:
 * - `POST /orders/:id/payments` `{ token }`: charge what is left to pay on the order through the
 *   payments provider: 201 with the payment, 402 (`payment-declined`) when the card is declined
 *   (the declined payment is kept), 409 (`already-paid`) when nothing is left to pay, 502 when
 *   the provider cannot be reached;
 * - `GET /orders/:id/payments`: the order's payments, oldest first.
 *
 * The provider is called outside any database transaction, with the payment id as idempotency
 * key, so a slow provider holds no connection and a retry never charges twice.
 *
 * @example
 * registerPaymentRoutes(app, database, new PaymentsProvider({ baseURL, apiKey }))
 */
export function registerPaymentRoutes(
  app: FastifyInstance,
  database: Database,
  provider: PaymentsProvider,
  tracing: ServiceTracing = new ServiceTracing(),
): void {
  app.post<{ Params: { id: string }; Body: CreatePaymentBody }>(
    '/orders/:id/payments',
    { schema: createPaymentSchema },
    async (request, reply) => {
      const orderId = request.params.id;
      const balance = await orderBalance(database, request, orderId);
      if (balance.outstanding === 0) throw problem('already-paid', `Order ${orderId} is paid in full.`);

      const paymentId = randomUUID();
      let charge;
      try {
        // A client span around the whole call, retries included; each failed attempt is an event on it.
        charge = await tracing.inSpan(
          'payments POST /charges',
          { kind: SpanKind.CLIENT, attributes: { 'payments.operation': 'POST /charges', 'payments.currency': balance.currency } },
          async (span) => {
            const created = await provider.createCharge({
              amountCents: balance.outstanding,
              currency: balance.currency,
              token: request.body.token,
              reference: orderId,
              idempotencyKey: paymentId,
            });
            span.setAttribute('payments.charge.status', created.status);
            return created;
          },
        );
      } catch (error) {
        if (error instanceof PaymentsProviderError && error.failure === 'rejected') {
          throw new Problem(
            'payment-rejected',
            'The payments provider refused this payment request. Check the card token.',
            {},
            { cause: error },
          );
        }
        throw new Problem(
          'upstream-unavailable',
          'The payments provider could not take the payment. Try again later.',
          {},
          { cause: error },
        );
      }

      const payment = await database.withTenant(balance.tenant.id, async (sql) => {
        const inserted = await sql.query<PaymentRow>(
          `INSERT INTO payments (tenant_id, id, order_id, provider_charge_id, amount_cents, currency, status, decline_code)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${PAYMENT_COLUMNS}`,
          [balance.tenant.id, paymentId, orderId, charge.id, charge.amount, charge.currency, charge.status, charge.declineCode],
        );
        return paymentFromRow(inserted.rows[0]!);
      });
      if (payment.status === 'declined') {
        throw problem('payment-declined', `The card was declined (${payment.declineCode ?? 'no reason given'}).`, {
          paymentId: payment.id,
          declineCode: payment.declineCode,
        });
      }
      return reply.code(201).header('location', `/orders/${orderId}/payments`).send(payment);
    },
  );

  app.get<{ Params: { id: string } }>('/orders/:id/payments', { schema: orderIdSchema }, async (request) =>
    inTenant(database, request, async (sql) => {
      const orders = await sql.query('SELECT 1 FROM orders WHERE id = $1', [request.params.id]);
      if (orders.rowCount === 0) throw problem('not-found', `No order has the id ${request.params.id} in this tenant.`);
      const found = await sql.query<PaymentRow>(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE order_id = $1 ORDER BY created_at, id`, [
        request.params.id,
      ]);
      return { payments: found.rows.map(paymentFromRow) };
    }),
  );
}
