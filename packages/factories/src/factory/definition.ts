import * as fc from 'fast-check';
import rosie from 'rosie';
import { prefixed } from '@proving-ground/kit';
import { FactoriesError } from '../errors.js';
import { isFieldSpec, type BuildContext, type FieldSpec } from '../fields.js';
import { isSharedInstance } from '../internal/clone.js';
import { hashString } from '../seed.js';
import type { Origin } from '../internal/graph.js';
import type { PersistenceAdapter } from '../persistence.js';
import type { AnyFactory } from './types.js';

/** How one field of a factory is produced. */
export type AttrSpec =
  | { kind: 'value'; name: string; key: number; deps: string[]; value: unknown }
  | { kind: 'fn'; name: string; key: number; deps: string[]; withDeps: boolean; fn: (...args: never[]) => unknown }
  | { kind: 'spec'; name: string; key: number; deps: string[]; spec: FieldSpec<unknown> }
  | { kind: 'factory'; name: string; key: number; deps: string[]; factory: AnyFactory }
  | { kind: 'arbitrary'; name: string; key: number; deps: string[]; arbitrary: fc.Arbitrary<unknown> }
  | BelongsToSpec;

export interface BelongsToSpec {
  kind: 'belongsTo';
  name: string;
  key: number;
  deps: string[];
  factory: AnyFactory;
  pick: (parent: object) => unknown;
}

export interface HasManySpec {
  name: string;
  key: number;
  factory: AnyFactory;
  inverse: string;
  parentKey: (parent: object) => unknown;
  count: number;
}

export interface TransientSpec {
  name: string;
  key: number;
  value: unknown;
}

export interface TraitSpec {
  name: string;
  fields: Record<string, unknown> | undefined;
  fn: ((parameter: never, context: BuildContext) => Record<string, unknown>) | undefined;
  include: ReadonlyArray<string | readonly [string, unknown]>;
}

export type Hook = (object: never, context: never) => unknown;

/** A trait as asked for: its name, or `[name, parameter]`. */
export type TraitRequest = string | readonly [string, unknown];

/** Everything a factory was defined with; never changed once made (every definition method makes a new one). */
export interface Definition {
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
  readonly presets: readonly TraitRequest[];
  /** Computed on first build: what builds the fields (rosie, or a direct loop) and the build plan of this very definition. */
  readonly cache: { builder?: FieldsBuilder; plan?: Plan };
}

/** What a build needs to know about a definition, computed once per definition. */
export interface Plan {
  /** Fields that overrides may set (attributes and hasMany). */
  readonly overridable: ReadonlySet<string>;
  readonly transientNames: ReadonlySet<string>;
  readonly belongsTo: ReadonlyMap<string, BelongsToSpec>;
  readonly nested: ReadonlySet<string>;
  readonly hasMany: ReadonlyMap<string, HasManySpec>;
  /** Sequence and unique fields: explicit values are recorded so the generators never repeat them. */
  readonly tracked: readonly string[];
  readonly tenantFields: Origin['tenantFields'];
  /** Whether the factory has relations (its objects are remembered for graphs and tenant checks). */
  readonly relational: boolean;
}

export interface InternalOptions {
  traits?: readonly TraitRequest[];
  transient?: Record<string, unknown>;
  batch?: boolean;
  seed?: number;
  /** Values an arbitrary drew for fields: under traits and overrides. */
  drawn?: Record<string, unknown>;
  /** The field a hasMany parent sets on its child: kept even when undefined (a built parent without a key). */
  inverse?: string;
}

/** Builds the fields of one object from the given attributes and transient parameters. */
export interface FieldsBuilder {
  build(attributes: Record<string, unknown>, options: Record<string, unknown>): Record<string, unknown>;
}

export interface RosieFactoryLike extends FieldsBuilder {
  attr(name: string, deps: string[], builder: (...args: unknown[]) => unknown): RosieFactoryLike;
  option(name: string, deps: string[], builder: (...args: unknown[]) => unknown): RosieFactoryLike;
}

export const RosieFactory = (rosie as unknown as { Factory: new () => RosieFactoryLike }).Factory;

export const kFactory = Symbol.for('@proving-ground/factories/factory');

export function isFactory(value: unknown): value is AnyFactory {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[kFactory] === true;
}

export function isArbitrary(value: unknown): value is fc.Arbitrary<unknown> {
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

export const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

export function invalidDefinition(factory: string, reason: string, fix: string): FactoriesError {
  return new FactoriesError('FACTORIES_INVALID_DEFINITION', { action: `define "${factory}"`, reason, fix });
}

/** Names of factories other factories point at (their objects may come back as overrides). */
export const relationTargets = new Set<string>();

/**
 * How a field declared with `attr(name, value)` or `attr(name, deps, build)` is produced: a nested
 * factory, a sequence/cycle/unique, an arbitrary, a builder, or a constant (a shared class instance warns).
 */
export function attrSpecFor(owner: string, name: string, depsOrValue: unknown, build?: unknown): AttrSpec {
  const key = hashString(name);
  if (build !== undefined) {
    if (!Array.isArray(depsOrValue) || typeof build !== 'function') {
      throw invalidDefinition(
        owner,
        `attr("${name}", deps, build) needs an array of field names and a function`,
        'Pass attr(name, ["other"], ({ other }) => ...)',
      );
    }
    return {
      kind: 'fn',
      name,
      key,
      deps: [...(depsOrValue as string[])],
      withDeps: true,
      fn: build as (...args: never[]) => unknown,
    };
  }
  const value = depsOrValue;
  if (isFactory(value)) {
    relationTargets.add(value.name);
    return { kind: 'factory', name, key, deps: [], factory: value };
  }
  if (isFieldSpec(value)) return { kind: 'spec', name, key, deps: [], spec: value };
  if (isArbitrary(value)) return { kind: 'arbitrary', name, key, deps: [], arbitrary: value };
  if (typeof value === 'function') return { kind: 'fn', name, key, deps: [], withDeps: false, fn: value as (...args: never[]) => unknown };
  if (isSharedInstance(value)) {
    const type = (value as object).constructor?.name ?? 'class';
    process.emitWarning(
      prefixed(
        'factories',
        `"${owner}.${name}" is a constant ${type} instance: constants are copied for every build, but class instances are kept as they are, so every build shares this one. Declare attr('${name}', () => new ${type}(...)) for a fresh one per build, or freeze it.`,
      ),
      { code: 'FACTORIES_SHARED_INSTANCE' },
    );
  }
  return { kind: 'value', name, key, deps: [], value };
}

/** A factory, or a function returning one (for factories that refer to each other), checked when first used. */
export function factoryReference(owner: string, where: string, reference: unknown): () => AnyFactory {
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

export function assertCount(factory: string, method: string, count: number): void {
  if (!Number.isInteger(count) || count < 0) {
    throw new FactoriesError('FACTORIES_INVALID_COUNT', {
      action: `${method} "${factory}"`,
      reason: `count must be a whole number, got ${JSON.stringify(count)}`,
      fix: `Pass ${method}(3).`,
    });
  }
}
