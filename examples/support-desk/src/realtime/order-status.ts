import type { FastifyInstance } from 'fastify';
import type { Database, Sql } from '../database.ts';
import { problem } from '../problems.ts';
import { inTenant } from '../tenancy.ts';
import { ORDER_STATUSES, TERMINAL_ORDER_STATUSES, type OrderStatus, type OrderStatusState } from './events.ts';
import type { RealtimeHub } from './realtime-hub.ts';

/** The delivery path; `cancelled` leaves it before shipping. */
const DELIVERY_PATH: readonly OrderStatus[] = ['placed', 'confirmed', 'shipped', 'out_for_delivery', 'delivered'];

/**
 * The statuses an order in `from` may move to: any later step of the delivery path (steps may be
 * skipped), and `cancelled` until it ships. None from a terminal status.
 *
 * @example
 * allowedOrderStatuses('confirmed') // ['shipped', 'out_for_delivery', 'delivered', 'cancelled']
 */
export function allowedOrderStatuses(from: OrderStatus): OrderStatus[] {
  if (TERMINAL_ORDER_STATUSES.has(from)) return [];
  const later = DELIVERY_PATH.slice(DELIVERY_PATH.indexOf(from) + 1);
  return from === 'placed' || from === 'confirmed' ? [...later, 'cancelled'] : later;
}

interface StatusRow {
  id: string;
  user_id: string;
  status: OrderStatus;
  status_version: number;
  updated_at: Date;
}

function stateOf(row: StatusRow): OrderStatusState {
  return { orderId: row.id, status: row.status, version: row.status_version, updatedAt: row.updated_at.toISOString() };
}

async function loadStatus(sql: Sql, orderId: string, lock: boolean): Promise<StatusRow> {
  const found = await sql.query<StatusRow>(
    `SELECT id, user_id, status, status_version, coalesce(status_updated_at, created_at) AS updated_at
     FROM orders WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [orderId],
  );
  const row = found.rows[0];
  if (row === undefined) throw problem('not-found', `No order has the id ${orderId} in this tenant.`);
  return row;
}

const orderIdParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
} as const;

const moveSchema = {
  params: orderIdParams,
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['status'],
    properties: { status: { type: 'string', enum: [...ORDER_STATUSES] } },
  },
} as const;

/**
 * Register order tracking, scoped to the tenant of the `x-tenant-id` header:
 * - `GET /orders/:id/status`: `{ orderId, status, version, updatedAt }`;
 * - `POST /orders/:id/status` `{ status }`: move the order on (see {@link allowedOrderStatuses});
 *   200 with the new state, 409 `invalid-transition` with `currentStatus` and `allowedStatuses`.
 *   Once committed, the change is published on `hub` as an `order.status` event.
 *
 * @example
 * registerOrderStatusRoutes(app, database, hub)
 */
export function registerOrderStatusRoutes(app: FastifyInstance, database: Database, hub: RealtimeHub): void {
  app.get<{ Params: { id: string } }>('/orders/:id/status', { schema: { params: orderIdParams } }, async (request) =>
    inTenant(database, request, async (sql) => stateOf(await loadStatus(sql, request.params.id, false))),
  );

  app.post<{ Params: { id: string }; Body: { status: OrderStatus } }>('/orders/:id/status', { schema: moveSchema }, async (request) => {
    const to = request.body.status;
    const { tenantId, row } = await inTenant(database, request, async (sql, tenant) => {
      const current = await loadStatus(sql, request.params.id, true);
      const allowed = allowedOrderStatuses(current.status);
      if (!allowed.includes(to)) {
        throw problem(
          'invalid-transition',
          `A ${current.status} order cannot become ${to}. ${allowed.length === 0 ? `${current.status} is final.` : `It can become: ${allowed.join(', ')}.`}`,
          { currentStatus: current.status, allowedStatuses: allowed },
        );
      }
      const updated = await sql.query<StatusRow>(
        `UPDATE orders SET status = $2, status_version = status_version + 1, status_updated_at = clock_timestamp()
         WHERE id = $1
         RETURNING id, user_id, status, status_version, status_updated_at AS updated_at`,
        [current.id, to],
      );
      return { tenantId: tenant.id, row: updated.rows[0]! };
    });
    // Published after the commit: a client never hears of a change that was rolled back.
    const state = stateOf(row);
    hub.publish(tenantId, { type: 'order.status', userId: row.user_id, ...state });
    return state;
  });
}
