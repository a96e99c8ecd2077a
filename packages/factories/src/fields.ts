import type { Faker } from '@faker-js/faker';

/**
 * What an attribute builder receives besides its dependencies.
 *
 * @example
 * defineFactory('user').attr('name', ({ faker, index }) => `${faker.person.firstName()} ${index}`)
 */
export interface BuildContext {
  /** A faker instance whose randomness is seeded for this very field of this very object. */
  readonly faker: Faker;
  /** The position of the object in its `buildList`/`createList` call (0 for a single build). */
  readonly index: number;
  /** `build` or `create`: associations follow the strategy of the object that needs them. */
  readonly strategy: 'build' | 'create';
  /** This field's own 32-bit seed (the same on every run for the same test, factory, build and field). */
  readonly seed: number;
}

const kFieldSpec = Symbol.for('@proving-ground/factories/field');

/**
 * How a special attribute is produced: what a {@link FieldSpec} made by {@link sequence},
 * {@link cycle} or {@link unique} holds. Public because `FieldSpec`'s constructor takes it; make
 * field specs with those functions rather than by hand.
 *
 * @example
 * const recipe: FieldRecipe = { kind: 'cycle', values: ['red', 'green'] }
 */
export type FieldRecipe =
  | { kind: 'sequence'; format: (n: number, context: BuildContext) => unknown }
  | { kind: 'cycle'; values: readonly unknown[] }
  | { kind: 'unique'; generate: (context: BuildContext) => unknown; attempts: number };

/**
 * A special attribute value made by {@link sequence}, {@link cycle} or {@link unique}; `V` is the
 * type of the value it produces.
 *
 * @example
 * const email: FieldSpec<string> = sequence((n) => `user${n}@example.test`)
 */
export class FieldSpec<V> {
  /** @internal */
  readonly recipe: FieldRecipe;
  /** Only for type inference: the produced value. */
  declare readonly __value: V;

  constructor(recipe: FieldRecipe) {
    this.recipe = recipe;
    Object.defineProperty(this, kFieldSpec, { value: true });
  }
}

/** Whether `value` is a {@link FieldSpec} of any copy of the package. */
export function isFieldSpec(value: unknown): value is FieldSpec<unknown> {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[kFieldSpec] === true;
}

/**
 * A sequence: 1, 2, 3, ... per factory and field, formatted by `format`. Sequences never collide
 * across parallel Jest workers (each worker counts in its own block, see `configureFactories`), start
 * again in every test file, skip values an explicit override already used, and reset on demand with
 * `resetSequences()`.
 *
 * @param format - turns the number into the value (default: the number itself)
 * @example
 * defineFactory('user').attr('email', sequence((n) => `user${n}@example.test`))
 */
export function sequence(): FieldSpec<number>;
export function sequence<V>(format: (n: number, context: BuildContext) => V): FieldSpec<V>;
export function sequence(format: (n: number, context: BuildContext) => unknown = (n) => n): FieldSpec<unknown> {
  return new FieldSpec({ kind: 'sequence', format });
}

/**
 * Cycling values (factory_boy's `Iterator`): the first build gets `values[0]`, the next `values[1]`,
 * and so on, round and round, counted per factory and field in each test file.
 *
 * @param values - at least one value
 * @example
 * defineFactory('session').attr('status', cycle(['active', 'inactive', 'error'] as const))
 */
export function cycle<const V extends readonly unknown[]>(values: V): FieldSpec<V[number]> {
  return new FieldSpec({ kind: 'cycle', values: [...values] });
}

/**
 * A generated value that must not repeat within the test file: on a clash (with an earlier build or
 * an explicit override) the generator runs again with the next derived seed, up to `attempts` times.
 *
 * @param generate - makes one candidate (usually with `faker`)
 * @param options - `attempts`: how many candidates to try (default 50)
 * @example
 * defineFactory('user').attr('email', unique(({ faker }) => faker.internet.email()))
 */
export function unique<V>(generate: (context: BuildContext) => V, options: { attempts?: number } = {}): FieldSpec<V> {
  return new FieldSpec({ kind: 'unique', generate, attempts: options.attempts ?? 50 });
}
