/** The plans a tenant can be on (`POST /tenants` `{ plan }`, `starter` when left out). */
export const TENANT_PLANS = ['starter', 'growth', 'enterprise'] as const;

/** One of {@link TENANT_PLANS}. */
export type TenantPlan = (typeof TENANT_PLANS)[number];

/** What a plan allows a tenant. */
export interface PlanLimits {
  /** Orders the tenant may place per UTC day (`POST /orders` answering 201, replays excepted). */
  ordersPerDay: number;
  /** Requests per second the tenant's token bucket refills with, on every tenant-scoped route. */
  requestsPerSecond: number;
  /** The bucket's size: how many requests may arrive at once after a quiet spell. */
  burst: number;
}

/** The limits of each plan, as the service ships them (a deployment passes its own to `TenantQuotas`). */
export const DEFAULT_PLAN_LIMITS: Readonly<Record<TenantPlan, PlanLimits>> = {
  starter: { ordersPerDay: 100, requestsPerSecond: 10, burst: 50 },
  growth: { ordersPerDay: 10_000, requestsPerSecond: 100, burst: 500 },
  enterprise: { ordersPerDay: 1_000_000, requestsPerSecond: 1_000, burst: 5_000 },
};

/**
 * Whether `value` names a plan.
 *
 * @example
 * isTenantPlan('growth') // true
 * isTenantPlan('platinum') // false
 */
export function isTenantPlan(value: unknown): value is TenantPlan {
  return typeof value === 'string' && (TENANT_PLANS as readonly string[]).includes(value);
}
