import * as fc from 'fast-check';
import { cloneData } from '../internal/clone.js';
import { buildWithSeeds } from './build.js';
import { hasOwn, type TraitRequest } from './definition.js';
import type { AnyFactory } from './types.js';

/**
 * How many seeds a generated field's seed shrinks through: 0, 1, ..., 63. Faker's output does not
 * grow with its seed, so halving a seed (what `fc.nat` does) stops at a different seed from every
 * start; trying these in order stops at the smallest of them that still fails, whatever the start.
 */
export const SHRINK_SEEDS = 64;

const MAX_SEED = 0xffff_ffff;

/** A 32-bit seed that shrinks to the smallest of the first {@link SHRINK_SEEDS} seeds that still fails. */
class FieldSeedArbitrary extends fc.Arbitrary<number> {
  private readonly drawn = fc.nat({ max: MAX_SEED });

  generate(random: fc.Random, biasFactor: number | undefined): fc.Value<number> {
    return new fc.Value(this.drawn.generate(random, biasFactor).value, undefined);
  }

  canShrinkWithoutContext(value: unknown): value is number {
    return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_SEED;
  }

  shrink(value: number): fc.Stream<fc.Value<number>> {
    const limit = Math.min(value, SHRINK_SEEDS);
    function* smaller(): Generator<fc.Value<number>> {
      for (let seed = 0; seed < limit; seed++) yield new fc.Value(seed, undefined);
    }
    return new fc.Stream(smaller());
  }
}

/** A field's seed as `arbitrary()` draws it: any 32-bit number, shrinking through the first {@link SHRINK_SEEDS}. */
export function fieldSeedArbitrary(): fc.Arbitrary<number> {
  return new FieldSeedArbitrary();
}

/** The fast-check arbitrary behind `factory.arbitrary()`. */
export function arbitraryOf(
  factory: AnyFactory,
  fixed: Record<string, unknown>,
  fixedTraits: readonly TraitRequest[] | undefined,
): fc.Arbitrary<unknown> {
  const definition = factory.definition;
  const plainTraits = [...definition.traits.values()].filter((trait) => trait.fn === undefined).map((trait) => trait.name);
  const traits: fc.Arbitrary<readonly TraitRequest[]> = fixedTraits !== undefined ? fc.constant(fixedTraits) : fc.subarray(plainTraits);
  const values: Record<string, fc.Arbitrary<unknown>> = {};
  const seeds: Record<string, fc.Arbitrary<number>> = {};
  const seedArbitrary = fieldSeedArbitrary();
  for (const attr of definition.attrs) {
    if (hasOwn(fixed, attr.name)) continue;
    if (attr.kind === 'arbitrary') values[attr.name] = attr.arbitrary;
    else if (attr.kind !== 'value') seeds[attr.name] = seedArbitrary;
  }
  for (const transient of definition.transients) seeds[transient.name] = seedArbitrary;
  // Sequences and unique() count per sample from a start fast-check draws (and keeps while shrinking),
  // so a seed replays the same values however many samples ran before.
  const sequenceStart = fc.noShrink(fc.nat());
  return fc
    .record({ traits, values: fc.record(values), seeds: fc.record(seeds), seed: seedArbitrary, sequenceStart })
    .map(({ traits: chosen, values: drawn, seeds: fieldSeeds, seed, sequenceStart: start }) =>
      buildWithSeeds(factory, cloneData(fixed), { traits: chosen, drawn }, seed, fieldSeeds, start),
    );
}
