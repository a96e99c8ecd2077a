import { firstLine } from '@proving-ground/kit';
import { FactoriesError, isFactoriesError } from '../errors.js';
import { scopedAdapter } from '../internal/persist-scope.js';
import { deriveSeed } from '../seed.js';
import { buildSeed, finishBuild, remember, runRosie, transientValues } from './build.js';
import { childFrame, fieldSeed, rootFrame, type Frame } from './build-frame.js';
import { planFor } from './compile.js';
import { hasOwn, type Definition, type InternalOptions } from './definition.js';
import { NO_KEY, adoptGivenTenants, checkTenant, givenTenantKey, tenantFor } from './graph-tenants.js';
import { prepare, type Prepared } from './overrides.js';
import type { AnyFactory, CreateHookContext } from './types.js';

/** One object to create: its overrides, options and frame. */
interface CreateRequest {
  overrides: Record<string, unknown> | undefined;
  options: InternalOptions | undefined;
  frame: Frame;
}

/** An object built for creating, waiting for its row to be persisted. */
interface PendingCreate {
  frame: Frame;
  prepared: Prepared;
  transient: Record<string, unknown>;
  row: Record<string, unknown>;
}

async function persist(
  definition: Definition,
  rows: Array<Record<string, unknown>>,
  batch: boolean,
): Promise<Array<Record<string, unknown>>> {
  const adapter = scopedAdapter(definition.name, definition.adapter);
  if (adapter === undefined) {
    throw new FactoriesError('FACTORIES_NO_ADAPTER', {
      action: `create "${definition.name}"`,
      reason: 'the factory has no persistence adapter',
      fix: "Add .persistWith(memoryAdapter()) or .persistWith(sqlAdapter(db, { table: '...' })), or use build().",
    });
  }
  const context = { factory: definition.name };
  let created: unknown[];
  try {
    if (batch && rows.length > 1 && adapter.insertMany !== undefined) created = await adapter.insertMany(rows, context);
    else {
      created = [];
      for (const row of rows) created.push(await adapter.insert(row, context));
    }
  } catch (error) {
    if (isFactoriesError(error)) throw error;
    throw new FactoriesError(
      'FACTORIES_PERSIST_FAILED',
      {
        action: `create "${definition.name}"`,
        reason: `its adapter rejected the row: ${firstLine(error)}`,
        fix: 'Check the row against the store (see the cause).',
      },
      { cause: error },
    );
  }
  if (created.length !== rows.length) {
    throw new FactoriesError('FACTORIES_PERSIST_FAILED', {
      action: `create "${definition.name}"`,
      reason: `the adapter returned ${created.length} rows for ${rows.length}`,
      fix: 'An adapter returns one created object per row, in order.',
    });
  }
  return created.map((item, index) => (typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : { ...rows[index] }));
}

/**
 * Resolve the belongsTo parents of several objects of one factory: field by field, the parents every
 * object still needs are created together (one insert per table when batching), so a `createList`
 * of orders inserts its users in one statement, not one per order.
 */
async function resolveParents(
  definition: Definition,
  items: readonly CreateRequest[],
  prepared: readonly Prepared[],
  batch: boolean,
): Promise<void> {
  if (planFor(definition).belongsTo.size === 0) return;
  items.forEach((item, index) => adoptGivenTenants(prepared[index]!, item.frame, definition));
  for (const attr of definition.attrs) {
    if (attr.kind !== 'belongsTo') continue;
    const needing: number[] = [];
    for (const [index, item] of items.entries()) {
      const attributes = prepared[index]!.attributes;
      if (hasOwn(attributes, attr.name)) continue;
      const key = givenTenantKey(item.frame.graph, attr);
      if (key !== NO_KEY) {
        attributes[attr.name] = key;
        continue;
      }
      const tenant = tenantFor(item.frame.graph, attr.factory);
      if (tenant === undefined) needing.push(index);
      else setParent(prepared[index]!, attr.name, tenant, attr.pick);
    }
    if (needing.length === 0) continue;
    const requests = needing.map((index) => {
      const frame = items[index]!.frame;
      return { overrides: undefined, options: undefined, frame: childFrame(frame, attr.factory, fieldSeed(frame, attr.name, attr.key), 0) };
    });
    const parents = await createAll(attr.factory, requests, batch);
    needing.forEach((index, position) => {
      const parent = parents[position]!;
      if (attr.factory.definition.isTenant) (items[index]!.frame.graph.tenants ??= new Map()).set(attr.factory.name, parent);
      setParent(prepared[index]!, attr.name, parent, attr.pick);
    });
  }
}

function setParent(prepared: Prepared, field: string, parent: object, pick: (parent: object) => unknown): void {
  (prepared.parents ??= new Map()).set(field, parent);
  prepared.attributes[field] = pick(parent);
}

/** Build the rows of several objects of one factory, after creating the parents they need. */
async function buildAllForCreate(factory: AnyFactory, items: readonly CreateRequest[], batch: boolean): Promise<PendingCreate[]> {
  const definition = factory.definition;
  const prepared = items.map((item) => prepare(factory, item.overrides, item.options, item.frame));
  await resolveParents(definition, items, prepared, batch);
  return items.map((item, index) => {
    const transient = transientValues(definition, prepared[index]!, item.frame);
    const built = runRosie(definition, prepared[index]!, item.frame);
    const row = finishBuild(definition, built, transient, item.frame);
    for (const spec of definition.hasMany) delete row[spec.name];
    return { frame: item.frame, prepared: prepared[index]!, transient, row };
  });
}

/** Create the `hasMany` children of a persisted object, then run its afterCreate hooks. */
async function completeCreate(
  factory: AnyFactory,
  pending: PendingCreate,
  created: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const definition = factory.definition;
  const { frame, prepared } = pending;
  const children = new Map<string, readonly object[]>();
  for (const spec of definition.hasMany) {
    const list = prepared.children?.get(spec.name) ?? Array.from({ length: spec.count }, () => undefined);
    const key = spec.parentKey(created);
    const requests = list.map((item, index) => ({
      overrides: { ...item, [spec.inverse]: key },
      options: { inverse: spec.inverse },
      frame: childFrame(frame, spec.factory, deriveSeed(fieldSeed(frame, spec.name, spec.key), index), index),
    }));
    const items = await createAll(spec.factory, requests, true);
    created[spec.name] = items;
    children.set(spec.name, items);
  }
  const context: CreateHookContext<unknown> = { transient: pending.transient, index: frame.index, strategy: 'create', built: pending.row };
  for (const hook of definition.afterCreate)
    await (hook as unknown as (object: unknown, context: CreateHookContext<unknown>) => unknown)(created, context);
  remember(definition, created, prepared.parents, children);
  return created;
}

/** Create several objects of one factory: parents first (table by table), the rows together, then each one's children. */
async function createAll(factory: AnyFactory, items: readonly CreateRequest[], batch: boolean): Promise<Array<Record<string, unknown>>> {
  const pending = await buildAllForCreate(factory, items, batch);
  for (const item of pending) {
    if (item.frame.parent !== undefined) continue;
    // A top-level graph that spans tenants is refused before anything of it is inserted.
    remember(factory.definition, item.row, item.prepared.parents, undefined);
    checkTenant(item.row, item.frame);
  }
  const rows = await persist(
    factory.definition,
    pending.map((item) => item.row),
    batch,
  );
  const created: Array<Record<string, unknown>> = [];
  for (const [index, item] of pending.entries()) created.push(await completeCreate(factory, item, rows[index]!));
  return created;
}

/** `create()` and `createList()`. */
export async function createTopLevel(
  factory: AnyFactory,
  count: number,
  overridesAt: (index: number) => unknown,
  options: InternalOptions,
): Promise<unknown[]> {
  const items: CreateRequest[] = [];
  for (let index = 0; index < count; index++) {
    const frame = rootFrame(factory, 'create', buildSeed(factory, options, index), undefined, index);
    items.push({ overrides: overridesAt(index) as Record<string, unknown> | undefined, options, frame });
  }
  const created = await createAll(factory, items, options.batch !== false);
  for (const [index, object] of created.entries()) checkTenant(object, items[index]!.frame);
  return created;
}
