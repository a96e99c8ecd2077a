import type * as fc from 'fast-check';
import { describeChoice, listChoices } from '@proving-ground/kit';
import { FactoriesError } from '../errors.js';
import type { BuildContext, FieldSpec } from '../fields.js';
import { factoryRegistry } from '../internal/registry.js';
import type { PersistenceAdapter } from '../persistence.js';
import { hashString } from '../seed.js';
import { compileValidator, type FactorySchema } from '../validation.js';
import { arbitraryOf } from './arbitrary.js';
import { buildTopLevel } from './build.js';
import { createTopLevel } from './create.js';
import {
  assertCount,
  attrSpecFor,
  factoryReference,
  invalidDefinition,
  kFactory,
  type AttrSpec,
  type Definition,
  type InternalOptions,
  type TraitSpec,
} from './definition.js';
import type {
  AnyFactory,
  ArbitraryOptions,
  BuildOptions,
  BuiltOf,
  CreatedOf,
  CreatedShape,
  CreateHookContext,
  CreateListOptions,
  Empty,
  FieldOverride,
  FieldValue,
  HasManyOptions,
  HookContext,
  OverridesOf,
  PickedParent,
  RowShape,
  Simplify,
  TraitFields,
  TraitRef,
  Widen,
  With,
  WithOptional,
} from './types.js';

/**
 * A typed factory: `Built` is the object it builds, `Overrides` what `build` accepts, `Transients` its
 * transient parameters, `Traits` its traits (name → parameter), `Created` what its adapter returns,
 * `Children` its created `hasMany` children, `Name` its name, `Parents` its `belongsTo` fields as
 * created rows hold them (picked from created parents).
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
  Built extends object = Empty,
  Overrides extends object = Empty,
  Transients extends object = Empty,
  Traits extends object = Empty,
  Created = undefined,
  Children extends object = Empty,
  Name extends string = string,
  Parents extends object = Empty,
> {
  /** @internal */
  readonly definition: Definition;

  /** @internal */
  constructor(definition: Definition) {
    this.definition = definition;
    Object.defineProperty(this, kFactory, { value: true });
  }

  /** The factory's name (in seeds, messages and `verifyFactories` reports). */
  get name(): Name {
    return this.definition.name as Name;
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
  ): Factory<With<Built, K, Widen<V>>, WithOptional<Overrides, K, Widen<V>>, Transients, Traits, Created, Children, Name, Parents>;
  attr<K extends string, X>(
    name: K,
    value: X,
  ): Factory<
    With<Built, K, FieldValue<X>>,
    WithOptional<Overrides, K, FieldOverride<X>>,
    Transients,
    Traits,
    Created,
    Children,
    Name,
    Parents
  >;
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
  attr<K extends string, const D extends ReadonlyArray<(keyof Built | keyof Transients) & string>, V>(
    name: K,
    deps: D,
    build: (values: Simplify<Pick<Built & Transients, D[number]>>, context: BuildContext) => V,
  ): Factory<With<Built, K, Widen<V>>, WithOptional<Overrides, K, Widen<V>>, Transients, Traits, Created, Children, Name, Parents>;
  attr(name: string, depsOrValue: unknown, build?: unknown): never {
    return this.addAttr(attrSpecFor(this.name, name, depsOrValue, build));
  }

  /**
   * Declare a sequence field: 1, 2, 3, ... (see {@link sequence}); shorthand for `attr(name, sequence(format))`.
   *
   * @param name - the field
   * @param format - turns the number into the value
   * @example
   * defineFactory('user').sequence('id').sequence('email', (n) => `user${n}@example.test`)
   */
  sequence<K extends string>(
    name: K,
  ): Factory<With<Built, K, number>, WithOptional<Overrides, K, number>, Transients, Traits, Created, Children, Name, Parents>;
  sequence<K extends string, V>(
    name: K,
    format: (n: number, context: BuildContext) => V,
  ): Factory<With<Built, K, V>, WithOptional<Overrides, K, V>, Transients, Traits, Created, Children, Name, Parents>;
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
  transient<K extends string, V>(
    name: K,
    defaultValue: (context: BuildContext) => V,
  ): Factory<Built, Overrides, With<Transients, K, Widen<V>>, Traits, Created, Children, Name, Parents>;
  transient<K extends string, V>(
    name: K,
    defaultValue: V,
  ): Factory<Built, Overrides, With<Transients, K, V>, Traits, Created, Children, Name, Parents>;
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
   * `pick` reads the built parent during `build()` and the created one during `create()`, so a field
   * only the store assigns (a database id) is optional in its parameter: `(user) => user.id` makes the
   * field `number | undefined`, as `build()` leaves it, while `(user) => user.email` keeps a `string`.
   *
   * @param name - the field
   * @param factory - the parent's factory
   * @param pick - what of the parent the field holds (default: the whole parent)
   * @example
   * defineFactory('user').belongsTo('tenantId', Tenant, (tenant) => tenant.id)
   */
  belongsTo<K extends string, F extends AnyFactory, V = PickedParent<F>>(
    name: K,
    factory: F | (() => F),
    pick?: (parent: PickedParent<F>) => V,
  ): Factory<
    With<Built, K, V>,
    WithOptional<Overrides, K, V | BuiltOf<F> | CreatedOf<F>>,
    Transients,
    Traits,
    Created,
    Children,
    Name,
    With<Parents, K, [PickedParent<F>] extends [V] ? CreatedOf<F> : Exclude<V, undefined>>
  > {
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
    options: HasManyOptions<CreatedShape<Built, Created, Children, Parents>, BuiltOf<F>>,
  ): Factory<
    With<Built, K, Array<BuiltOf<F>>>,
    WithOptional<Overrides, K, number | Array<OverridesOf<F>>>,
    Transients,
    Traits,
    Created,
    With<Children, K, Array<CreatedOf<F>>>,
    Name,
    Parents
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
    fields: TraitFields<Overrides, Transients>,
    options?: { include?: ReadonlyArray<TraitRef<Traits>> },
  ): Factory<Built, Overrides, Transients, Simplify<Omit<Traits, TN> & { [P in TN]: void }>, Created, Children, Name, Parents>;
  trait<TN extends string, P>(
    name: TN,
    fields: (parameter: P, context: BuildContext) => TraitFields<Overrides, Transients>,
    options?: { include?: ReadonlyArray<TraitRef<Traits>> },
  ): Factory<Built, Overrides, Transients, Simplify<Omit<Traits, TN> & { [Q in TN]: P }>, Created, Children, Name, Parents>;
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
  with(...traits: Array<TraitRef<Traits>>): Factory<Built, Overrides, Transients, Traits, Created, Children, Name, Parents> {
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
  afterBuild(
    hook: (object: Built, context: HookContext) => Built | void,
  ): Factory<Built, Overrides, Transients, Traits, Created, Children, Name, Parents> {
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
    hook: (object: CreatedShape<Built, Created, Children, Parents>, context: CreateHookContext<Built>) => void | Promise<void>,
  ): Factory<Built, Overrides, Transients, Traits, Created, Children, Name, Parents> {
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
  persistWith<Stored>(
    adapter: PersistenceAdapter<RowShape<Built, Children, Parents>, Stored>,
  ): Factory<Built, Overrides, Transients, Traits, Stored, Children, Name, Parents> {
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
  schema(schema: FactorySchema<Built>): Factory<Built, Overrides, Transients, Traits, Created, Children, Name, Parents> {
    return this.derive({ validate: compileValidator(schema, this.name) as (value: unknown) => string[] });
  }

  /**
   * Mark this factory as the tenant: inside `withTenant(tenant, ...)` every `belongsTo` of it resolves to
   * the scoped tenant, and one graph outside a scope shares one tenant between all its objects.
   *
   * @example
   * const Tenant = defineFactory('tenant').attr('id', ({ faker }) => faker.string.uuid()).asTenant()
   */
  asTenant(): Factory<Built, Overrides, Transients, Traits, Created, Children, Name, Parents> {
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
  traitNames(): Array<keyof Traits & string> {
    return [...this.definition.traits.keys()] as Array<keyof Traits & string>;
  }

  /**
   * Build one object (nothing is persisted; `belongsTo` parents are built too).
   *
   * @param overrides - field values that replace the factory's (their builders never run)
   * @param options - traits and transient parameters
   * @example
   * User.build({ name: 'Ann' }, { traits: ['admin'] })
   */
  build(overrides?: Overrides, options?: BuildOptions<Transients, Traits>): Built {
    return buildTopLevel(this, overrides, options) as Built;
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
  buildList(count: number, overrides?: Overrides | ((index: number) => Overrides), options?: BuildOptions<Transients, Traits>): Built[] {
    assertCount(this.name, 'buildList', count);
    return Array.from(
      { length: count },
      (_, index) =>
        buildTopLevel(this, typeof overrides === 'function' ? overrides(index) : overrides, options as InternalOptions, index) as Built,
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
  async create(
    overrides?: Overrides,
    options?: BuildOptions<Transients, Traits>,
  ): Promise<CreatedShape<Built, Created, Children, Parents>> {
    const [created] = await createTopLevel(this, 1, () => overrides, { ...(options as InternalOptions), batch: false });
    return created as CreatedShape<Built, Created, Children, Parents>;
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
    overrides?: Overrides | ((index: number) => Overrides),
    options?: CreateListOptions<Transients, Traits>,
  ): Promise<Array<CreatedShape<Built, Created, Children, Parents>>> {
    assertCount(this.name, 'createList', count);
    return (await createTopLevel(
      this,
      count,
      (index) => (typeof overrides === 'function' ? overrides(index) : overrides),
      options ?? {},
    )) as Array<CreatedShape<Built, Created, Children, Parents>>;
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
  arbitrary(overrides?: Overrides, options: ArbitraryOptions<Traits> = {}): fc.Arbitrary<Built> {
    return arbitraryOf(this, overrides ?? {}, options.traits) as fc.Arbitrary<Built>;
  }

  /** @internal */
  traitSpec(ref: string | readonly [string, unknown], action: string): { spec: TraitSpec; parameter: unknown } {
    const name = typeof ref === 'string' ? ref : Array.isArray(ref) ? ref[0] : String(ref);
    const spec = this.definition.traits.get(name);
    const names = [...this.definition.traits.keys()];
    if (spec === undefined) {
      throw new FactoriesError('FACTORIES_UNKNOWN_TRAIT', {
        action: `${action} "${this.name}"`,
        reason: `unknown trait ${describeChoice(name, names)}`,
        fix: `Traits of "${this.name}": ${listChoices(names)}.`,
      });
    }
    if (spec.fn !== undefined && typeof ref === 'string') {
      throw new FactoriesError('FACTORIES_UNKNOWN_TRAIT', {
        action: `${action} "${this.name}"`,
        reason: `trait "${name}" takes a parameter`,
        fix: `Ask for it as ["${name}", value].`,
      });
    }
    return { spec, parameter: typeof ref === 'string' ? undefined : ref[1] };
  }
}

// ---------------------------------------------------------------------------------------------
// Registry

/** Make `factory` the one its name refers to in this test file (`verifyFactories`, `resetSequences`). */
export function registerFactory(factory: AnyFactory): void {
  factoryRegistry<AnyFactory>().set(factory.name, factory);
}
