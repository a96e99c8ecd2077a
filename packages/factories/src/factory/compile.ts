import * as fc from 'fast-check';
import { FactoriesError } from '../errors.js';
import type { BuildContext } from '../fields.js';
import { cloneData, copier } from '../internal/clone.js';
import { origins } from '../internal/graph.js';
import { describeChoice, listChoices } from '@proving-ground/kit';
import { deriveSeed } from '../seed.js';
import { cycleValue, sequenceValue, uniqueValue } from '../sequences.js';
import { buildNested } from './build.js';
import { childFrame, contextFor, currentFrame, fieldSeed } from './build-frame.js';
import {
  RosieFactory,
  hasOwn,
  invalidDefinition,
  type AttrSpec,
  type BelongsToSpec,
  type Definition,
  type Plan,
  type FieldsBuilder,
} from './definition.js';

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

/**
 * What builds the fields of a definition (made on first build): a rosie factory with every field and
 * transient parameter and its dependencies, or, when no field depends on another, a direct loop.
 */
export function compile(definition: Definition): FieldsBuilder {
  const cached = definition.cache.builder;
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
    throw new FactoriesError('FACTORIES_DEPENDENCY_CYCLE', {
      action: `build "${definition.name}"`,
      reason: `its fields depend on each other in a cycle: ${cycle.join(' → ')}`,
      fix: 'Remove one of these dependencies.',
    });
  }

  if (definition.attrs.every((attr) => attr.deps.length === 0 && attr.kind !== 'factory')) {
    const direct = directBuilder(definition);
    definition.cache.builder = direct;
    return direct;
  }
  const factory = new RosieFactory();
  for (const transient of definition.transients) {
    const value = transient.value;
    factory.option(transient.name, [], () => {
      if (typeof value !== 'function') return cloneData(value);
      const frame = currentFrame();
      return (value as (context: BuildContext) => unknown)(contextFor(frame, fieldSeed(frame, transient.name, transient.key)));
    });
  }
  for (const attr of definition.attrs) factory.attr(attr.name, attrDeps(attr), attrBuilder(definition, attr));

  definition.cache.builder = factory;
  return factory;
}

/**
 * What rosie does for fields that depend on nothing, without its dependency resolution: a copy of
 * the given attributes, then each field not given, in declaration order. The transient parameters are
 * computed before (transientValues), and no builder reads them here.
 */
function directBuilder(definition: Definition): FieldsBuilder {
  const names = definition.attrs.map((attr) => attr.name);
  const builders = definition.attrs.map((attr) => attrBuilder(definition, attr));
  const count = names.length;
  return {
    build(attributes) {
      const result: Record<string, unknown> = { ...attributes };
      for (let index = 0; index < count; index++) {
        const name = names[index]!;
        if (!hasOwn(result, name)) result[name] = builders[index]!();
      }
      return result;
    },
  };
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
        const frame = currentFrame();
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
        return () => sequenceValue(currentFrame().state, sequenceKey, definition.name, attr.name, format);
      }
      return () => {
        const frame = currentFrame();
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
        const frame = currentFrame();
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
        const frame = currentFrame();
        return fc.sample(arbitrary, { seed: fieldSeed(frame, attr.name, attr.key) | 0, numRuns: 1 })[0];
      };
    }
    case 'belongsTo':
      // Resolved before rosie runs (parents may need an async create); see resolveParents.
      return () => undefined;
  }
}

/** The build plan of a definition (made on first build). */
export function planFor(definition: Definition): Plan {
  let plan = definition.cache.plan;
  if (plan !== undefined) return plan;
  const belongsTo = new Map<string, BelongsToSpec>();
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
