import { FactoriesError } from '../errors.js';
import type { BuildContext } from '../fields.js';
import { deriveSeed } from '../seed.js';
import { currentTenantScope, type TenantScope } from '../tenant.js';
import { scopeState, type ScopeState } from '../test-scope.js';
import type { Definition } from './definition.js';
import type { AnyFactory } from './types.js';

/** One top-level build or create and everything it made on the way: where its tenant is decided. */
export interface Graph {
  /** Tenants resolved in this graph: one per tenant factory, shared by every belongsTo below the root (made on first use). */
  tenants: Map<string, object> | undefined;
  /** Tenant keys given as overrides (a key, not a tenant object): every belongsTo of that tenant factory below takes the key. */
  tenantKeys: Map<string, unknown> | undefined;
  /** Set when an override gave a parent or a tenant key somewhere in the graph: only then can it span tenants. */
  givenParents: boolean;
  readonly scope: TenantScope | undefined;
}

/** The seed and graph of the object being built, set around rosie's synchronous build. */
export interface Frame {
  readonly seed: number;
  readonly fieldSeeds: Readonly<Record<string, number>> | undefined;
  readonly index: number;
  readonly strategy: 'build' | 'create';
  readonly graph: Graph;
  /** The frame of the object that needed this one (undefined at the root), for association cycles. */
  readonly parent: Frame | undefined;
  readonly definition: Definition;
  readonly state: ScopeState;
  /** One context object per frame, made on first use and re-pointed at each field's seed. */
  context: { faker: ScopeState['faker']; index: number; strategy: 'build' | 'create'; seed: number } | undefined;
}

let current: Frame | undefined;

/** The frame rosie is building in (builders run synchronously inside {@link enterFrame}/{@link leaveFrame}). */
export function currentFrame(): Frame {
  return current!;
}

/** Make `frame` current; returns the previous one for {@link leaveFrame}. */
export function enterFrame(frame: Frame): Frame | undefined {
  const previous = current;
  current = frame;
  return previous;
}

export function leaveFrame(previous: Frame | undefined): void {
  current = previous;
}

export function fieldSeed(frame: Frame, name: string, key: number): number {
  return frame.fieldSeeds?.[name] ?? deriveSeed(frame.seed, key);
}

/** The build context of a field: faker reseeded with `seed`. */
export function contextFor(frame: Frame, seed: number): BuildContext {
  frame.state.random.state = seed;
  const context = (frame.context ??= { faker: frame.state.faker, index: frame.index, strategy: frame.strategy, seed });
  context.seed = seed;
  return context;
}

function newFrame(
  definition: Definition,
  parent: Frame | undefined,
  graph: Graph,
  strategy: 'build' | 'create',
  seed: number,
  fieldSeeds: Record<string, number> | undefined,
  index: number,
  rootState?: ScopeState,
): Frame {
  const state = parent?.state ?? rootState ?? scopeState();
  return { seed, fieldSeeds, index, strategy, graph, parent, definition, state, context: undefined };
}

function chainOf(frame: Frame): string[] {
  const names: string[] = [];
  for (let at: Frame | undefined = frame; at !== undefined; at = at.parent) names.unshift(at.definition.name);
  return names;
}

/** The frame of an object `frame` needs (a parent, a child, a nested object); an association cycle throws. */
export function childFrame(frame: Frame, factory: AnyFactory, seed: number, index: number): Frame {
  const definition = factory.definition;
  let depth = 0;
  for (let at: Frame | undefined = frame; at !== undefined; at = at.parent) {
    if (at.definition === definition || ++depth > 64) {
      const chain = [...chainOf(frame), definition.name];
      throw new FactoriesError('FACTORIES_ASSOCIATION_CYCLE', {
        action: `${frame.strategy} "${chain[0]!}"`,
        reason: `its associations form a cycle: ${chain.join(' → ')}`,
        fix: 'Override one of these fields (or pass the parent) to break it.',
      });
    }
  }
  return newFrame(definition, frame, frame.graph, frame.strategy, seed, undefined, index);
}

/** The frame of a top-level build or create: a graph of its own, in the current tenant scope. */
export function rootFrame(
  factory: AnyFactory,
  strategy: 'build' | 'create',
  seed: number,
  fieldSeeds: Record<string, number> | undefined,
  index: number,
  state?: ScopeState,
): Frame {
  const graph: Graph = { tenants: undefined, tenantKeys: undefined, givenParents: false, scope: currentTenantScope() };
  return newFrame(factory.definition, undefined, graph, strategy, seed, fieldSeeds, index, state);
}
