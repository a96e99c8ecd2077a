import type * as fc from 'fast-check';
import type { BuildContext, FieldSpec } from '../fields.js';
import type { Factory } from './factory.js';

type IsUnion<T, U = T> = T extends unknown ? ([U] extends [T] ? false : true) : never;

/**
 * The field type of a builder's return: number and boolean literals widen (`() => 100` is a number,
 * overridable with any number), a single string literal widens, a union of string literals stays
 * (`vip ? 'gold' : 'none'`).
 */
export type Widen<V> = [V] extends [never]
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
export type Empty = Record<never, never>;
export type Simplify<T> = { [K in keyof T]: T[K] } & {};
export type With<A, K extends string, V> = Simplify<Omit<A, K> & { [P in K]: V }>;
export type WithOptional<A, K extends string, V> = Simplify<Omit<A, K> & { [P in K]?: V }>;

/**
 * Any factory, whatever it builds.
 *
 * @example
 * function names(factories: AnyFactory[]): string[] { return factories.map((factory) => factory.name) }
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFactory = Factory<any, any, any, any, any, any, string, any>;

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
export type FactoryNameOf<F> = F extends { readonly name: infer Name extends string } ? Name : never;

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
export type BuiltOf<F> = F extends Factory<infer Built, any, any, any, any, any, any, any> ? Built : never;

/**
 * The overrides a factory's `build` accepts: every field optional, nested factories take their own overrides.
 *
 * @example
 * const admin: OverridesOf<typeof User> = { role: 'admin', address: { city: 'Lisbon' } }
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OverridesOf<F> = F extends Factory<any, infer Overrides, any, any, any, any, any, any> ? Overrides : never;

/**
 * The transient parameters of a factory (shape the object, are not in it).
 *
 * @example
 * const options: Partial<TransientOf<typeof Order>> = { lineCount: 3 }
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TransientOf<F> = F extends Factory<any, any, infer Transients, any, any, any, any, any> ? Transients : never;

/**
 * The object a factory's `create` resolves to: what its adapter returned, with created `hasMany` children.
 *
 * @example
 * let user: CreatedOf<typeof User> // with the id the database assigned
 */
export type CreatedOf<F> =
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  F extends Factory<infer Built, any, any, any, infer Created, infer Children, any, infer Parents>
    ? CreatedShape<Built, Created, Children, Parents>
    : never;

/** What `create` resolves to: the adapter's answer (or the row without one), with created `hasMany` children. */
export type CreatedShape<Built, Created, Children, Parents = Empty> = [Created] extends [undefined]
  ? Simplify<Omit<Built, keyof Children | keyof Parents> & Parents & Children>
  : Simplify<Omit<Created, keyof Children> & Children>;

/**
 * The row a factory hands its persistence adapter: the built object without its `hasMany` fields,
 * with its `belongsTo` fields picked from created parents (`Parents`), so a database id is there.
 */
export type RowShape<Built, Children, Parents = Empty> = Simplify<Omit<Built, keyof Children | keyof Parents> & Parents>;

/**
 * The parent a `belongsTo` pick reads: the built parent during `build()` (the field is picked from
 * what was built, nothing was persisted), the created one during `create()`. Fields only the store
 * assigns (a database id) are therefore optional: `(user) => user.id` is `number | undefined` while
 * `(user) => user.email` (built, then stored) stays a `string`.
 *
 * @example
 * const pick = (user: PickedParent<typeof User>) => user.email
 */
export type PickedParent<F> =
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  F extends Factory<infer Built, any, any, any, infer Created, infer Children, any, infer Parents>
    ? Simplify<Built & Partial<Omit<CreatedShape<Built, Created, Children, Parents>, keyof Built>>>
    : never;

/** The value type of an attribute declared with `value`. */
export type FieldValue<X> =
  X extends Factory<infer Built, any, any, any, any, any, any, any> // eslint-disable-line @typescript-eslint/no-explicit-any
    ? Built
    : X extends FieldSpec<infer V>
      ? V
      : X extends fc.Arbitrary<infer A>
        ? A
        : X extends (context: BuildContext) => infer V
          ? V
          : X;

/** What an override of an attribute declared with `value` may be. */
export type FieldOverride<X> =
  X extends Factory<infer Built, infer Overrides, any, any, any, any, any, any> // eslint-disable-line @typescript-eslint/no-explicit-any
    ? Overrides | Built
    : FieldValue<X>;

/**
 * A trait's fields: what overrides accept (or builders of it), and transient parameters.
 *
 * @example
 * const admin: TraitFields<OverridesOf<typeof User>, TransientOf<typeof User>> = { role: 'admin' }
 */
export type TraitFields<Overrides, Transients> = {
  [K in keyof Overrides]?: Exclude<Overrides[K], undefined> | ((context: BuildContext) => Exclude<Overrides[K], undefined>);
} & {
  [K in keyof Transients]?: Transients[K] | ((context: BuildContext) => Transients[K]);
};

/**
 * How to ask for traits: a plain trait by name, a parameterized one as `[name, parameter]`.
 *
 * @example
 * const traits: Array<TraitRef<{ admin: void; level: number }>> = ['admin', ['level', 3]]
 */
export type TraitRef<Traits> = {
  [N in keyof Traits & string]: [Traits[N]] extends [void] ? N : [N, Traits[N]];
}[keyof Traits & string];

/**
 * Options of `build`, `buildList`, `create`, `createList`.
 *
 * @example
 * User.build({ name: 'Ann' }, { traits: ['admin'], transient: { shout: true }, seed: 42 })
 */
export interface BuildOptions<Transients, Traits> {
  /** Traits to apply, in order (later ones win; explicit overrides win over all). */
  traits?: ReadonlyArray<TraitRef<Traits>>;
  /** Transient parameters of this build. */
  transient?: Partial<Transients>;
  /** An explicit 32-bit build seed (instead of the one derived from the test and the build index). */
  seed?: number;
}

/**
 * Options of `createList`.
 *
 * @example
 * await User.createList(3, undefined, { traits: ['admin'], batch: false })
 */
export interface CreateListOptions<Transients, Traits> extends BuildOptions<Transients, Traits> {
  /** Insert the rows (and the parents they need, table by table) in one statement when the adapter can (`insertMany`). Default true. */
  batch?: boolean;
}

/**
 * Options of `arbitrary`.
 *
 * @example
 * fc.sample(User.arbitrary({}, { traits: ['admin'] }), 5)
 */
export interface ArbitraryOptions<Traits> {
  /** Fixed traits; by default every combination of the factory's plain traits is a dimension that shrinks to none. */
  traits?: ReadonlyArray<TraitRef<Traits>>;
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
export interface CreateHookContext<Built> extends HookContext {
  /** The built row that was persisted (without `hasMany` fields), e.g. to read a foreign key the store's answer omits. */
  readonly built: Readonly<Built>;
}
