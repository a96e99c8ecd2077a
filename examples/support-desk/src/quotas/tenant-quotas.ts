import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../database.ts';
import { problem, sendProblem, type ProblemKind } from '../problems.ts';
import { inTenant, requestedTenantId } from '../tenancy.ts';
import { DailyQuota } from './daily-quota.ts';
import { DEFAULT_PLAN_LIMITS, isTenantPlan, type PlanLimits, type TenantPlan } from './plans.ts';
import { TokenBuckets } from './token-bucket.ts';

/** The header that says, on a 429, in how many seconds to try again (RFC 9110). */
export const RETRY_AFTER_HEADER = 'retry-after';

/** Options of {@link TenantQuotas}. */
export interface TenantQuotasOptions {
  /** The limits of each plan; {@link DEFAULT_PLAN_LIMITS} for the plans left out. */
  limits?: Partial<Record<TenantPlan, PlanLimits>> | undefined;
  /** The clock, in milliseconds since the epoch (`Date.now` by default, which chaos clock skews move). */
  now?: (() => number) | undefined;
}

/** What `GET /tenants/current/quotas` answers. */
export interface QuotaStatus {
  plan: TenantPlan;
  orders: { perDay: number; used: number; remaining: number; resetsAt: string };
  rateLimit: { requestsPerSecond: number; burst: number };
}

/**
 * The per-tenant limits of one service instance: a token bucket per tenant on every
 * tenant-scoped request, and a daily order quota per tenant, both sized by the tenant's plan.
 *
 * @example
 * const quotas = new TenantQuotas({ limits: { starter: { ordersPerDay: 20, requestsPerSecond: 5, burst: 10 } } })
 * const app = buildApp({ database, assistant, payments, quotas })
 */
export class TenantQuotas {
  /** The limits of every plan. */
  readonly limits: Readonly<Record<TenantPlan, PlanLimits>>;
  /** Requests per tenant. */
  readonly requests: TokenBuckets;
  /** Orders per tenant and UTC day. */
  readonly orders: DailyQuota;
  /** Plans never change once a tenant exists, so each is read from the database once. */
  readonly #plans = new Map<string, TenantPlan>();

  constructor(options: TenantQuotasOptions = {}) {
    this.limits = { ...DEFAULT_PLAN_LIMITS, ...options.limits };
    const now = options.now ?? (() => Date.now());
    this.requests = new TokenBuckets(now);
    this.orders = new DailyQuota(now);
  }

  /**
   * The plan of `tenantId`, or `undefined` when no tenant has that id.
   *
   * @example
   * await quotas.planOf(database, tenantId) // 'starter'
   */
  async planOf(database: Database, tenantId: string): Promise<TenantPlan | undefined> {
    const known = this.#plans.get(tenantId);
    if (known !== undefined) return known;
    const found = await database.withTenant(tenantId, (sql) =>
      sql.query<{ plan: string }>('SELECT plan FROM tenants WHERE id = $1', [tenantId]),
    );
    const plan = found.rows[0]?.plan;
    if (!isTenantPlan(plan)) return undefined;
    this.#plans.set(tenantId, plan);
    return plan;
  }

  /**
   * Where `tenantId` stands against the limits of `plan`.
   *
   * @example
   * quotas.status(tenantId, 'starter').orders.remaining // 100 on a fresh day
   */
  status(tenantId: string, plan: TenantPlan): QuotaStatus {
    const limits = this.limits[plan];
    const usage = this.orders.usage(tenantId);
    return {
      plan,
      orders: {
        perDay: limits.ordersPerDay,
        used: usage.used,
        remaining: Math.max(0, limits.ordersPerDay - usage.used),
        resetsAt: usage.resetsAt.toISOString(),
      },
      rateLimit: { requestsPerSecond: limits.requestsPerSecond, burst: limits.burst },
    };
  }
}

function refuse(
  request: FastifyRequest,
  reply: FastifyReply,
  kind: ProblemKind,
  detail: string,
  extensions: { plan: TenantPlan; limit: number; retryAfterSeconds: number },
): FastifyReply {
  void reply.header(RETRY_AFTER_HEADER, String(extensions.retryAfterSeconds));
  return sendProblem(reply, problem(kind, detail, extensions).toDetails(request.url));
}

/** Whether the route places an order: the only one the daily quota counts. */
function placesOrder(request: FastifyRequest): boolean {
  return request.method === 'POST' && request.routeOptions.url === '/orders';
}

/**
 * Enforce `quotas` on every route of `app` (register it first in the plugin that holds the tenant
 * routes) and register `GET /tenants/current/quotas`:
 * - a request naming a tenant (`x-tenant-id`, or an API key) takes a token from that tenant's bucket, or is
 *   answered `429` `rate-limited` with `Retry-After`; other tenants' buckets are untouched;
 * - `POST /orders` also reserves one of the tenant's orders for the UTC day, or is answered `429`
 *   `quota-exceeded` with `Retry-After` (seconds to midnight UTC); the reservation is given back
 *   when the order is not placed (any answer but `201`) or is an idempotent replay.
 *
 * A request without a valid tenant, or naming no existing tenant, passes untouched: the route
 * answers it `400` or `404` as usual. Without `quotas`, nothing is limited and
 * `GET /tenants/current/quotas` answers 404.
 *
 * @example
 * registerTenantQuotas(api, database, new TenantQuotas())
 */
export function registerTenantQuotas(app: FastifyInstance, database: Database, quotas: TenantQuotas | undefined): void {
  app.get('/tenants/current/quotas', async (request) => {
    if (quotas === undefined) throw problem('not-found', 'Quotas are not configured on this server.');
    return inTenant(database, request, async (sql, tenant) => {
      const found = await sql.query<{ plan: TenantPlan }>('SELECT plan FROM tenants WHERE id = $1', [tenant.id]);
      return quotas.status(tenant.id, found.rows[0]!.plan);
    });
  });
  if (quotas === undefined) return;

  const reservations = new WeakMap<FastifyRequest, () => void>();
  app.addHook('onRequest', async (request, reply) => {
    const tenantId = requestedTenantId(request);
    if (tenantId === undefined) return;
    const plan = await quotas.planOf(database, tenantId);
    if (plan === undefined) return;
    const limits = quotas.limits[plan];
    const taken = quotas.requests.take(tenantId, { capacity: limits.burst, refillPerSecond: limits.requestsPerSecond });
    if (!taken.allowed) {
      return refuse(
        request,
        reply,
        'rate-limited',
        `This tenant may send ${limits.requestsPerSecond} requests per second (bursts of ${limits.burst}) on the ${plan} plan. Retry after ${taken.retryAfterSeconds} s.`,
        { plan, limit: limits.requestsPerSecond, retryAfterSeconds: taken.retryAfterSeconds },
      );
    }
    if (!placesOrder(request)) return;
    const reserved = quotas.orders.reserve(tenantId, limits.ordersPerDay);
    if (!reserved.allowed) {
      return refuse(
        request,
        reply,
        'quota-exceeded',
        `This tenant has placed its ${limits.ordersPerDay} orders for today on the ${plan} plan. The quota starts again at ${reserved.resetsAt.toISOString()}.`,
        { plan, limit: limits.ordersPerDay, retryAfterSeconds: reserved.retryAfterSeconds },
      );
    }
    reservations.set(request, reserved.release);
  });
  app.addHook('onResponse', async (request, reply) => {
    const release = reservations.get(request);
    if (release === undefined) return;
    if (reply.statusCode !== 201 || reply.getHeader('idempotent-replayed') === 'true') release();
  });
}
