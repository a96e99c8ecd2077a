import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Database, Sql } from './database.ts';
import { problem } from './problems.ts';
import type { MessageQueue } from './queue/message-queue.ts';
import { publishOrderPlaced } from './queue/order-events.ts';
import { inTenant, tenantIdOf } from './tenancy.ts';

/** Most lines one order may have. */
export const MAX_ORDER_LINES = 100;
/** Most units of one line. */
export const MAX_QUANTITY = 10_000;
/** Highest unit price, in cents (one million in the order's currency). */
export const MAX_UNIT_PRICE_CENTS = 100_000_000;

/** A line as a client sends it: what, how many, at what unit price. */
export interface OrderLineInput {
  sku: string;
  quantity: number;
  unitPriceCents: number;
}

/** A line with its total, as the service computes it. */
export interface PricedOrderLine extends OrderLineInput {
  lineNo: number;
  lineTotalCents: number;
}

/** The request header that makes `POST /orders` safe to retry. */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** The response header set when `POST /orders` answers with the order an earlier attempt placed. */
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';

/** The lines of an order with their totals and the order total. */
export interface PricedOrder {
  lines: PricedOrderLine[];
  totalCents: number;
}

/** An order as the API returns it. */
export interface Order extends PricedOrder {
  id: string;
  userId: string;
  currency: string;
  createdAt: string;
}

/** An order in a listing, without its lines. */
export interface OrderSummary {
  id: string;
  userId: string;
  currency: string;
  totalCents: number;
  lineCount: number;
  createdAt: string;
}

/** Body of `POST /orders`. */
export interface CreateOrderBody {
  userId: string;
  currency: string;
  lines: OrderLineInput[];
}

function requireCents(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${what} must be a whole, non-negative number of cents, got ${value}.`);
  return value;
}

/**
 * Compute line totals and the order total, in integer cents, from the lines alone: whatever
 * totals a client sends are never used.
 *
 * @throws RangeError for a quantity that is not a positive integer, a price that is not whole
 *   cents, or a total beyond `Number.MAX_SAFE_INTEGER`
 * @example
 * priceOrder([{ sku: 'MUG', quantity: 3, unitPriceCents: 1250 }]).totalCents // 3750
 */
export function priceOrder(lines: readonly OrderLineInput[]): PricedOrder {
  let totalCents = 0;
  const priced = lines.map((line, index) => {
    if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0) {
      throw new RangeError(`Line ${index + 1}: quantity must be a positive integer, got ${line.quantity}.`);
    }
    requireCents(line.unitPriceCents, `Line ${index + 1}: unitPriceCents`);
    const lineTotalCents = requireCents(line.quantity * line.unitPriceCents, `Line ${index + 1}: the line total`);
    totalCents = requireCents(totalCents + lineTotalCents, 'The order total');
    return { lineNo: index + 1, sku: line.sku, quantity: line.quantity, unitPriceCents: line.unitPriceCents, lineTotalCents };
  });
  return { lines: priced, totalCents };
}

interface OrderRow {
  id: string;
  user_id: string;
  currency: string;
  total_cents: string;
  created_at: Date;
}

interface OrderLineRow {
  line_no: number;
  sku: string;
  quantity: number;
  unit_price_cents: string;
}

/** `pg` returns bigint columns as strings; every amount stored here is a safe integer. */
function centsFromColumn(value: string): number {
  return requireCents(Number(value), 'A stored amount');
}

async function loadOrder(sql: Sql, id: string): Promise<Order | undefined> {
  const orders = await sql.query<OrderRow>('SELECT id, user_id, currency, total_cents, created_at FROM orders WHERE id = $1', [id]);
  const order = orders.rows[0];
  if (order === undefined) return undefined;
  const lines = await sql.query<OrderLineRow>(
    'SELECT line_no, sku, quantity, unit_price_cents FROM order_lines WHERE order_id = $1 ORDER BY line_no',
    [id],
  );
  return {
    id: order.id,
    userId: order.user_id,
    currency: order.currency,
    lines: lines.rows.map((line) => {
      const unitPriceCents = centsFromColumn(line.unit_price_cents);
      return {
        lineNo: line.line_no,
        sku: line.sku,
        quantity: line.quantity,
        unitPriceCents,
        lineTotalCents: line.quantity * unitPriceCents,
      };
    }),
    totalCents: centsFromColumn(order.total_cents),
    createdAt: order.created_at.toISOString(),
  };
}

const createOrderSchema = {
  headers: {
    type: 'object',
    properties: { [IDEMPOTENCY_KEY_HEADER]: { type: 'string', pattern: '^[\\x21-\\x7E]{1,255}$' } },
  },
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['userId', 'currency', 'lines'],
    properties: {
      userId: { type: 'string', format: 'uuid' },
      currency: { type: 'string', pattern: '^[A-Z]{3}$' },
      lines: {
        type: 'array',
        minItems: 1,
        maxItems: MAX_ORDER_LINES,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['sku', 'quantity', 'unitPriceCents'],
          properties: {
            sku: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' },
            quantity: { type: 'integer', minimum: 1, maximum: MAX_QUANTITY },
            unitPriceCents: { type: 'integer', minimum: 0, maximum: MAX_UNIT_PRICE_CENTS },
          },
        },
      },
    },
  },
} as const;

/** What identifies a request body, whatever order its fields came in: a retry must send the same order. */
function requestFingerprint(body: CreateOrderBody): string {
  const canonical = {
    userId: body.userId,
    currency: body.currency,
    lines: body.lines.map((line) => ({ sku: line.sku, quantity: line.quantity, unitPriceCents: line.unitPriceCents })),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/**
 * The order an earlier request with `idempotencyKey` placed in this tenant, if any.
 *
 * @throws Problem `idempotency-key-reused` when that request asked for a different order
 */
async function orderPlacedWith(sql: Sql, idempotencyKey: string, fingerprint: string): Promise<Order | undefined> {
  const found = await sql.query<{ id: string; request_fingerprint: string }>(
    'SELECT id, request_fingerprint FROM orders WHERE idempotency_key = $1',
    [idempotencyKey],
  );
  const earlier = found.rows[0];
  if (earlier === undefined) return undefined;
  if (earlier.request_fingerprint !== fingerprint) {
    throw problem(
      'idempotency-key-reused',
      `The Idempotency-Key "${idempotencyKey}" was sent with a different order before (order ${earlier.id}). Send a new key for a new order.`,
      { pointer: '/headers/idempotency-key' },
    );
  }
  return loadOrder(sql, earlier.id);
}

const orderIdSchema = {
  params: {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string', format: 'uuid' } },
  },
} as const;

/**
 * Register the order routes, all scoped to the tenant of the `x-tenant-id` header:
 * - `POST /orders` `{ userId, currency, lines: [{ sku, quantity, unitPriceCents }] }`: 201 with the
 *   order and its totals computed here, 422 when the user is not one of the tenant's. With an
 *   `Idempotency-Key` header, a retry answers the order the first attempt placed (201 again, with
 *   `idempotent-replayed: true`) and never places a second; the same key with another body is a 422;
 * - `GET /orders`: the tenant's orders, newest first, without lines;
 * - `GET /orders/:id`: one order with its lines, 404 when the tenant has no such order.
 *
 * With `events`, every order placed (or found again by its key) is published as `order.placed`
 * once stored; a 503 `queue-unavailable` when the queue does not take it.
 *
 * @example
 * registerOrderRoutes(app, database)
 */
export function registerOrderRoutes(app: FastifyInstance, database: Database, events?: MessageQueue): void {
  app.post<{ Body: CreateOrderBody; Headers: { [IDEMPOTENCY_KEY_HEADER]?: string } }>(
    '/orders',
    { schema: createOrderSchema },
    async (request, reply) => {
      const { userId, currency, lines } = request.body;
      const priced = priceOrder(lines);
      const idempotencyKey = request.headers[IDEMPOTENCY_KEY_HEADER];
      const fingerprint = requestFingerprint(request.body);
      const placed = await inTenant(database, request, async (sql, tenant) => {
        const user = await sql.query('SELECT 1 FROM users WHERE id = $1', [userId]);
        if (user.rowCount === 0)
          throw problem('unknown-reference', `No user has the id ${userId} in this tenant.`, { pointer: '/body/userId' });
        if (idempotencyKey !== undefined) {
          const earlier = await orderPlacedWith(sql, idempotencyKey, fingerprint);
          if (earlier !== undefined) return { order: earlier, replayed: true };
        }
        // ON CONFLICT: a concurrent request with the same key committed first; answer with its order.
        const inserted = await sql.query<{ id: string }>(
          `INSERT INTO orders (tenant_id, user_id, currency, total_cents, idempotency_key, request_fingerprint)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
           RETURNING id`,
          [tenant.id, userId, currency, priced.totalCents, idempotencyKey ?? null, idempotencyKey === undefined ? null : fingerprint],
        );
        const orderId = inserted.rows[0]?.id;
        if (orderId === undefined) return { order: (await orderPlacedWith(sql, idempotencyKey!, fingerprint))!, replayed: true };
        await sql.query(
          `INSERT INTO order_lines (tenant_id, order_id, line_no, sku, quantity, unit_price_cents)
           SELECT $1, $2, line.line_no, line.sku, line.quantity, line.unit_price_cents
           FROM unnest($3::integer[], $4::text[], $5::integer[], $6::bigint[]) AS line (line_no, sku, quantity, unit_price_cents)`,
          [
            tenant.id,
            orderId,
            priced.lines.map((line) => line.lineNo),
            priced.lines.map((line) => line.sku),
            priced.lines.map((line) => line.quantity),
            priced.lines.map((line) => line.unitPriceCents),
          ],
        );
        return { order: (await loadOrder(sql, orderId))!, replayed: false };
      });
      // After the commit, and again on a replay: the queue drops a second publish of the same event.
      if (events !== undefined) await publishOrderPlaced(events, tenantIdOf(request), placed.order);
      if (placed.replayed) void reply.header(IDEMPOTENT_REPLAYED_HEADER, 'true');
      return reply.code(201).header('location', `/orders/${placed.order.id}`).send(placed.order);
    },
  );

  app.get('/orders', async (request) => {
    const orders = await inTenant(database, request, async (sql) => {
      // No tenant filter here: row level security returns this tenant's orders only.
      const found = await sql.query<OrderRow & { line_count: number }>(
        `SELECT o.id, o.user_id, o.currency, o.total_cents, o.created_at,
                (SELECT count(*)::integer FROM order_lines l WHERE l.order_id = o.id) AS line_count
         FROM orders o
         ORDER BY o.created_at DESC, o.id`,
      );
      return found.rows.map((row): OrderSummary => ({
        id: row.id,
        userId: row.user_id,
        currency: row.currency,
        totalCents: centsFromColumn(row.total_cents),
        lineCount: row.line_count,
        createdAt: row.created_at.toISOString(),
      }));
    });
    return { orders };
  });

  app.get<{ Params: { id: string } }>('/orders/:id', { schema: orderIdSchema }, async (request) =>
    inTenant(database, request, async (sql) => {
      const order = await loadOrder(sql, request.params.id);
      if (order === undefined) throw problem('not-found', `No order has the id ${request.params.id} in this tenant.`);
      return order;
    }),
  );
}
