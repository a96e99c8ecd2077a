import { FactoriesError, isFactoriesError } from './errors.js';
import { factoryRegistry, type AnyFactory } from './factory.js';
import { describeChoice, listChoices } from './internal/did-you-mean.js';

/** One factory and trait combination that failed to build. */
export interface VerifyFailure {
  /** The factory's name. */
  readonly factory: string;
  /** The traits applied (empty: the plain factory). */
  readonly traits: readonly string[];
  /** Why it failed (schema problems, a builder that threw, ...). */
  readonly message: string;
  /** The error itself. */
  readonly error: unknown;
}

/** What {@link verifyFactories} checked. */
export interface VerifyReport {
  /** How many factory and trait combinations were built. */
  readonly checked: number;
  /** Every combination that failed. */
  readonly failures: readonly VerifyFailure[];
  /** Parameterized traits left out (they need a parameter), as `factory.trait`. */
  readonly skipped: readonly string[];
}

/** Options of {@link verifyFactories}. */
export interface VerifyOptions {
  /** The factories to check: a list, or names of factories defined in this test file. Default: every factory defined. */
  factories?: ReadonlyArray<AnyFactory | string>;
  /** Above this many plain traits, check each trait alone and each pair instead of every combination. Default 8. */
  maxCombinationTraits?: number;
  /** Throw `FACTORIES_INVALID_FACTORIES` listing every failure (default true), or just return the report. */
  throwOnFailure?: boolean;
}

function combinations(names: readonly string[], max: number): string[][] {
  if (names.length <= max) {
    const all: string[][] = [];
    for (let mask = 0; mask < 1 << names.length; mask++) all.push(names.filter((_, index) => (mask & (1 << index)) !== 0));
    return all;
  }
  const some: string[][] = [[]];
  names.forEach((first, index) => {
    some.push([first]);
    for (const second of names.slice(index + 1)) some.push([first, second]);
  });
  return some;
}

function resolveFactories(list: ReadonlyArray<AnyFactory | string> | undefined): AnyFactory[] {
  const registry = factoryRegistry();
  if (list === undefined) return [...registry.values()];
  return list.map((item) => {
    if (typeof item !== 'string') return item;
    const found = registry.get(item);
    if (found === undefined) {
      const names = [...registry.keys()];
      throw new FactoriesError(
        'FACTORIES_UNKNOWN_FACTORY',
        `[factories] Failed to verify factories: unknown factory ${describeChoice(item, names)}. Factories defined in this test file: ${listChoices(names)}.`,
      );
    }
    return found;
  });
}

/**
 * Build every factory with every combination of its plain traits (factory_bot's lint) and report each
 * one that fails: a schema violation, a builder that throws, an unknown field in a trait, a cycle.
 * Throws `FACTORIES_INVALID_FACTORIES` listing all of them, unless `throwOnFailure: false`.
 *
 * @param options - which factories, the combination limit, whether to throw
 * @returns the report (when nothing failed, or with `throwOnFailure: false`)
 * @example
 * it('should build every factory and trait validly', () => { verifyFactories() })
 */
export function verifyFactories(options: VerifyOptions = {}): VerifyReport {
  const failures: VerifyFailure[] = [];
  const skipped: string[] = [];
  let checked = 0;
  for (const factory of resolveFactories(options.factories)) {
    const plain: string[] = [];
    for (const name of factory.traitNames()) {
      if (factory.definition.traits.get(name)?.fn === undefined) plain.push(name);
      else skipped.push(`${factory.name}.${name}`);
    }
    for (const traits of combinations(plain, options.maxCombinationTraits ?? 8)) {
      checked++;
      try {
        factory.build(undefined, { traits });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        failures.push({ factory: factory.name, traits, message, error });
        if (isFactoriesError(error) && error.code === 'FACTORIES_DEPENDENCY_CYCLE') break;
      }
    }
  }
  if (failures.length > 0 && options.throwOnFailure !== false) {
    const lines = failures.map(
      (failure) => `  - ${failure.factory}${failure.traits.length > 0 ? ` with ${failure.traits.join(' + ')}` : ''}: ${failure.message}`,
    );
    throw new FactoriesError(
      'FACTORIES_INVALID_FACTORIES',
      `[factories] Failed to verify factories: ${failures.length} of ${checked} factory and trait combinations are invalid:\n${lines.join('\n')}\nFix each factory or trait named above.`,
    );
  }
  return { checked, failures, skipped };
}
