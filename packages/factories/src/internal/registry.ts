import { FactoriesError } from '../errors.js';
import { describeChoice, listChoices } from '@proving-ground/kit';

/** The part of a factory the registry needs (the full type lives in factory.ts, which imports this file). */
interface NamedFactory {
  readonly name: string;
}

const kRegistry = Symbol.for('@proving-ground/factories/registry');

/** Every factory defined in this test file, by name (the latest definition of a name wins). */
export function factoryRegistry<F extends NamedFactory = NamedFactory>(): Map<string, F> {
  const holder = globalThis as unknown as Record<symbol, Map<string, F> | undefined>;
  let registry = holder[kRegistry];
  if (registry === undefined) {
    registry = new Map();
    Object.defineProperty(holder, kRegistry, { value: registry, configurable: true, enumerable: false });
  }
  return registry;
}

/** The factory defined with `name`, or `FACTORIES_UNKNOWN_FACTORY` naming the defined ones. */
export function factoryNamed<F extends NamedFactory>(name: string, verb: string): F {
  const registry = factoryRegistry<F>();
  const found = registry.get(name);
  if (found !== undefined) return found;
  const names = [...registry.keys()];
  throw new FactoriesError(
    'FACTORIES_UNKNOWN_FACTORY',
    `Failed to ${verb}: unknown factory ${describeChoice(name, names)}. Factories defined in this test file: ${listChoices(names)}. Pass the factory itself, or one of these names.`,
  );
}
