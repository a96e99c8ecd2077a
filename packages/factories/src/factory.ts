import * as fc from 'fast-check';
import rosie from 'rosie';
import { FactoriesError } from './errors.js';
import { isFieldSpec, type BuildContext, type FieldSpec } from './fields.js';
import { cloneData, copier, isSharedInstance } from './internal/clone.js';
import { describeChoice, listChoices } from './internal/did-you-mean.js';
import { origins, type Origin } from './internal/graph.js';
import { factoryRegistry } from './internal/registry.js';
import { scopedAdapter } from './internal/persist-scope.js';
import type { PersistenceAdapter } from './persistence.js';
import { deriveSeed, hashString } from './seed.js';
import { sequenceValue, cycleValue, uniqueValue, markUsed, sequenceStartSpan } from './sequences.js';
import { currentTenantScope, assertSingleTenant, type TenantScope } from './tenant.js';
import { nextBuildSeed, replayLine, scopeState, type ScopeState } from './test-scope.js';
import { compileSchema, type FactorySchema } from './validation.js';

// ---------------------------------------------------------------------------------------------
// Types

type IsUnion<T, U = T> = T extends unknown ? ([U] extends [T] ? false : true) : never;

/**
 * The field type of a builder's return: number and boolean literals widen (`() => 100` is a number,
 * overridable with any number), a single string literal widens, a union of string literals stays
 * (`vip ? 'gold' : 'none'`).
 */
type Widen<V> = [V] extends [never]
  ? never
  : [V] extends [number]
    ? number
    : [V] extends [boolean]
      ? boolean
      : [V] extends [bigint]
        ? bigint
        : [V] extends [string]
          ? true extends IsUnion<V>
            ? V
            : string
          : V;

/** An object type with no fields, where a factory starts. */
type Empty = Record<never, never>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type With<A, K extends string, V> = Simplify<Omit<A, K> & { [P in K]: V }>;
type WithOptional<A, K extends string, V> = Simplify<Omit<A, K> & { [P in K]?: V }>;

/**
 * Any factory, whatever it builds.
 *
 * @example
 * function names(factories: AnyFactory[]): string[] { return factories.map((factory) => factory.name) }
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFactory = Factory<any, any, any, any, any, any, string>;

/**
 * Register your factories here (declaration merging) to type factory names where a name is accepted
 * (`verifyFactories({ factories: ['user'] })`, `resetSequences('user')`): a misspelled name is then a
 * type error. Without registration no name type-checks; pass the factories themselves.
 *
 * @example
 * declare module '@proving-ground/factories' {
 *   interface FactoryRegistry { factories: typeof Tenant | typeof User }
 * }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface FactoryRegistry {}

/**
 * The name a factory was defined with, as a literal type (`defineFactory('user')` gives `'user'`).
 *
 * @example
 * type UserName = FactoryNameOf<typeof User> // 'user'
 */
export type FactoryNameOf<F> = F extends { readonly name: infer N extends string } ? N : never;

/**
 * The names of the factories registered in {@link FactoryRegistry} (a union or a tuple of factory
 * types); `never` when nothing is registered.
 *
 * @example
 * const name: FactoryName = 'user' // a type error unless a factory named 'user' is registered
 */
export type FactoryName = FactoryRegistry extends { factories: infer F }
  ? FactoryNameOf<F extends readonly unknown[] ? F[number] : F>
  : never;

/**
 * The object a factory builds.
 *
 * @example
 * type User = BuiltOf<typeof UserFactory>
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type BuiltOf<F> = F extends Factory<infer B, any, any, any, any, any, any> ? B : never;

/**
 * The overrides a factory's `build` accepts: every field optional, nested factories take their own overrides.
 *
 * @example
 * const admin: OverridesOf<typeof User> = { role: 'admin', address: { city: 'Lisbon' } }
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OverridesOf<F> = F extends Factory<any, infer O, any, any, any, any, any> ? O : never;

/**
 * The transient parameters of a factory (shape the object, are not in it).
 *
 * @example
 * const options: Partial<TransientOf<typeof Order>> = { lineCount: 3 }
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TransientOf<F> = F extends Factory<any, any, infer Tr, any, any, any, any> ? Tr : never;

/**
 * The object a factory's `create` resolves to: what its adapter returned, with created `hasMany` children.
 *
 * @example
 * let user: CreatedOf<typeof User> // with the id the database assigned
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CreatedOf<F> = F extends Factory<infer B, any, any, any, infer C, infer H, any> ? CreatedShape<B, C, H> : never;

type CreatedShape<B, C, H> = [C] extends [undefined] ? Simplify<Omit<B, keyof H> & H> : Simplify<Omit<C, keyof H> & H>;

/** The row a factory hands its persistence adapter: the built object without its `hasMany` fields. */
type RowShape<B, H> = Simplify<Omit<B, keyof H>>;

/** The value type of an attribute declared with `value`. */
type FieldValue<X> =
  X extends Factory<infer B, any, any, any, any, any, any> // eslint-disable-line @typescript-eslint/no-explicit-any
    ? B
    : X extends FieldSpec<infer V>
      ? V
      : X extends fc.Arbitrary<infer A>
        ? A
        : X extends (context: BuildContext) => infer V
          ? V
          : X;

/** What an override of an attribute declared with `value` may be. */
type FieldOverride<X> =
  X extends Factory<infer B, infer O, any, any, any, any, any> // eslint-disable-line @typescript-eslint/no-explicit-any
    ? O | B
    : FieldValue<X>;

/**
 * A trait's fields: what overrides accept (or builders of it), and transient parameters.
 *
 * @example
 * const admin: TraitFields<OverridesOf<typeof User>, TransientOf<typeof User>> = { role: 'admin' }
 */
export type TraitFields<O, Tr> = { [K in keyof O]?: Exclude<O[K], undefined> | ((context: BuildContext) => Exclude<O[K], undefined>) } & {
  [K in keyof Tr]?: Tr[K] | ((context: BuildContext) => Tr[K]);
};

/**
 * How to ask for traits: a plain trait by name, a parameterized one as `[name, parameter]`.
 *
 * @example
 * const traits: Array<TraitRef<{ admin: void; level: number }>> = ['admin', ['level', 3]]
 */
export type TraitRef<Tt> = {
  [N in keyof Tt & string]: [Tt[N]] extends [void] ? N : [N, Tt[N]];
}[keyof Tt & string];

/**
 * Options of `build`, `buildList`, `create`, `createList`.
 *
 * @example
 * User.build({ name: 'Ann' }, { traits: ['admin'], transient: { shout: true }, seed: 42 })
 */
export interface BuildOptions<Tr, Tt> {
  /** Traits to apply, in order (later ones win; explicit overrides win over all). */
  traits?: ReadonlyArray<TraitRef<Tt>>;
  /** Transient parameters of this build. */
  transient?: Partial<Tr>;
  /** An explicit 32-bit build seed (instead of the one derived from the test and the build index). */
  seed?: number;
}

/**
 * Options of `createList`.
 *
 * @example
 * await User.createList(3, undefined, { traits: ['admin'], batch: false })
 */
export interface CreateListOptions<Tr, Tt> extends BuildOptions<Tr, Tt> {
  /** Insert the rows in one statement when the adapter can (`insertMany`). Default true. */
  batch?: boolean;
}

/**
 * Options of `arbitrary`.
 *
 * @example
 * fc.sample(User.arbitrary({}, { traits: ['admin'] }), 5)
 */
export interface ArbitraryOptions<Tt> {
  /** Fixed traits; by default every combination of the factory's plain traits is a dimension that shrinks to none. */
  traits?: ReadonlyArray<TraitRef<Tt>>;
}

/**
 * Options of `hasMany`.
 *
 * @example
 * defineFactory('order').hasMany('lines', Line, { inverse: 'orderId', key: (order) => order.id, count: 2 })
 */
export interface HasManyOptions<Parent, Child> {
  /** The child's field that points back at the parent. */
  inverse: keyof Child & string;
  /** The parent's key the inverse field gets (default: the parent's `id`). */
  key?: (parent: Parent) => unknown;
  /** How many children by default (default 0); an override gives a count or one overrides object per child. */
  count?: number;
}

// ---------------------------------------------------------------------------------------------
// Definitions

type AttrSpec =
  | { kind: 'value'; name: string; key: number; deps: string[]; value: unknown }
  | { kind: 'fn'; name: string; key: number; deps: string[]; withDeps: boolean; fn: (...args: never[]) => unknown }
  | { kind: 'spec'; name: string; key: number; deps: string[]; spec: FieldSpec<unknown> }
  | { kind: 'factory'; name: string; key: number; deps: string[]; factory: AnyFactory }
  | { kind: 'arbitrary'; name: string; key: number; deps: string[]; arbitrary: fc.Arbitrary<unknown> }
  | { kind: 'belongsTo'; name: string; key: number; deps: string[]; factory: AnyFactory; pick: (parent: object) => unknown };

interface HasManySpec {
  name: string;
  key: number;
  factory: AnyFactory;
  inverse: string;
  parentKey: (parent: object) => unknown;
  count: number;
}

interface TransientSpec {
  name: string;
  key: number;
  value: unknown;
}

interface TraitSpec {
  name: string;
  fields: Record<string, unknown> | undefined;
  fn: ((parameter: never, context: BuildContext) => Record<string, unknown>) | undefined;
  include: ReadonlyArray<string | readonly [string, unknown]>;
}

type Hook = (object: never, context: never) => unknown;

/**
 * What `afterBuild` and `afterCreate` hooks receive besides the object.
 *
 * @example
 * Order.afterBuild((order, { transient, index }) => { order.note = `${index}: ${String(transient.paid)}` })
 */
export interface HookContext {
  /** The transient parameters of this build. */
  readonly transient: Readonly<Record<string, unknown>>;
  /** The position of the object in its list (0 for a single build). */
  readonly index: number;
  /** `build` or `create`. */
  readonly strategy: 'build' | 'create';
}

/**
 * What `afterCreate` hooks receive: the hook context and the object as built (before the store changed it).
 *
 * @example
 * User.afterCreate(async (user, { built }) => { await audit(built.tenantId, user.id) })
 */
export interface CreateHookContext<B> extends HookContext {
  /** The built row that was persisted (without `hasMany` fields), e.g. to read a foreign key the store's answer omits. */
  readonly built: Readonly<B>;
}

interface Definition {
  readonly name: string;
  readonly key: number;
  readonly attrs: readonly AttrSpec[];
  readonly hasMany: readonly HasManySpec[];
  readonly transients: readonly TransientSpec[];
  readonly traits: ReadonlyMap<string, TraitSpec>;
  readonly afterBuild: readonly Hook[];
  readonly afterCreate: readonly Hook[];
  readonly adapter: PersistenceAdapter<unknown, unknown> | undefined;
  readonly validate: ((value: unknown) => string[]) | undefined;
  readonly isTenant: boolean;
  readonly presets: ReadonlyArray<string | readonly [string, unknown]>;
  /** Computed on first build: the rosie factory and the build plan of this very definition. */
  readonly cache: { rosie?: RosieFactoryLike; plan?: Plan };
}

interface InternalOptions {
  traits?: ReadonlyArray<string | readonly [string, unknown]>;
  transient?: Record<string, unknown>;
  batch?: boolean;
  seed?: number;
  /** Values an arbitrary drew for fields: under traits and overrides. */
  drawn?: Record<string, unknown>;
  /** The field a hasMany parent sets on its child: kept even when undefined (a built parent without a key). */
  inverse?: string;
}

interface RosieFactoryLike {
  attr(name: string, deps: string[], builder: (...args: unknown[]) => unknown): RosieFactoryLike;
  option(name: string, deps: string[], builder: (...args: unknown[]) => unknown): RosieFactoryLike;
  build(attributes: Record<string, unknown>, options: Record<string, unknown>): Record<string, unknown>;
}

const RosieFactory = (rosie as unknown as { Factory: new () => RosieFactoryLike }).Factory;

const kFactory = Symbol.for('@proving-ground/factories/factory');

function isFactory(value: unknown): value is AnyFactory {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[kFactory] === true;
}

function isArbitrary(value: unknown): value is fc.Arbitrary<unknown> {
  if (value instanceof fc.Arbitrary) return true;
  const candidate = value as { generate?: unknown; shrink?: unknown; canShrinkWithoutContext?: unknown } | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.generate === 'function' &&
    typeof candidate.shrink === 'function' &&
    typeof candidate.canShrinkWithoutContext === 'function'
  );
}

const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

function invalidDefinition(factory: string, problem: string, fix: string): FactoriesError {
  return new FactoriesError('FACTORIES_INVALID_DEFINITION', `[factories] Failed to define "${factory}": ${problem}. ${fix}`);
}

// ---------------------------------------------------------------------------------------------
// Build frames: the seed and graph of the object being built (set around rosie's synchronous build).

interface Graph {
  /** Tenants resolved in this graph: one per tenant factory, shared by every belongsTo below the root (made on first use). */
  tenants: Map<string, object> | undefined;
  /** Tenant keys given as overrides (a key, not a tenant object): every belongsTo of that tenant factory below takes the key. */
  tenantKeys: Map<string, unknown> | undefined;
  readonly scope: TenantScope | undefined;
}

interface Frame {
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

let currentFrame: Frame | undefined;

function fieldSeed(frame: Frame, name: string, key: number): number {
  return frame.fieldSeeds?.[name] ?? deriveSeed(frame.seed, key);
}

function contextFor(frame: Frame, seed: number): BuildContext {
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
  for (let current: Frame | undefined = frame; current !== undefined; current = current.parent) names.unshift(current.definition.name);
  return names;
}

// ---------------------------------------------------------------------------------------------
// The factory

/**
 * A typed factory. `B` is the built object, `O` its overrides, `Tr` its transient parameters, `Tt`
 * its traits (name → parameter), `C` what its adapter returns, `H` its created `hasMany` children,
 * `N` its name.
 * Every definition method returns a new factory; building never mutates the definition.
 *
 * @example
 * const User = defineFactory('user')
 *   .attr('id', sequence())
 *   .attr('name', ({ faker }) => faker.person.fullName())
 *   .attr('email', ['name'], ({ name }, { faker }) => faker.internet.email({ firstName: name }))
 *   .trait('admin', { role: 'admin' as const })
 */
export class Factory<
  B extends object = Empty,
  O extends object = Empty,
  Tr extends object = Empty,
  Tt extends object = Empty,
  C = undefined,
  H extends object = Empty,
  N extends string = string,
> {
  /** @internal */
  readonly definition: Definition;

  /** @internal */
  constructor(definition: Definition) {
    this.definition = definition;
    Object.defineProperty(this, kFactory, { value: true });
  }

  /** The factory's name (in seeds, messages and `verifyFactories` reports). */
  get name(): N {
    return this.definition.name as N;
  }

  private derive(changes: Partial<Definition>): never {
    const next = new Factory({ ...this.definition, ...changes, cache: {} });
    registerFactory(next);
    return next as never;
  }

  private addAttr(spec: AttrSpec): never {
    this.assertFreeName(spec.name, 'attr');
    return this.derive({ attrs: [...this.definition.attrs.filter((attr) => attr.name !== spec.name), spec] });
  }

  private assertFreeName(name: string, method: string): void {
    if (typeof name !== 'string' || name === '') {
      throw invalidDefinition(
        this.name,
        `${method}() needs a field name, got ${JSON.stringify(name)}`,
        'Name every field with a non-empty string',
      );
    }
    if (this.definition.transients.some((transient) => transient.name === name) && method !== 'transient') {
      throw invalidDefinition(this.name, `"${name}" is already a transient parameter`, 'Give the field and the parameter different names');
    }
  }

  /**
   * Declare a field. `value` is a constant (plain data is copied for every build, never shared; a class
   * instance is kept as it is, so every build shares it: a warning says so, use a builder instead), a builder
   * `(context) => value` (called only when the field is not overridden), a `sequence()`, `cycle()` or
   * `unique()`, another factory (the field is a nested object; its override is that factory's
   * overrides), or a fast-check arbitrary (a shrinkable dimension of `arbitrary()`).
   *
   * @param name - the field
   * @param value - how to produce it
   * @example
   * defineFactory('order').attr('currency', 'EUR').attr('total', ({ faker }) => faker.number.int({ max: 10_000 }))
   */
  attr<K extends string, V>(
    name: K,
    build: (context: BuildContext) => V,
  ): Factory<With<B, K, Widen<V>>, WithOptional<O, K, Widen<V>>, Tr, Tt, C, H, N>;
  attr<K extends string, X>(name: K, value: X): Factory<With<B, K, FieldValue<X>>, WithOptional<O, K, FieldOverride<X>>, Tr, Tt, C, H, N>;
  /**
   * Declare a field computed from other fields or transient parameters (declared before it). It is
   * computed only when not overridden, after the fields it depends on; a cycle is an error naming it.
   *
   * @param name - the field
   * @param deps - the fields and transient parameters it reads
   * @param build - `(values, context) => value`
   * @example
   * defineFactory('user').attr('name', 'Ann').attr('email', ['name'], ({ name }) => `${name.toLowerCase()}@example.test`)
   */
  attr<K extends string, const D extends ReadonlyArray<(keyof B | keyof Tr) & string>, V>(
    name: K,
    deps: D,
    build: (values: Simplify<Pick<B & Tr, D[number]>>, context: BuildContext) => V,
  ): Factory<With<B, K, Widen<V>>, WithOptional<O, K, Widen<V>>, Tr, Tt, C, H, N>;
  attr(name: string, depsOrValue: unknown, build?: unknown): never {
    const key = hashString(name);
    if (build !== undefined) {
      if (!Array.isArray(depsOrValue) || typeof build !== 'function') {
        throw invalidDefinition(
          this.name,
          `attr("${name}", deps, build) needs an array of field names and a function`,
          'Pass attr(name, ["other"], ({ other }) => ...)',
        );
      }
      return this.addAttr({
        kind: 'fn',
        name,
        key,
        deps: [...(depsOrValue as string[])],
        withDeps: true,
        fn: build as (...args: never[]) => unknown,
      });
    }
    const value = depsOrValue;
    if (isFactory(value)) {
      relationTargets.add(value.name);
      return this.addAttr({ kind: 'factory', name, key, deps: [], factory: value });
    }
    if (isFieldSpec(value)) return this.addAttr({ kind: 'spec', name, key, deps: [], spec: value });
    if (isArbitrary(value)) return this.addAttr({ kind: 'arbitrary', name, key, deps: [], arbitrary: value });
    if (typeof value === 'function')
      return this.addAttr({ kind: 'fn', name, key, deps: [], withDeps: false, fn: value as (...args: never[]) => unknown });
    if (isSharedInstance(value)) {
      const type = (value as object).constructor?.name ?? 'class';
      process.emitWarning(
        `[factories] "${this.name}.${name}" is a constant ${type} instance: constants are copied for every build, but class instances are kept as they are, so every build shares this one. Declare attr('${name}', () => new ${type}(...)) for a fresh one per build, or freeze it.`,
        { code: 'FACTORIES_SHARED_INSTANCE' },
      );
    }
    return this.addAttr({ kind: 'value', name, key, deps: [], value });
  }

  /**
   * Declare a sequence field: 1, 2, 3, ... (see {@link sequence}); shorthand for `attr(name, sequence(format))`.
   *
   * @param name - the field
   * @param format - turns the number into the value
   * @example
   * defineFactory('user').sequence('id').sequence('email', (n) => `user${n}@example.test`)
   */
  sequence<K extends string>(name: K): Factory<With<B, K, number>, WithOptional<O, K, number>, Tr, Tt, C, H, N>;
  sequence<K extends string, V>(
    name: K,
    format: (n: number, context: BuildContext) => V,
  ): Factory<With<B, K, V>, WithOptional<O, K, V>, Tr, Tt, C, H, N>;
  sequence(name: string, format?: (n: number, context: BuildContext) => unknown): never {
    return this.addAttr({
      kind: 'spec',
      name,
      key: hashString(name),
      deps: [],
      spec: { recipe: { kind: 'sequence', format: format ?? ((n: number) => n) } } as FieldSpec<unknown>,
    });
  }

  /**
   * Declare a transient parameter: it shapes the object (fields and hooks can read it) but is not in it.
   *
   * @param name - the parameter
   * @param defaultValue - its default, or a builder `(context) => value`
   * @example
   * defineFactory('order').transient('lineCount', 2).attr('note', ['lineCount'], ({ lineCount }) => `${lineCount} lines`)
   */
  transient<K extends string, V>(name: K, defaultValue: (context: BuildContext) => V): Factory<B, O, With<Tr, K, Widen<V>>, Tt, C, H, N>;
  transient<K extends string, V>(name: K, defaultValue: V): Factory<B, O, With<Tr, K, V>, Tt, C, H, N>;
  transient(name: string, defaultValue: unknown): never {
    this.assertFreeName(name, 'transient');
    if (this.definition.attrs.some((attr) => attr.name === name)) {
      throw invalidDefinition(this.name, `"${name}" is already a field`, 'Give the field and the parameter different names');
    }
    return this.derive({
      transients: [
        ...this.definition.transients.filter((transient) => transient.name !== name),
        { name, key: hashString(`transient:${name}`), value: defaultValue },
      ],
    });
  }

  /**
   * Declare a field holding a parent built by another factory (by default the parent's key picked by
   * `pick`, e.g. its id). It follows the strategy of the build (build builds the parent, create creates
   * it first), is skipped when overridden (override with the key, or with a parent object), and inside
   * `withTenant` resolves to the scoped tenant when the parent factory is marked `.asTenant()`.
   *
   * @param name - the field
   * @param factory - the parent's factory
   * @param pick - what of the parent the field holds (default: the whole parent)
   * @example
   * defineFactory('user').belongsTo('tenantId', Tenant, (tenant) => tenant.id)
   */
  belongsTo<K extends string, F extends AnyFactory, V = CreatedOf<F>>(
    name: K,
    factory: F | (() => F),
    pick?: (parent: CreatedOf<F>) => V,
  ): Factory<With<B, K, V>, WithOptional<O, K, V | BuiltOf<F> | CreatedOf<F>>, Tr, Tt, C, H, N> {
    const target = factoryReference(this.name, `belongsTo("${name}")`, factory);
    return this.addAttr({
      kind: 'belongsTo',
      name,
      key: hashString(name),
      deps: [],
      get factory() {
        return target();
      },
      pick: (pick ?? ((parent: unknown) => parent)) as (parent: object) => unknown,
    });
  }

  /**
   * Declare children built by another factory after this object, each pointing back at it through
   * `inverse`. Built objects hold built children, created objects created ones (inserted after the
   * parent, in dependency order). Override with a count or with one overrides object per child.
   *
   * @param name - the field holding the children
   * @param factory - the children's factory
   * @param options - `inverse` (the child's field), `key` (default: the parent's id), `count` (default 0)
   * @example
   * defineFactory('order').hasMany('lines', OrderLine, { inverse: 'orderId', count: 2 })
   */
  hasMany<K extends string, F extends AnyFactory>(
    name: K,
    factory: F | (() => F),
    options: HasManyOptions<CreatedShape<B, C, H>, BuiltOf<F>>,
  ): Factory<
    With<B, K, Array<BuiltOf<F>>>,
    WithOptional<O, K, number | Array<OverridesOf<F>>>,
    Tr,
    Tt,
    C,
    With<H, K, Array<CreatedOf<F>>>,
    N
  > {
    this.assertFreeName(name, 'hasMany');
    const target = factoryReference(this.name, `hasMany("${name}")`, factory);
    const count = options?.count ?? 0;
    if (!Number.isInteger(count) || count < 0)
      throw invalidDefinition(this.name, `hasMany("${name}") count must be a whole number, got ${JSON.stringify(count)}`, 'Pass count: 2');
    return this.derive({
      attrs: this.definition.attrs.filter((attr) => attr.name !== name),
      hasMany: [
        ...this.definition.hasMany.filter((spec) => spec.name !== name),
        {
          name,
          key: hashString(name),
          get factory() {
            return target();
          },
          inverse: options.inverse,
          parentKey: (options.key as ((parent: object) => unknown) | undefined) ?? ((parent) => (parent as { id?: unknown }).id),
          count,
        },
      ],
    });
  }

  /**
   * Declare a trait: a named set of field values (constants or builders), optionally including other
   * traits, or a function of a parameter returning them (a parameterized trait).
   *
   * @param name - the trait
   * @param fields - the values it sets, or `(parameter, context) => values`
   * @param options - `include`: traits applied before this one
   * @example
   * defineFactory('user').attr('role', 'member').attr('level', 0)
   *   .trait('admin', { role: 'admin' })
   *   .trait('level', (level: number) => ({ level }))
   */
  trait<TN extends string>(
    name: TN,
    fields: TraitFields<O, Tr>,
    options?: { include?: ReadonlyArray<TraitRef<Tt>> },
  ): Factory<B, O, Tr, Simplify<Omit<Tt, TN> & { [P in TN]: void }>, C, H, N>;
  trait<TN extends string, P>(
    name: TN,
    fields: (parameter: P, context: BuildContext) => TraitFields<O, Tr>,
    options?: { include?: ReadonlyArray<TraitRef<Tt>> },
  ): Factory<B, O, Tr, Simplify<Omit<Tt, TN> & { [Q in TN]: P }>, C, H, N>;
  trait(name: string, fields: unknown, options: { include?: ReadonlyArray<string | readonly [string, unknown]> } = {}): never {
    if (typeof name !== 'string' || name === '')
      throw invalidDefinition(this.name, `trait() needs a name, got ${JSON.stringify(name)}`, 'Name every trait');
    const include = options.include ?? [];
    for (const ref of include) {
      const traitName = typeof ref === 'string' ? ref : ref[0];
      if (!this.definition.traits.has(traitName)) {
        throw invalidDefinition(
          this.name,
          `trait "${name}" includes unknown trait ${describeChoice(traitName, [...this.definition.traits.keys()])}`,
          `Declare it first; traits of "${this.name}": ${listChoices([...this.definition.traits.keys()])}`,
        );
      }
    }
    if (typeof fields === 'function') {
      const spec: TraitSpec = { name, fields: undefined, fn: fields as TraitSpec['fn'], include };
      return this.derive({ traits: new Map([...this.definition.traits, [name, spec]]) });
    }
    if (typeof fields !== 'object' || fields === null) {
      throw invalidDefinition(
        this.name,
        `trait "${name}" needs an object of field values or a function`,
        'Pass trait("admin", { role: "admin" })',
      );
    }
    const unknown = Object.keys(fields).filter((field) => !this.fieldNames().includes(field));
    if (unknown.length > 0) {
      throw invalidDefinition(
        this.name,
        `trait "${name}" sets unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((field) => describeChoice(field, this.fieldNames())).join(', ')}`,
        `Fields and transient parameters of "${this.name}": ${listChoices(this.fieldNames())}`,
      );
    }
    return this.derive({
      traits: new Map([...this.definition.traits, [name, { name, fields: fields as Record<string, unknown>, fn: undefined, include }]]),
    });
  }

  /**
   * A factory that applies these traits to every build (before the build's own traits).
   *
   * @param traits - trait names, or `[name, parameter]` for parameterized traits
   * @example
   * const Admin = User.with('admin'); Admin.build().role // 'admin'
   */
  with(...traits: Array<TraitRef<Tt>>): Factory<B, O, Tr, Tt, C, H, N> {
    for (const ref of traits) this.traitSpec(ref, 'define');
    return new Factory({
      ...this.definition,
      presets: [...this.definition.presets, ...(traits as Array<string | readonly [string, unknown]>)],
      cache: {},
    }) as never;
  }

  /**
   * Run `hook` on every built object (after its fields and `hasMany` children, before validation), also
   * when creating. It may change the object in place or return a replacement.
   *
   * @param hook - `(object, { transient, index, strategy }) => void | object`
   * @example
   * defineFactory('order').transient('paid', false).afterBuild((order, { transient }) => { if (transient.paid) order.status = 'paid' })
   */
  afterBuild(hook: (object: B, context: HookContext) => B | void): Factory<B, O, Tr, Tt, C, H, N> {
    return this.derive({ afterBuild: [...this.definition.afterBuild, hook] });
  }

  /**
   * Run `hook` on every created object, after it and its `hasMany` children were persisted.
   *
   * @param hook - `(created, context) => void | Promise<void>`
   * @example
   * User.afterCreate(async (user) => { await grantAccess(user.id) })
   */
  afterCreate(
    hook: (object: CreatedShape<B, C, H>, context: CreateHookContext<B>) => void | Promise<void>,
  ): Factory<B, O, Tr, Tt, C, H, N> {
    return this.derive({ afterCreate: [...this.definition.afterCreate, hook] });
  }

  /**
   * Persist created objects with `adapter` (in-memory, SQL, HTTP or your own). The created type is what
   * the adapter returns (database-assigned ids and defaults included).
   *
   * @param adapter - where `create` and `createList` put rows
   * @example
   * const Tenant = defineFactory('tenant').attr('name', 'Acme').persistWith(sqlAdapter<TenantRow>(pool, { table: 'tenants' }))
   */
  persistWith<Created>(adapter: PersistenceAdapter<RowShape<B, H>, Created>): Factory<B, O, Tr, Tt, Created, H, N> {
    if (typeof adapter?.insert !== 'function') {
      throw invalidDefinition(
        this.name,
        'persistWith() needs an adapter with an insert(row) method',
        'Pass memoryAdapter(), sqlAdapter(db, { table }) or your own { insert }',
      );
    }
    return this.derive({ adapter: adapter });
  }

  /**
   * Validate every built object against `schema`: a Standard Schema (zod 4, valibot, ...), a JSON Schema
   * (through ajv, an optional peer) or a function returning problems. An invalid object throws
   * `FACTORIES_INVALID_OBJECT` listing every problem; `verifyFactories()` checks all traits at once.
   * The schema itself is checked here: an invalid one (anything else, or a JSON Schema ajv refuses in
   * strict mode, such as a misspelled keyword) throws `FACTORIES_INVALID_SCHEMA` naming the factory.
   *
   * @param schema - the schema of the built object
   * @example
   * defineFactory('user').attr('email', 'a@b.test').schema(z.object({ email: z.email() }))
   */
  schema(schema: FactorySchema<B>): Factory<B, O, Tr, Tt, C, H, N> {
    return this.derive({ validate: compileSchema(schema, this.name) as (value: unknown) => string[] });
  }

  /**
   * Mark this factory as the tenant: inside `withTenant(tenant, ...)` every `belongsTo` of it resolves to
   * the scoped tenant, and one graph outside a scope shares one tenant between all its objects.
   *
   * @example
   * const Tenant = defineFactory('tenant').attr('id', ({ faker }) => faker.string.uuid()).asTenant()
   */
  asTenant(): Factory<B, O, Tr, Tt, C, H, N> {
    return this.derive({ isTenant: true });
  }

  /** The names of the declared fields and transient parameters. */
  fieldNames(): string[] {
    return [
      ...this.definition.attrs.map((attr) => attr.name),
      ...this.definition.hasMany.map((spec) => spec.name),
      ...this.definition.transients.map((transient) => transient.name),
    ];
  }

  /** The names of the declared traits. */
  traitNames(): Array<keyof Tt & string> {
    return [...this.definition.traits.keys()] as Array<keyof Tt & string>;
  }

  /**
   * Build one object (nothing is persisted; `belongsTo` parents are built too).
   *
   * @param overrides - field values that replace the factory's (their builders never run)
   * @param options - traits and transient parameters
   * @example
   * User.build({ name: 'Ann' }, { traits: ['admin'] })
   */
  build(overrides?: O, options?: BuildOptions<Tr, Tt>): B {
    return buildTopLevel(this, overrides, options) as B;
  }

  /**
   * Build `count` objects; each has its own build index (so its own seeds).
   *
   * @param count - how many
   * @param overrides - the same overrides for each, or `(index) => overrides`
   * @param options - traits and transient parameters
   * @example
   * User.buildList(3, (index) => ({ name: `user ${index}` }))
   */
  buildList(count: number, overrides?: O | ((index: number) => O), options?: BuildOptions<Tr, Tt>): B[] {
    assertCount(this.name, 'buildList', count);
    return Array.from(
      { length: count },
      (_, index) =>
        buildTopLevel(this, typeof overrides === 'function' ? overrides(index) : overrides, options as InternalOptions, index) as B,
    );
  }

  /**
   * Create one object: its `belongsTo` parents are created first, then it is persisted through the
   * factory's adapter, then its `hasMany` children; `afterCreate` hooks run last.
   *
   * @param overrides - field values that replace the factory's
   * @param options - traits and transient parameters
   * @example
   * const order = await Order.create({ currency: 'EUR' })
   */
  async create(overrides?: O, options?: BuildOptions<Tr, Tt>): Promise<CreatedShape<B, C, H>> {
    const [created] = await createTopLevel(this, 1, () => overrides, { ...(options as InternalOptions), batch: false });
    return created as CreatedShape<B, C, H>;
  }

  /**
   * Create `count` objects, one after the other (never concurrently), in ONE insert when the adapter
   * has `insertMany` (SQL adapters do) unless `batch: false`.
   *
   * @param count - how many
   * @param overrides - the same overrides for each, or `(index) => overrides`
   * @param options - traits, transient parameters, `batch`
   * @example
   * const users = await User.createList(5, { tenantId: acme.id })
   */
  async createList(
    count: number,
    overrides?: O | ((index: number) => O),
    options?: CreateListOptions<Tr, Tt>,
  ): Promise<Array<CreatedShape<B, C, H>>> {
    assertCount(this.name, 'createList', count);
    return (await createTopLevel(
      this,
      count,
      (index) => (typeof overrides === 'function' ? overrides(index) : overrides),
      options ?? {},
    )) as Array<CreatedShape<B, C, H>>;
  }

  /**
   * A fast-check arbitrary of built objects: fields declared with an arbitrary shrink with it, every
   * faker field draws from its own seed taken from fast-check's randomness (shrinking towards seed 0),
   * and the plain traits are one more dimension (shrinking towards no trait). Works with
   * `@fast-check/jest`'s `test.prop`, whose seed then replays the data.
   *
   * @param overrides - fixed field values
   * @param options - fixed traits instead of the trait dimension
   * @example
   * test.prop([Order.arbitrary()])('should total its lines', (order) => { expect(total(order)).toBeGreaterThanOrEqual(0) })
   */
  arbitrary(overrides?: O, options: ArbitraryOptions<Tt> = {}): fc.Arbitrary<B> {
    const definition = this.definition;
    const fixed = (overrides ?? {}) as Record<string, unknown>;
    const plainTraits = [...definition.traits.values()].filter((trait) => trait.fn === undefined).map((trait) => trait.name);
    const traits: fc.Arbitrary<ReadonlyArray<string | readonly [string, unknown]>> =
      options.traits !== undefined ? fc.constant(options.traits) : fc.subarray(plainTraits);
    const values: Record<string, fc.Arbitrary<unknown>> = {};
    const seeds: Record<string, fc.Arbitrary<number>> = {};
    const seedArbitrary = fc.nat({ max: 0xffff_ffff });
    for (const attr of definition.attrs) {
      if (hasOwn(fixed, attr.name)) continue;
      if (attr.kind === 'arbitrary') values[attr.name] = attr.arbitrary;
      else if (attr.kind !== 'value') seeds[attr.name] = seedArbitrary;
    }
    for (const transient of definition.transients) seeds[transient.name] = seedArbitrary;
    // Sequences and unique() count per sample from a start fast-check draws (and keeps while shrinking),
    // so a seed replays the same values however many samples ran before.
    const sequenceStart = fc.noShrink(fc.nat());
    return fc
      .record({ traits, values: fc.record(values), seeds: fc.record(seeds), seed: seedArbitrary, sequenceStart })
      .map(({ traits: chosen, values: drawn, seeds: fieldSeeds, seed, sequenceStart: start }) =>
        buildWithSeeds(this, cloneData(fixed), { traits: chosen, drawn }, seed, fieldSeeds, start),
      ) as fc.Arbitrary<B>;
  }

  /** @internal */
  traitSpec(ref: string | readonly [string, unknown], action: string): { spec: TraitSpec; parameter: unknown } {
    const name = typeof ref === 'string' ? ref : Array.isArray(ref) ? ref[0] : String(ref);
    const spec = this.definition.traits.get(name);
    const names = [...this.definition.traits.keys()];
    if (spec === undefined) {
      throw new FactoriesError(
        'FACTORIES_UNKNOWN_TRAIT',
        `[factories] Failed to ${action} "${this.name}": unknown trait ${describeChoice(name, names)}. Traits of "${this.name}": ${listChoices(names)}.`,
      );
    }
    if (spec.fn !== undefined && typeof ref === 'string') {
      throw new FactoriesError(
        'FACTORIES_UNKNOWN_TRAIT',
        `[factories] Failed to ${action} "${this.name}": trait "${name}" takes a parameter. Ask for it as ["${name}", value].`,
      );
    }
    return { spec, parameter: typeof ref === 'string' ? undefined : ref[1] };
  }
}

/** A factory, or a function returning one (for factories that refer to each other), checked when first used. */
function factoryReference(owner: string, where: string, reference: unknown): () => AnyFactory {
  if (isFactory(reference)) {
    relationTargets.add(reference.name);
    return () => reference;
  }
  if (typeof reference !== 'function')
    throw invalidDefinition(
      owner,
      `${where} needs a factory, got ${typeof reference}`,
      'Pass the factory itself, or () => Factory when it is defined later',
    );
  let resolved: AnyFactory | undefined;
  return () => {
    if (resolved !== undefined) return resolved;
    const value = (reference as () => unknown)();
    if (!isFactory(value))
      throw invalidDefinition(
        owner,
        `${where} was given a function that returned ${typeof value}, not a factory`,
        'Return the factory: () => User',
      );
    resolved = value;
    relationTargets.add(value.name);
    return value;
  };
}

function assertCount(factory: string, method: string, count: number): void {
  if (!Number.isInteger(count) || count < 0) {
    throw new FactoriesError(
      'FACTORIES_INVALID_DEFINITION',
      `[factories] Failed to ${method} "${factory}": count must be a whole number, got ${JSON.stringify(count)}. Pass ${method}(3).`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Registry

function registerFactory(factory: AnyFactory): void {
  factoryRegistry<AnyFactory>().set(factory.name, factory);
}

/**
 * Start a factory. Chain `attr`, `sequence`, `transient`, `belongsTo`, `hasMany`, `trait`, hooks,
 * `persistWith` and `schema`; the types of the built object, overrides, traits and transient
 * parameters follow the chain.
 *
 * @param name - the factory's name (part of every seed, and of messages)
 * @example
 * export const Tenant = defineFactory('tenant')
 *   .attr('id', ({ faker }) => faker.string.uuid())
 *   .attr('name', ({ faker }) => faker.company.name())
 *   .asTenant()
 */
export function defineFactory<const N extends string>(name: N): Factory<Empty, Empty, Empty, Empty, undefined, Empty, N> {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new FactoriesError(
      'FACTORIES_INVALID_DEFINITION',
      `[factories] Failed to define a factory: the name must be a non-empty string, got ${JSON.stringify(name)}. Pass defineFactory('user').`,
    );
  }
  const factory = new Factory<Empty, Empty, Empty, Empty, undefined, Empty, N>({
    name,
    key: hashString(name),
    attrs: [],
    hasMany: [],
    transients: [],
    traits: new Map(),
    afterBuild: [],
    afterCreate: [],
    adapter: undefined,
    validate: undefined,
    isTenant: false,
    presets: [],
    cache: {},
  });
  registerFactory(factory);
  return factory;
}

// ---------------------------------------------------------------------------------------------
// Compilation onto rosie

function dependencyCycle(definition: Definition): string[] | undefined {
  const deps = new Map(definition.attrs.map((attr) => [attr.name, attr.deps.filter((dep) => dep !== attr.name)]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done' || !deps.has(name)) return undefined;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of deps.get(name)!) {
      const cycle = visit(dep);
      if (cycle !== undefined) return cycle;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of deps.keys()) {
    const cycle = visit(name);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
}

function compile(definition: Definition): RosieFactoryLike {
  const cached = definition.cache.rosie;
  if (cached !== undefined) return cached;

  const known = [...definition.attrs.map((attr) => attr.name), ...definition.transients.map((transient) => transient.name)];
  const problems: string[] = [];
  for (const attr of definition.attrs) {
    for (const dep of attr.deps) {
      if (!known.includes(dep))
        problems.push(
          `field "${attr.name}" depends on unknown ${describeChoice(
            dep,
            known.filter((name) => name !== attr.name),
          )}`,
        );
    }
  }
  if (problems.length > 0)
    throw invalidDefinition(definition.name, problems.join('; '), `Fields and transient parameters: ${listChoices(known)}`);
  const cycle = dependencyCycle(definition);
  if (cycle !== undefined) {
    throw new FactoriesError(
      'FACTORIES_DEPENDENCY_CYCLE',
      `[factories] Failed to build "${definition.name}": its fields depend on each other in a cycle: ${cycle.join(' → ')}. Remove one of these dependencies.`,
    );
  }

  const factory = new RosieFactory();
  for (const transient of definition.transients) {
    const value = transient.value;
    factory.option(transient.name, [], () => {
      if (typeof value !== 'function') return cloneData(value);
      const frame = currentFrame!;
      return (value as (context: BuildContext) => unknown)(contextFor(frame, fieldSeed(frame, transient.name, transient.key)));
    });
  }
  for (const attr of definition.attrs) factory.attr(attr.name, attrDeps(attr), attrBuilder(definition, attr));

  definition.cache.rosie = factory;
  return factory;
}

function attrDeps(attr: AttrSpec): string[] {
  // A nested factory depends on itself: rosie then hands the override to the builder (nested overrides).
  return attr.kind === 'factory' ? [attr.name] : attr.deps;
}

function attrBuilder(definition: Definition, attr: AttrSpec): (...args: unknown[]) => unknown {
  switch (attr.kind) {
    case 'value':
      return copier(attr.value);
    case 'fn': {
      const { fn, deps, withDeps } = attr;
      const call = fn as (...args: unknown[]) => unknown;
      return (...args) => {
        const frame = currentFrame!;
        const context = contextFor(frame, fieldSeed(frame, attr.name, attr.key));
        if (!withDeps) return call(context);
        const values: Record<string, unknown> = {};
        deps.forEach((dep, index) => (values[dep] = args[index]));
        return call(values, context);
      };
    }
    case 'spec': {
      const recipe = attr.spec.recipe;
      const sequenceKey = `${definition.name}.${attr.name}`;
      if (recipe.kind === 'sequence' && recipe.format.length < 2) {
        // A format that ignores the context needs no seed.
        const format = recipe.format as (n: number) => unknown;
        return () => sequenceValue(currentFrame!.state, sequenceKey, definition.name, attr.name, format);
      }
      return () => {
        const frame = currentFrame!;
        const seed = fieldSeed(frame, attr.name, attr.key);
        if (recipe.kind === 'sequence')
          return sequenceValue(frame.state, sequenceKey, definition.name, attr.name, (n) => recipe.format(n, contextFor(frame, seed)));
        if (recipe.kind === 'cycle') return cycleValue(frame.state, sequenceKey, definition.name, attr.name, recipe.values);
        return uniqueValue(frame.state, sequenceKey, definition.name, attr.name, recipe.attempts, (attempt) =>
          recipe.generate(contextFor(frame, attempt === 0 ? seed : deriveSeed(seed, attempt))),
        );
      };
    }
    case 'factory': {
      const nested = attr.factory;
      return (override) => {
        const frame = currentFrame!;
        if (typeof override === 'object' && override !== null && origins().has(override)) return override;
        return buildNested(
          nested,
          override as Record<string, unknown> | undefined,
          childFrame(frame, nested, fieldSeed(frame, attr.name, attr.key), 0),
        );
      };
    }
    case 'arbitrary': {
      const arbitrary = attr.arbitrary;
      return () => {
        const frame = currentFrame!;
        return fc.sample(arbitrary, { seed: fieldSeed(frame, attr.name, attr.key) | 0, numRuns: 1 })[0];
      };
    }
    case 'belongsTo':
      // Resolved before rosie runs (parents may need an async create); see resolveParents.
      return () => undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Building

function childFrame(frame: Frame, factory: AnyFactory, seed: number, index: number): Frame {
  const definition = factory.definition;
  let depth = 0;
  for (let current: Frame | undefined = frame; current !== undefined; current = current.parent) {
    if (current.definition === definition || ++depth > 64) {
      const chain = [...chainOf(frame), definition.name];
      throw new FactoriesError(
        'FACTORIES_ASSOCIATION_CYCLE',
        `[factories] Failed to ${frame.strategy} "${chain[0]!}": its associations form a cycle: ${chain.join(' → ')}. Override one of these fields (or pass the parent) to break it.`,
      );
    }
  }
  return newFrame(definition, frame, frame.graph, frame.strategy, seed, undefined, index);
}

interface Prepared {
  attributes: Record<string, unknown>;
  transient: Record<string, unknown>;
  children: Map<string, Array<Record<string, unknown> | undefined>> | undefined;
  parents: Map<string, object> | undefined;
}

function resolveTraits(
  factory: AnyFactory,
  refs: ReadonlyArray<string | readonly [string, unknown]>,
  frame: Frame,
  out: Record<string, unknown>,
  seen: Set<string>,
): void {
  for (const ref of refs) {
    const { spec, parameter } = factory.traitSpec(ref, frame.strategy);
    if (seen.has(spec.name)) continue;
    seen.add(spec.name);
    resolveTraits(factory, spec.include, frame, out, seen);
    const traitSeed = deriveSeed(frame.seed, hashString(`trait:${spec.name}`));
    const fields =
      spec.fn !== undefined
        ? (spec.fn as (parameter: unknown, context: BuildContext) => Record<string, unknown>)(parameter, contextFor(frame, traitSeed))
        : spec.fields!;
    for (const [field, value] of Object.entries(fields)) {
      if (typeof value === 'function' && !isFactory(value)) {
        out[field] = (value as (context: BuildContext) => unknown)(contextFor(frame, fieldSeed(frame, field, hashString(field))));
      } else {
        out[field] = cloneData(value);
      }
    }
  }
}

/** What a build needs to know about a definition, computed once per definition. */
interface Plan {
  /** Fields that overrides may set (attributes and hasMany). */
  readonly overridable: ReadonlySet<string>;
  readonly transientNames: ReadonlySet<string>;
  readonly belongsTo: ReadonlyMap<string, Extract<AttrSpec, { kind: 'belongsTo' }>>;
  readonly nested: ReadonlySet<string>;
  readonly hasMany: ReadonlyMap<string, HasManySpec>;
  /** Sequence and unique fields: explicit values are recorded so the generators never repeat them. */
  readonly tracked: readonly string[];
  readonly tenantFields: Origin['tenantFields'];
  /** Whether the factory has relations (its objects are remembered for graphs and tenant checks). */
  readonly relational: boolean;
}

const NO_PARENTS: Map<string, object> = new Map();
const NO_ATTRIBUTES: Record<string, unknown> = Object.freeze({});
const NO_TRANSIENTS: Record<string, unknown> = Object.freeze({});
const NO_CHILDREN: Map<string, readonly object[]> = new Map();

function planFor(definition: Definition): Plan {
  let plan = definition.cache.plan;
  if (plan !== undefined) return plan;
  const belongsTo = new Map<string, Extract<AttrSpec, { kind: 'belongsTo' }>>();
  for (const attr of definition.attrs) if (attr.kind === 'belongsTo') belongsTo.set(attr.name, attr);
  const hasMany = new Map(definition.hasMany.map((spec) => [spec.name, spec]));
  const nested = new Set(definition.attrs.filter((attr) => attr.kind === 'factory').map((attr) => attr.name));
  const tenantFields = [...belongsTo.values()]
    .filter((attr) => attr.factory.definition.isTenant)
    .map((attr) => ({ field: attr.name, pick: attr.pick }));
  plan = {
    overridable: new Set([...definition.attrs.map((attr) => attr.name), ...hasMany.keys()]),
    transientNames: new Set(definition.transients.map((transient) => transient.name)),
    belongsTo,
    nested,
    hasMany,
    tracked: definition.attrs.filter((attr) => attr.kind === 'spec' && attr.spec.recipe.kind !== 'cycle').map((attr) => attr.name),
    tenantFields,
    relational: belongsTo.size > 0 || hasMany.size > 0 || nested.size > 0 || definition.isTenant,
  };
  definition.cache.plan = plan;
  return plan;
}

/** Names of factories other factories point at (their objects may come back as overrides). */
const relationTargets = new Set<string>();

function prepare(factory: AnyFactory, overrides: unknown, options: InternalOptions | undefined, frame: Frame): Prepared {
  const definition = factory.definition;
  const plan = planFor(definition);
  if (overrides !== undefined && (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides))) {
    throw new FactoriesError(
      'FACTORIES_UNKNOWN_FIELD',
      `[factories] Failed to ${frame.strategy} "${definition.name}": overrides must be an object of field values, got ${Array.isArray(overrides) ? 'an array' : typeof overrides}. Pass ${frame.strategy}({ field: value }), or nothing.`,
    );
  }
  const refs = options?.traits === undefined ? definition.presets : [...definition.presets, ...options.traits];
  if (overrides === undefined && refs.length === 0 && options?.transient === undefined && options?.drawn === undefined) {
    // Nothing to merge: rosie copies what it is given, so a plain factory can share one empty object.
    const bare = plan.belongsTo.size === 0 && definition.transients.length === 0;
    return { attributes: bare ? NO_ATTRIBUTES : {}, transient: bare ? NO_TRANSIENTS : {}, children: undefined, parents: undefined };
  }
  const attributes: Record<string, unknown> = {};
  const transient: Record<string, unknown> = {};
  const prepared: Prepared = { attributes, transient, children: undefined, parents: undefined };

  const given = (overrides ?? {}) as Record<string, unknown>;
  const unknown = Object.keys(given).filter((field) => !plan.overridable.has(field));
  if (unknown.length > 0) {
    const fields = [...plan.overridable];
    const hint = unknown.some((field) => plan.transientNames.has(field)) ? ' Transient parameters go in options.transient.' : '';
    throw new FactoriesError(
      'FACTORIES_UNKNOWN_FIELD',
      `[factories] Failed to ${frame.strategy} "${definition.name}": unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((field) => describeChoice(field, fields)).join(', ')}. Fields of "${definition.name}": ${listChoices(fields)}.${hint}`,
    );
  }
  const transientGiven = options?.transient ?? {};
  const unknownTransient = Object.keys(transientGiven).filter((name) => !plan.transientNames.has(name));
  if (unknownTransient.length > 0) {
    const names = [...plan.transientNames];
    throw new FactoriesError(
      'FACTORIES_UNKNOWN_FIELD',
      `[factories] Failed to ${frame.strategy} "${definition.name}": unknown transient parameter${unknownTransient.length > 1 ? 's' : ''} ${unknownTransient.map((name) => describeChoice(name, names)).join(', ')}. Transient parameters of "${definition.name}": ${listChoices(names)}.`,
    );
  }

  const fromTraits: Record<string, unknown> = {};
  if (refs.length > 0) resolveTraits(factory, refs, frame, fromTraits, new Set());

  const assign = (field: string, value: unknown, explicit: boolean): void => {
    if (plan.transientNames.has(field)) {
      transient[field] = value;
      return;
    }
    const many = plan.hasMany.get(field);
    if (many !== undefined) {
      (prepared.children ??= new Map()).set(field, childOverrides(definition.name, many, value, frame.strategy));
      return;
    }
    const parentSpec = plan.belongsTo.get(field);
    if (
      parentSpec !== undefined &&
      typeof value === 'object' &&
      value !== null &&
      origins().get(value)?.factory === parentSpec.factory.name
    ) {
      (prepared.parents ??= new Map()).set(field, value);
      attributes[field] = parentSpec.pick(value);
      return;
    }
    attributes[field] = explicit && !plan.nested.has(field) ? cloneData(value) : value;
  };
  for (const field in options?.drawn) assign(field, options.drawn[field], false);
  for (const field in fromTraits) assign(field, fromTraits[field], false);
  // An override that is undefined counts as not given: the field keeps its default (and its dependents stay sound).
  for (const field in given) if (given[field] !== undefined || field === options?.inverse) assign(field, given[field], true);
  for (const field in transientGiven) transient[field] = transientGiven[field];
  for (const field of plan.tracked) if (hasOwn(attributes, field)) markUsed(frame.state, definition.name, field, attributes[field]);
  return prepared;
}

function childOverrides(factory: string, spec: HasManySpec, value: unknown, strategy: string): Array<Record<string, unknown> | undefined> {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return Array.from({ length: value }, () => undefined);
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? undefined : (item as Record<string, unknown>)));
  throw new FactoriesError(
    'FACTORIES_UNKNOWN_FIELD',
    `[factories] Failed to ${strategy} "${factory}": "${spec.name}" takes a count or an array of overrides (one per child), got ${JSON.stringify(value)}. Pass { ${spec.name}: 3 } or { ${spec.name}: [{ ... }, { ... }] }.`,
  );
}

function tenantFor(graph: Graph, parentFactory: AnyFactory): object | undefined {
  if (!parentFactory.definition.isTenant) return undefined;
  return graph.tenants?.get(parentFactory.name) ?? graph.scope?.tenant;
}

function hasGraphTenant(graph: Graph, factory: string): boolean {
  return graph.tenants?.has(factory) === true || graph.tenantKeys?.has(factory) === true;
}

/**
 * The tenant key a belongsTo of a tenant factory takes when the graph's tenant was given as a key
 * override (`{ tenantId: 'other' }`), so the whole graph shares it; `NO_KEY` otherwise.
 */
function givenTenantKey(graph: Graph, attr: Extract<AttrSpec, { kind: 'belongsTo' }>): unknown {
  if (graph.tenantKeys === undefined || !attr.factory.definition.isTenant || graph.tenants?.has(attr.factory.name) === true) return NO_KEY;
  return graph.tenantKeys.has(attr.factory.name) ? graph.tenantKeys.get(attr.factory.name) : NO_KEY;
}

const NO_KEY: unique symbol = Symbol('no tenant key');

/** Seed the graph's tenant from explicitly given parents (or tenant keys), so their siblings join the same tenant. */
function adoptGivenTenants(prepared: Prepared, frame: Frame, definition: Definition): void {
  for (const attr of planFor(definition).belongsTo.values()) {
    // A key override of the tenant association (not a tenant object) is the graph's tenant key, as a tenant object would be.
    if (!attr.factory.definition.isTenant || !hasOwn(prepared.attributes, attr.name) || prepared.parents?.has(attr.name) === true) continue;
    if (!hasGraphTenant(frame.graph, attr.factory.name))
      (frame.graph.tenantKeys ??= new Map()).set(attr.factory.name, prepared.attributes[attr.name]);
  }
  for (const [field, parent] of prepared.parents ?? NO_PARENTS) {
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

function resolveParentsSync(definition: Definition, prepared: Prepared, frame: Frame): void {
  if (planFor(definition).belongsTo.size === 0) return;
  adoptGivenTenants(prepared, frame, definition);
  for (const attr of definition.attrs) {
    if (attr.kind !== 'belongsTo' || hasOwn(prepared.attributes, attr.name)) continue;
    const key = givenTenantKey(frame.graph, attr);
    if (key !== NO_KEY) {
      prepared.attributes[attr.name] = key;
      continue;
    }
    let parent = tenantFor(frame.graph, attr.factory);
    if (parent === undefined) {
      parent = buildNested(attr.factory, undefined, childFrame(frame, attr.factory, fieldSeed(frame, attr.name, attr.key), 0));
      if (attr.factory.definition.isTenant) (frame.graph.tenants ??= new Map()).set(attr.factory.name, parent);
    }
    (prepared.parents ??= new Map()).set(attr.name, parent);
    prepared.attributes[attr.name] = attr.pick(parent);
  }
}

async function resolveParentsAsync(definition: Definition, prepared: Prepared, frame: Frame): Promise<void> {
  adoptGivenTenants(prepared, frame, definition);
  for (const attr of definition.attrs) {
    if (attr.kind !== 'belongsTo' || hasOwn(prepared.attributes, attr.name)) continue;
    const key = givenTenantKey(frame.graph, attr);
    if (key !== NO_KEY) {
      prepared.attributes[attr.name] = key;
      continue;
    }
    let parent = tenantFor(frame.graph, attr.factory);
    if (parent === undefined) {
      parent = await createNested(attr.factory, undefined, childFrame(frame, attr.factory, fieldSeed(frame, attr.name, attr.key), 0));
      if (attr.factory.definition.isTenant) (frame.graph.tenants ??= new Map()).set(attr.factory.name, parent);
    }
    (prepared.parents ??= new Map()).set(attr.name, parent);
    prepared.attributes[attr.name] = attr.pick(parent);
  }
}

function runRosie(definition: Definition, prepared: Prepared, frame: Frame): Record<string, unknown> {
  const rosieFactory = compile(definition);
  const previous = currentFrame;
  currentFrame = frame;
  try {
    return rosieFactory.build(prepared.attributes, prepared.transient);
  } finally {
    currentFrame = previous;
  }
}

function transientValues(definition: Definition, prepared: Prepared, frame: Frame): Record<string, unknown> {
  if (definition.transients.length === 0) return NO_TRANSIENTS;
  const values: Record<string, unknown> = {};
  const previous = currentFrame;
  currentFrame = frame;
  try {
    for (const transient of definition.transients) {
      if (hasOwn(prepared.transient, transient.name)) values[transient.name] = prepared.transient[transient.name];
      else {
        values[transient.name] =
          typeof transient.value === 'function'
            ? (transient.value as (context: BuildContext) => unknown)(contextFor(frame, fieldSeed(frame, transient.name, transient.key)))
            : cloneData(transient.value);
        prepared.transient[transient.name] = values[transient.name];
      }
    }
  } finally {
    currentFrame = previous;
  }
  return values;
}

function finishBuild(
  definition: Definition,
  built: Record<string, unknown>,
  transient: Record<string, unknown>,
  frame: Frame,
): Record<string, unknown> {
  let object = built;
  const context: HookContext | undefined =
    definition.afterBuild.length > 0 ? { transient, index: frame.index, strategy: frame.strategy } : undefined;
  for (const hook of definition.afterBuild) {
    const replaced = (hook as (object: unknown, context: HookContext) => unknown)(object, context!);
    if (typeof replaced === 'object' && replaced !== null) object = replaced as Record<string, unknown>;
  }
  if (definition.validate !== undefined) {
    const problems = definition.validate(object);
    if (problems.length > 0) {
      throw new FactoriesError(
        'FACTORIES_INVALID_OBJECT',
        `[factories] Failed to ${frame.strategy} "${definition.name}": the built object does not match its schema: ${problems.join('; ')}. Fix the factory's defaults or the trait/overrides that produced it; replay its data with: ${replayLine()}`,
      );
    }
  }
  return object;
}

function remember(
  definition: Definition,
  object: object,
  parents: Map<string, object> | undefined,
  children: Map<string, readonly object[]> | undefined,
): void {
  const plan = planFor(definition);
  if (!plan.relational && !relationTargets.has(definition.name)) return;
  const origin: Origin = {
    factory: definition.name,
    isTenant: definition.isTenant,
    parents: parents ?? NO_PARENTS,
    children: children ?? NO_CHILDREN,
    tenantFields: plan.tenantFields,
  };
  origins().set(object, origin);
}

function buildNested(
  factory: AnyFactory,
  overrides: Record<string, unknown> | undefined,
  frame: Frame,
  options?: InternalOptions,
): Record<string, unknown> {
  return buildWithOptions(factory, overrides, options, frame);
}

async function persist(
  definition: Definition,
  rows: Array<Record<string, unknown>>,
  batch: boolean,
): Promise<Array<Record<string, unknown>>> {
  const adapter = scopedAdapter(definition.name, definition.adapter);
  if (adapter === undefined) {
    throw new FactoriesError(
      'FACTORIES_NO_ADAPTER',
      `[factories] Failed to create "${definition.name}": the factory has no persistence adapter. Add .persistWith(memoryAdapter()) or .persistWith(sqlAdapter(db, { table: '...' })), or use build().`,
    );
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
    if (error instanceof FactoriesError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new FactoriesError(
      'FACTORIES_PERSIST_FAILED',
      `[factories] Failed to create "${definition.name}": its adapter rejected the row: ${reason}. Check the row against the store (see the cause).`,
      {
        cause: error,
      },
    );
  }
  if (created.length !== rows.length) {
    throw new FactoriesError(
      'FACTORIES_PERSIST_FAILED',
      `[factories] Failed to create "${definition.name}": the adapter returned ${created.length} rows for ${rows.length}. An adapter returns one created object per row, in order.`,
    );
  }
  return created.map((item, index) => (typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : { ...rows[index] }));
}

interface PendingCreate {
  frame: Frame;
  prepared: Prepared;
  transient: Record<string, unknown>;
  row: Record<string, unknown>;
}

async function buildForCreate(
  factory: AnyFactory,
  overrides: Record<string, unknown> | undefined,
  options: InternalOptions | undefined,
  frame: Frame,
): Promise<PendingCreate> {
  const definition = factory.definition;
  const prepared = prepare(factory, overrides, options, frame);
  await resolveParentsAsync(definition, prepared, frame);
  const transient = transientValues(definition, prepared, frame);
  const built = runRosie(definition, prepared, frame);
  const row = finishBuild(definition, built, transient, frame);
  for (const spec of definition.hasMany) delete row[spec.name];
  return { frame, prepared, transient, row };
}

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
    const pendingChildren: PendingCreate[] = [];
    for (const [index, item] of list.entries()) {
      pendingChildren.push(
        await buildForCreate(
          spec.factory,
          { ...item, [spec.inverse]: key },
          { inverse: spec.inverse },
          childFrame(frame, spec.factory, deriveSeed(fieldSeed(frame, spec.name, spec.key), index), index),
        ),
      );
    }
    const rows = await persist(
      spec.factory.definition,
      pendingChildren.map((child) => child.row),
      true,
    );
    const items: object[] = [];
    for (const [index, child] of pendingChildren.entries()) items.push(await completeCreate(spec.factory, child, rows[index]!));
    created[spec.name] = items;
    children.set(spec.name, items);
  }
  const context: CreateHookContext<unknown> = { transient: pending.transient, index: frame.index, strategy: 'create', built: pending.row };
  for (const hook of definition.afterCreate)
    await (hook as unknown as (object: unknown, context: CreateHookContext<unknown>) => unknown)(created, context);
  remember(definition, created, prepared.parents, children);
  return created;
}

async function createNested(
  factory: AnyFactory,
  overrides: Record<string, unknown> | undefined,
  frame: Frame,
): Promise<Record<string, unknown>> {
  const pending = await buildForCreate(factory, overrides, undefined, frame);
  const [created] = await persist(factory.definition, [pending.row], false);
  return completeCreate(factory, pending, created!);
}

function rootFrame(
  factory: AnyFactory,
  strategy: 'build' | 'create',
  seed: number,
  fieldSeeds: Record<string, number> | undefined,
  index: number,
  state?: ScopeState,
): Frame {
  const graph: Graph = { tenants: undefined, tenantKeys: undefined, scope: currentTenantScope() };
  return newFrame(factory.definition, undefined, graph, strategy, seed, fieldSeeds, index, state);
}

function checkTenant(object: unknown, frame: Frame): void {
  const scope = frame.graph.scope;
  if (scope === undefined) return;
  if (scope === undefined || scope.crossTenant || scope.tenant === undefined) return;
  const origin = origins().get(object as object);
  const tenantField = origin?.tenantFields[0];
  if (tenantField === undefined) {
    assertSingleTenant(object);
    return;
  }
  assertSingleTenant(object, tenantField.pick(scope.tenant));
}

function buildSeed(factory: AnyFactory, options: InternalOptions | undefined, index: number): number {
  if (options?.seed === undefined) return nextBuildSeed(factory.name, factory.definition.key);
  if (!Number.isInteger(options.seed)) {
    throw new FactoriesError(
      'FACTORIES_INVALID_SEED',
      `[factories] Failed to build "${factory.name}": seed must be a whole number, got ${JSON.stringify(options.seed)}. Pass { seed: 42 }.`,
    );
  }
  return deriveSeed(options.seed >>> 0, index);
}

function buildTopLevel(factory: AnyFactory, overrides: unknown, options: InternalOptions | undefined, index = 0): unknown {
  const frame = rootFrame(factory, 'build', buildSeed(factory, options, index), undefined, index);
  const object = buildWithOptions(factory, overrides as Record<string, unknown> | undefined, options, frame);
  checkTenant(object, frame);
  return object;
}

function buildWithSeeds(
  factory: AnyFactory,
  overrides: Record<string, unknown>,
  options: InternalOptions,
  seed: number,
  fieldSeeds: Record<string, number>,
  sequenceStart: number,
): unknown {
  const state: ScopeState = { ...scopeState(), sequences: new Map(), sequenceStart: 1 + (sequenceStart % sequenceStartSpan()) };
  return buildWithOptions(factory, overrides, options, rootFrame(factory, 'build', seed, fieldSeeds, 0, state));
}

function buildWithOptions(
  factory: AnyFactory,
  overrides: Record<string, unknown> | undefined,
  options: InternalOptions | undefined,
  frame: Frame,
): Record<string, unknown> {
  const definition = factory.definition;
  const prepared = prepare(factory, overrides, options, frame);
  resolveParentsSync(definition, prepared, frame);
  const transient = transientValues(definition, prepared, frame);
  const built = runRosie(definition, prepared, frame);
  let children: Map<string, readonly object[]> | undefined;
  for (const spec of definition.hasMany) {
    const list = prepared.children?.get(spec.name) ?? Array.from({ length: spec.count }, () => undefined);
    const items = list.map((item, index) =>
      buildNested(
        spec.factory,
        { ...item, [spec.inverse]: spec.parentKey(built) },
        childFrame(frame, spec.factory, deriveSeed(fieldSeed(frame, spec.name, spec.key), index), index),
        { inverse: spec.inverse },
      ),
    );
    built[spec.name] = items;
    (children ??= new Map()).set(spec.name, items);
  }
  const object = finishBuild(definition, built, transient, frame);
  remember(definition, object, prepared.parents, children);
  return object;
}

async function createTopLevel(
  factory: AnyFactory,
  count: number,
  overridesAt: (index: number) => unknown,
  options: InternalOptions,
): Promise<unknown[]> {
  const pending: PendingCreate[] = [];
  for (let index = 0; index < count; index++) {
    const frame = rootFrame(factory, 'create', buildSeed(factory, options, index), undefined, index);
    pending.push(await buildForCreate(factory, overridesAt(index) as Record<string, unknown> | undefined, options, frame));
  }
  const rows = await persist(
    factory.definition,
    pending.map((item) => item.row),
    options.batch !== false,
  );
  const created: unknown[] = [];
  for (const [index, item] of pending.entries()) {
    const object = await completeCreate(factory, item, rows[index]!);
    checkTenant(object, item.frame);
    created.push(object);
  }
  return created;
}
