import { FactoriesError } from '../errors.js';
import type { BuildContext } from '../fields.js';
import { cloneData } from '../internal/clone.js';
import { origins, type Origin } from '../internal/graph.js';
import { deriveSeed } from '../seed.js';
import { sequenceStartSpan } from '../sequences.js';
import { nextBuildSeed, replayLine, scopeState, type ScopeState } from '../test-scope.js';
import { childFrame, contextFor, enterFrame, fieldSeed, leaveFrame, rootFrame, type Frame } from './build-frame.js';
import { compile, planFor } from './compile.js';
import { hasOwn, relationTargets, type Definition, type InternalOptions } from './definition.js';
import { NO_KEY, adoptGivenTenants, checkTenant, givenTenantKey, tenantFor } from './graph-tenants.js';
import { NO_TRANSIENTS, prepare, type Prepared } from './overrides.js';
import type { AnyFactory, HookContext } from './types.js';

const NO_PARENTS: Map<string, object> = new Map();
const NO_CHILDREN: Map<string, readonly object[]> = new Map();

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

/** Run the definition's rosie factory on what `prepare` merged, with `frame` current for the builders. */
export function runRosie(definition: Definition, prepared: Prepared, frame: Frame): Record<string, unknown> {
  const rosieFactory = compile(definition);
  const previous = enterFrame(frame);
  try {
    return rosieFactory.build(prepared.attributes, prepared.transient);
  } finally {
    leaveFrame(previous);
  }
}

/** The transient parameters of this build: given ones, else their defaults (computed once, shared with rosie). */
export function transientValues(definition: Definition, prepared: Prepared, frame: Frame): Record<string, unknown> {
  if (definition.transients.length === 0) return NO_TRANSIENTS;
  const values: Record<string, unknown> = {};
  const previous = enterFrame(frame);
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
    leaveFrame(previous);
  }
  return values;
}

/** Run the afterBuild hooks, then validate against the schema. */
export function finishBuild(
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
      throw new FactoriesError('FACTORIES_INVALID_OBJECT', {
        action: `${frame.strategy} "${definition.name}"`,
        reason: `the built object does not match its schema: ${problems.join('; ')}`,
        fix: `Fix the factory's defaults or the trait/overrides that produced it; replay its data with: ${replayLine()}`,
      });
    }
  }
  return object;
}

/** Remember where an object came from (its parents and children), for graphs and tenant checks. */
export function remember(
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

/** Build an object another one needs (a parent, a child, a nested object) in its own frame. */
export function buildNested(
  factory: AnyFactory,
  overrides: Record<string, unknown> | undefined,
  frame: Frame,
  options?: InternalOptions,
): Record<string, unknown> {
  return buildWithOptions(factory, overrides, options, frame);
}

/** The seed of a top-level build: the explicit `seed` option, else the next one of the test's scope. */
export function buildSeed(factory: AnyFactory, options: InternalOptions | undefined, index: number): number {
  if (options?.seed === undefined) return nextBuildSeed(factory.name, factory.definition.key);
  if (!Number.isInteger(options.seed)) {
    throw new FactoriesError('FACTORIES_INVALID_SEED', {
      action: `build "${factory.name}"`,
      reason: `seed must be a whole number, got ${JSON.stringify(options.seed)}`,
      fix: 'Pass { seed: 42 }.',
    });
  }
  return deriveSeed(options.seed >>> 0, index);
}

/** `build()` and each item of `buildList()`. */
export function buildTopLevel(factory: AnyFactory, overrides: unknown, options: InternalOptions | undefined, index = 0): unknown {
  const frame = rootFrame(factory, 'build', buildSeed(factory, options, index), undefined, index);
  const object = buildWithOptions(factory, overrides as Record<string, unknown> | undefined, options, frame);
  checkTenant(object, frame);
  return object;
}

/** A sample of `arbitrary()`: explicit seeds per field, and sequences counting from a drawn start in a counter of its own. */
export function buildWithSeeds(
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
