import { describe, expect, it } from '@jest/globals';
import { DEFAULT_RUN_SEED, SeededRandom, deriveSeed, hashString, parseRunSeed } from './seed.js';
import { defineFactory } from './factory/define.js';

describe('hashString', () => {
  it('should give the same 32-bit hash for the same text on every run', () => {
    expect(hashString('email')).toBe(hashString('email'));
    expect(hashString('email')).not.toBe(hashString('emails'));
    expect(hashString('email')).toBeGreaterThanOrEqual(0);
    expect(hashString('email')).toBeLessThan(2 ** 32);
  });
});

describe('deriveSeed', () => {
  it('should give unrelated children for different keys and the same child for the same key', () => {
    const parent = 12345;

    const children = [1, 2, 3].map((key) => deriveSeed(parent, key));

    expect(new Set(children).size).toBe(3);
    expect(deriveSeed(parent, 2)).toBe(children[1]);
  });
});

describe('SeededRandom', () => {
  it('should replay the same numbers in [0, 1) from the same seed', () => {
    const first = new SeededRandom(7);
    const second = new SeededRandom(0);
    second.seed(7);

    const a = Array.from({ length: 5 }, () => first.next());
    const b = Array.from({ length: 5 }, () => second.next());

    expect(a).toEqual(b);
    expect(a.every((value) => value >= 0 && value < 1)).toBe(true);
  });
});

describe('parseRunSeed', () => {
  it('should default to a fixed seed, read a number, or draw one for "random"', () => {
    expect(parseRunSeed(undefined)).toEqual({ seed: DEFAULT_RUN_SEED, source: 'default' });
    expect(parseRunSeed(' 42 ')).toEqual({ seed: 42, source: 'env' });
    expect(parseRunSeed('random', () => 0.5)).toEqual({ seed: 2 ** 31, source: 'random' });
  });

  it('should refuse anything else, naming the variable and how to fix it', () => {
    expect(() => parseRunSeed('12abc')).toThrow(
      '[factories] Failed to read the run seed: FACTORIES_SEED="12abc" is not a whole number from 0 to 4294967295 or "random". Set FACTORIES_SEED to the number a failing test printed, or unset it.',
    );
    expect(() => parseRunSeed('4294967296')).toThrow(expect.objectContaining({ code: 'FACTORIES_INVALID_SEED' }));
  });
});

describe('per-field seeds', () => {
  const Person = defineFactory('person')
    .attr('name', ({ faker }) => faker.person.fullName())
    .attr('city', ({ faker }) => faker.location.city());

  it('should give each build of a test its own values', () => {
    const [first, second] = Person.buildList(2);

    expect(first).not.toEqual(second);
  });

  it('should keep a field the same when another field is overridden, added or removed', () => {
    const Extended = defineFactory('person')
      .attr('title', ({ faker }) => faker.person.jobTitle())
      .attr('name', ({ faker }) => faker.person.fullName())
      .attr('nickname', ({ faker }) => faker.person.firstName())
      .attr('city', ({ faker }) => faker.location.city());

    const plain = Person.build(undefined, { seed: 99 });
    const overridden = Person.build({ name: 'Ann' }, { seed: 99 });
    const extended = Extended.build(undefined, { seed: 99 });

    expect(overridden.city).toBe(plain.city);
    expect([extended.name, extended.city]).toEqual([plain.name, plain.city]);
  });

  it('should give the same object for the same explicit seed', () => {
    expect(Person.build(undefined, { seed: 5 })).toEqual(Person.build(undefined, { seed: 5 }));
    expect(Person.build(undefined, { seed: 5 })).not.toEqual(Person.build(undefined, { seed: 6 }));
  });
});
