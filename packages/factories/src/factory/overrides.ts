import { describeChoice, listChoices } from '@proving-ground/kit';
import { FactoriesError } from '../errors.js';
import type { BuildContext } from '../fields.js';
import { cloneData } from '../internal/clone.js';
import { origins } from '../internal/graph.js';
import { deriveSeed, hashString } from '../seed.js';
import { markUsed } from '../sequences.js';
import { contextFor, fieldSeed, type Frame } from './build-frame.js';
import { planFor } from './compile.js';
import { hasOwn, isFactory, type HasManySpec, type InternalOptions, type TraitRequest } from './definition.js';
import type { AnyFactory } from './types.js';

/** What a build starts from: the overrides, traits and drawn values merged, sorted by where they go. */
export interface Prepared {
  attributes: Record<string, unknown>;
  transient: Record<string, unknown>;
  children: Map<string, Array<Record<string, unknown> | undefined>> | undefined;
  parents: Map<string, object> | undefined;
}

const NO_ATTRIBUTES: Record<string, unknown> = Object.freeze({});
export const NO_TRANSIENTS: Record<string, unknown> = Object.freeze({});

function resolveTraits(
  factory: AnyFactory,
  refs: readonly TraitRequest[],
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

function describeKind(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/** Check the overrides and options of a build, and merge drawn values, traits and overrides (later ones win). */
export function prepare(factory: AnyFactory, overrides: unknown, options: InternalOptions | undefined, frame: Frame): Prepared {
  const definition = factory.definition;
  const plan = planFor(definition);
  if (overrides !== undefined && (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides))) {
    throw new FactoriesError('FACTORIES_INVALID_OVERRIDES', {
      action: `${frame.strategy} "${definition.name}"`,
      reason: `overrides must be an object of field values, got ${describeKind(overrides)}`,
      fix: `Pass ${frame.strategy}({ field: value }), or nothing.`,
    });
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
    throw new FactoriesError('FACTORIES_UNKNOWN_FIELD', {
      action: `${frame.strategy} "${definition.name}"`,
      reason: `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((field) => describeChoice(field, fields)).join(', ')}`,
      fix: `Fields of "${definition.name}": ${listChoices(fields)}.${hint}`,
    });
  }
  const transientGiven = options?.transient ?? {};
  const unknownTransient = Object.keys(transientGiven).filter((name) => !plan.transientNames.has(name));
  if (unknownTransient.length > 0) {
    const names = [...plan.transientNames];
    throw new FactoriesError('FACTORIES_UNKNOWN_FIELD', {
      action: `${frame.strategy} "${definition.name}"`,
      reason: `unknown transient parameter${unknownTransient.length > 1 ? 's' : ''} ${unknownTransient.map((name) => describeChoice(name, names)).join(', ')}`,
      fix: `Transient parameters of "${definition.name}": ${listChoices(names)}.`,
    });
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
    if (parentSpec !== undefined) frame.graph.givenParents = true;
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
  throw new FactoriesError('FACTORIES_INVALID_OVERRIDES', {
    action: `${strategy} "${factory}"`,
    reason: `"${spec.name}" takes a count or an array of overrides (one per child), got ${JSON.stringify(value)}`,
    fix: `Pass { ${spec.name}: 3 } or { ${spec.name}: [{ ... }, { ... }] }.`,
  });
}
