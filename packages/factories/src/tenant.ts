import { AsyncLocalStorage } from 'node:async_hooks';
import { FactoriesError } from './errors.js';
import { origins } from './internal/graph.js';

/** @internal The tenant scope of the current async context. */
export interface TenantScope {
  readonly tenant: object | undefined;
  readonly crossTenant: boolean;
}

const kStorage = Symbol.for('@proving-ground/factories/tenant-scope');

function storage(): AsyncLocalStorage<TenantScope> {
  const holder = globalThis as unknown as Record<symbol, AsyncLocalStorage<TenantScope> | undefined>;
  let store = holder[kStorage];
  if (store === undefined) {
    store = new AsyncLocalStorage<TenantScope>();
    Object.defineProperty(holder, kStorage, { value: store, configurable: true, enumerable: false });
  }
  return store;
}

/** @internal */
export function currentTenantScope(): TenantScope | undefined {
  return storage().getStore();
}

/**
 * Run `fn` with `tenant` in scope: every `belongsTo` of a factory marked `.asTenant()`, at any depth,
 * resolves to this tenant instead of building a new one, and every graph built inside is checked to
 * belong to it (an explicit override naming another tenant throws `FACTORIES_TENANT_MISMATCH`, unless
 * inside {@link crossTenant}). Works across `await` (AsyncLocalStorage).
 *
 * @param tenant - the tenant object (built, created, or fetched from the service)
 * @param fn - what to build; its result is returned
 * @example
 * const acme = await Tenant.create()
 * const order = await withTenant(acme, () => Order.create()) // its user and lines belong to acme too
 */
export function withTenant<R>(tenant: object, fn: () => R): R {
  if (typeof tenant !== 'object' || tenant === null) {
    throw new FactoriesError('FACTORIES_INVALID_TENANT', {
      action: 'enter a tenant scope',
      reason: `withTenant expects the tenant object, got ${tenant === null ? 'null' : typeof tenant}`,
      fix: 'Pass the tenant as built or created (e.g. await Tenant.create()).',
    });
  }
  return storage().run({ tenant, crossTenant: currentTenantScope()?.crossTenant ?? false }, fn);
}

/**
 * Run `fn` allowing graphs that span tenants, on purpose (isolation tests): explicit overrides may
 * point at another tenant's rows without `FACTORIES_TENANT_MISMATCH`. A `withTenant` scope stays in force.
 *
 * @param fn - what to build; its result is returned
 * @example
 * const intruder = await crossTenant(() => withTenant(tenantB, () => Order.build({ userId: userOfA })))
 */
export function crossTenant<R>(fn: () => R): R {
  return storage().run({ tenant: currentTenantScope()?.tenant, crossTenant: true }, fn);
}

interface TenantReference {
  path: string;
  value: unknown;
}

function collect(value: unknown, path: string, seen: Set<object>, found: TenantReference[]): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) {
    value.forEach((item, index) => collect(item, `${path}[${index}]`, seen, found));
    return;
  }
  const origin = origins().get(value);
  if (origin === undefined) return;
  const record = value as Record<string, unknown>;
  for (const { field, pick } of origin.tenantFields) {
    // A created object may omit the key (a service's answer often does): read it from the parent then.
    const parent = origin.parents.get(field);
    const value = field in record || parent === undefined ? record[field] : pick(parent);
    found.push({ path: `${path}.${field}`, value });
  }
  for (const [field, parent] of origin.parents)
    collect(parent, `${path}.${field}→${origins().get(parent)?.factory ?? 'parent'}`, seen, found);
  for (const [field, children] of origin.children) collect(children, `${path}.${field}`, seen, found);
}

/**
 * The tenant keys a built graph refers to, with where: every `belongsTo` of a tenant factory in the
 * object, its parents and its `hasMany` children.
 *
 * @param graph - an object (or a list) built or created by factories
 * @example
 * tenantReferences(order) // [{ path: 'order.tenantId', value: 'a1' }, { path: 'order.userId→user.tenantId', value: 'a1' }]
 */
export function tenantReferences(graph: unknown): Array<{ path: string; value: unknown }> {
  const found: TenantReference[] = [];
  const root = typeof graph === 'object' && graph !== null ? (origins().get(graph)?.factory ?? 'value') : 'value';
  collect(graph, Array.isArray(graph) ? 'list' : root, new Set(), found);
  return found;
}

/** @internal A tenant key every reference must equal, and how a message names where it came from. */
export interface ExpectedTenant {
  readonly key: unknown;
  readonly source: string;
}

/**
 * @internal The error for a graph that spans tenants (undefined when it belongs to one): every
 * reference, and the expected key when it is not among them, so the message lists each tenant.
 */
export function tenantMismatch(
  graph: unknown,
  expected: ExpectedTenant | undefined,
  action: string,
  fix: string,
): FactoriesError | undefined {
  const references = tenantReferences(graph);
  const keys = new Set(references.map((reference) => reference.value));
  const listed = references.map((reference) => `${reference.path} = ${JSON.stringify(reference.value)}`);
  if (expected !== undefined && !keys.has(expected.key)) {
    keys.add(expected.key);
    listed.unshift(`${expected.source} = ${JSON.stringify(expected.key)}`);
  }
  if (keys.size <= 1) return undefined;
  return new FactoriesError('FACTORIES_TENANT_MISMATCH', {
    action,
    reason: `the graph refers to ${keys.size} tenants: ${listed.join(', ')}`,
    fix,
  });
}

/**
 * Assert that a built graph belongs to one tenant (and to `tenantKey` when given): throws
 * `FACTORIES_TENANT_MISMATCH` listing every reference (and the expected key) when it spans several.
 *
 * @param graph - an object (or a list) built or created by factories
 * @param tenantKey - the tenant key every reference must equal (optional)
 * @example
 * assertSingleTenant(await Order.create(), acme.id)
 */
export function assertSingleTenant(graph: unknown, tenantKey?: unknown): void {
  const error = tenantMismatch(
    graph,
    tenantKey === undefined ? undefined : { key: tenantKey, source: 'the expected tenant' },
    'assert one tenant',
    'Build it inside withTenant(tenant, ...), or inside crossTenant(...) when spanning tenants is the point.',
  );
  if (error !== undefined) throw error;
}
