import { origins } from '../internal/graph.js';
import { tenantMismatch } from '../tenant.js';
import type { Frame, Graph } from './build-frame.js';
import { planFor } from './compile.js';
import { hasOwn, type BelongsToSpec, type Definition } from './definition.js';
import type { Prepared } from './overrides.js';
import type { AnyFactory } from './types.js';

/** The tenant a belongsTo of `parentFactory` resolves to: the graph's, else the scoped one (only for tenant factories). */
export function tenantFor(graph: Graph, parentFactory: AnyFactory): object | undefined {
  if (!parentFactory.definition.isTenant) return undefined;
  return graph.tenants?.get(parentFactory.name) ?? graph.scope?.tenant;
}

function hasGraphTenant(graph: Graph, factory: string): boolean {
  return graph.tenants?.has(factory) === true || graph.tenantKeys?.has(factory) === true;
}

export const NO_KEY: unique symbol = Symbol('no tenant key');

/**
 * The tenant key a belongsTo of a tenant factory takes when the graph's tenant was given as a key
 * override (`{ tenantId: 'other' }`), so the whole graph shares it; `NO_KEY` otherwise.
 */
export function givenTenantKey(graph: Graph, attr: BelongsToSpec): unknown {
  if (graph.tenantKeys === undefined || !attr.factory.definition.isTenant || graph.tenants?.has(attr.factory.name) === true) return NO_KEY;
  return graph.tenantKeys.has(attr.factory.name) ? graph.tenantKeys.get(attr.factory.name) : NO_KEY;
}

/** Seed the graph's tenant from explicitly given parents (or tenant keys), so their siblings join the same tenant. */
export function adoptGivenTenants(prepared: Prepared, frame: Frame, definition: Definition): void {
  for (const attr of planFor(definition).belongsTo.values()) {
    // A key override of the tenant association (not a tenant object) is the graph's tenant key, as a tenant object would be.
    if (!attr.factory.definition.isTenant || !hasOwn(prepared.attributes, attr.name) || prepared.parents?.has(attr.name) === true) continue;
    if (!hasGraphTenant(frame.graph, attr.factory.name))
      (frame.graph.tenantKeys ??= new Map()).set(attr.factory.name, prepared.attributes[attr.name]);
  }
  for (const [field, parent] of prepared.parents ?? []) {
    const spec = definition.attrs.find((attr) => attr.name === field);
    if (spec?.kind === 'belongsTo' && spec.factory.definition.isTenant && !hasGraphTenant(frame.graph, spec.factory.name))
      (frame.graph.tenants ??= new Map()).set(spec.factory.name, parent);
    for (const grandParent of origins().get(parent)?.parents.values() ?? []) {
      const origin = origins().get(grandParent);
      if (origin?.isTenant === true && !hasGraphTenant(frame.graph, origin.factory) && frame.graph.scope?.tenant === undefined)
        (frame.graph.tenants ??= new Map()).set(origin.factory, grandParent);
    }
  }
}

/**
 * Check that a finished top-level graph belongs to one tenant: the scoped one inside `withTenant`,
 * any one outside it (only a graph given parents or tenant keys can span tenants). `crossTenant` skips it.
 */
export function checkTenant(object: unknown, frame: Frame): void {
  const scope = frame.graph.scope;
  if (scope?.crossTenant === true) return;
  const tenant = scope?.tenant;
  if (tenant !== undefined) {
    const tenantField = origins().get(object as object)?.tenantFields[0];
    const expected = tenantField === undefined ? undefined : { key: tenantField.pick(tenant), source: 'the withTenant scope' };
    const error = tenantMismatch(
      object,
      expected,
      'assert one tenant',
      'Build it inside withTenant(tenant, ...), or inside crossTenant(...) when spanning tenants is the point.',
    );
    if (error !== undefined) throw error;
    return;
  }
  if (!frame.graph.givenParents) return;
  const error = tenantMismatch(
    object,
    undefined,
    `${frame.strategy} "${frame.definition.name}"`,
    'Give it parents and tenant keys of one tenant, or build it inside crossTenant(...) when spanning tenants is the point.',
  );
  if (error !== undefined) throw error;
}
