import { FactoriesError } from '../errors.js';
import { hashString } from '../seed.js';
import { Factory, registerFactory } from './factory.js';
import type { Empty } from './types.js';

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
export function defineFactory<const Name extends string>(name: Name): Factory<Empty, Empty, Empty, Empty, undefined, Empty, Name> {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new FactoriesError('FACTORIES_INVALID_DEFINITION', {
      action: 'define a factory',
      reason: `the name must be a non-empty string, got ${JSON.stringify(name)}`,
      fix: "Pass defineFactory('user').",
    });
  }
  const factory = new Factory<Empty, Empty, Empty, Empty, undefined, Empty, Name>({
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
