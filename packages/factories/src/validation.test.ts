import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { defineFactory } from './factory/define.js';
import { memoryAdapter } from './persistence.js';
import { resetSequences } from './sequences.js';
import { verifyFactories } from './verify.js';
import { jestCommand } from '@proving-ground/kit';

/** This file as the replay line names it: relative to where Jest was started (the package or the repository root). */
const thisFile = relative(process.cwd(), fileURLToPath(import.meta.url));

const userSchema = z.object({ email: z.email(), age: z.number().int().min(18) });

describe('Factory.schema', () => {
  it('should validate every build against a Standard Schema (zod 4) and list every problem', () => {
    const User = defineFactory('user')
      .attr('email', ({ faker }) => faker.internet.email())
      .attr('age', 30)
      .schema(userSchema);

    const valid = User.build();
    const attempt = (): unknown => User.build({ email: 'not-an-email', age: 3 });

    expect(valid.age).toBe(30);
    expect(attempt).toThrow(
      `[factories] Failed to build "user": the built object does not match its schema: email: Invalid email address; age: Too small: expected number to be >=18. Fix the factory's defaults or the trait/overrides that produced it; replay its data with: FACTORIES_SEED=20260101 ${jestCommand()} ${thisFile} -t '^Factory\\.schema should validate every build against a Standard Schema \\(zod 4\\) and list every problem$'`,
    );
  });

  it('should validate against a JSON Schema through ajv', () => {
    const Product = defineFactory('product')
      .attr('sku', 'MUG-1')
      .attr('price', 5)
      .schema({
        type: 'object',
        required: ['sku', 'price'],
        properties: { sku: { type: 'string', pattern: '^[A-Z]+-\\d+$' }, price: { type: 'integer', minimum: 1 } },
      });

    expect(Product.build().sku).toBe('MUG-1');
    expect(() => Product.build({ sku: 'mug', price: 0 })).toThrow(
      expect.objectContaining({
        code: 'FACTORIES_INVALID_OBJECT',
        message: expect.stringContaining('sku: must match pattern "^[A-Z]+-\\d+$"; price: must be >= 1'),
      }),
    );
  });

  it('should check JSON Schema formats through ajv-formats when it is installed', () => {
    const Contact = defineFactory('contact')
      .attr('email', 'ann@example.test')
      .schema({ type: 'object', required: ['email'], properties: { email: { type: 'string', format: 'email' } } });

    expect(Contact.build().email).toBe('ann@example.test');
    expect(() => Contact.build({ email: 'not an email' })).toThrow(
      expect.objectContaining({ code: 'FACTORIES_INVALID_OBJECT', message: expect.stringContaining('email: must match format "email"') }),
    );
  });

  it('should validate with a function returning problems', () => {
    const Range = defineFactory('range')
      .attr('from', 1)
      .attr('to', 2)
      .schema((range) => (range.from <= range.to ? [] : [`from ${range.from} is after to ${range.to}`]));

    expect(() => Range.build({ from: 3 })).toThrow('from 3 is after to 2');
  });
});

describe('Factory.schema with an invalid schema', () => {
  it.each([
    ['a number', 42, 'got number 42'],
    ['null', null, 'got null'],
    ['an array', [], 'got an array'],
  ])('should refuse %s when .schema() is called, naming the factory', (_label, schema, reason) => {
    const attempt = (): unknown =>
      defineFactory('widget')
        .attr('n', 1)
        .schema(schema as never);

    expect(attempt).toThrow(
      expect.objectContaining({
        code: 'FACTORIES_INVALID_SCHEMA',
        message: expect.stringContaining(
          `[factories] Failed to define "widget": its schema is invalid: expected a Standard Schema, a JSON Schema object or a function, ${reason}.`,
        ),
      }),
    );
  });

  it('should refuse a JSON Schema with a misspelled keyword when .schema() is called (ajv strict mode)', () => {
    const attempt = (): unknown =>
      defineFactory('gadget')
        .attr('n', 1)
        .schema({ type: 'object', propertiez: { n: { type: 'string' } } });

    expect(attempt).toThrow(
      expect.objectContaining({
        code: 'FACTORIES_INVALID_SCHEMA',
        message: expect.stringMatching(
          /^\[factories\] Failed to define "gadget": its schema is invalid: ajv refused the JSON Schema: .*unknown keyword: "propertiez"/,
        ),
        cause: expect.any(Error),
      }),
    );
  });

  it('should refuse an object whose "~standard" has no validate function', () => {
    const attempt = (): unknown => defineFactory('gizmo').schema({ '~standard': { version: 1 } });

    expect(attempt).toThrow(expect.objectContaining({ code: 'FACTORIES_INVALID_SCHEMA', message: expect.stringContaining('"gizmo"') }));
  });
});

describe('verifyFactories', () => {
  it('should build every factory with every trait combination and report each invalid one (later traits win)', () => {
    const Account = defineFactory('account')
      .attr('email', 'ann@example.test')
      .attr('age', 30)
      .trait('minor', { age: 12 })
      .trait('anonymous', { email: '' })
      .trait('named', { email: 'bob@example.test' })
      .schema(userSchema);
    const Fine = defineFactory('fine').attr('x', 1).trait('two', { x: 2 });

    const report = verifyFactories({ factories: [Account, Fine], throwOnFailure: false });

    expect(report.checked).toBe(8 + 2);
    expect(report.failures.map((failure) => failure.traits.join('+'))).toEqual([
      'minor',
      'anonymous',
      'minor+anonymous',
      'minor+named',
      'minor+anonymous+named',
    ]);
    expect(report.failures.every((failure) => failure.factory === 'account')).toBe(true);
  });

  it('should throw listing every failure by default', () => {
    const Broken = defineFactory('broken')
      .attr('n', 1)
      .trait('negative', { n: -1 })
      .schema((value) => (value.n > 0 ? true : ['n must be positive']));

    expect(() => verifyFactories({ factories: [Broken] })).toThrow(
      /^\[factories\] Failed to verify factories: 1 of 2 factory and trait combinations are invalid when built:\n {2}- broken with negative: .*n must be positive/,
    );
  });

  it('should name an unknown factory and the defined ones', () => {
    defineFactory('customer').attr('x', 1);

    expect(() => verifyFactories({ factories: ['custmer' as never] })).toThrow(
      expect.objectContaining({
        code: 'FACTORIES_UNKNOWN_FACTORY',
        message: expect.stringContaining('unknown factory "custmer" (did you mean "customer"?)'),
      }),
    );
  });

  it('should name an unknown factory given to resetSequences', () => {
    defineFactory('customer').attr('x', 1);

    expect(() => resetSequences('custmer' as never)).toThrow(
      expect.objectContaining({
        code: 'FACTORIES_UNKNOWN_FACTORY',
        message: expect.stringContaining('"custmer" (did you mean "customer"?)'),
      }),
    );
  });

  it('should report every problem of its options at once', () => {
    const attempt = (): unknown => verifyFactories({ into: 'memory', maxCombinationTraits: -1, strict: true } as never);

    expect(attempt).toThrow(
      '[factories] Failed to verify factories: 3 problems in the options.\n- maxCombinationTraits: expected a whole number from 0 to 16, got -1.\n- strict: unknown option. Known options: factories, maxCombinationTraits, throwOnFailure, strategy, into.\n- into: only with strategy: "create".\nFix the options passed to verifyFactories().',
    );
  });

  it('should skip parameterized traits and say so', () => {
    const Leveled = defineFactory('leveled')
      .attr('level', 0)
      .trait('level', (level: number) => ({ level }));

    const report = verifyFactories({ factories: [Leveled] });

    expect(report.skipped).toEqual(['leveled.level']);
  });
});

describe('verifyFactories with strategy: create', () => {
  const accounts = memoryAdapter({ assign: (row: { email: string; age: number }, position) => ({ id: position + 1, ...row }) });
  const Account = defineFactory('account')
    .attr('email', 'ann@example.test')
    .attr('age', 30)
    .transient('locked', false)
    .trait('locked', { locked: true })
    .trait('senior', { age: 70 })
    .persistWith(accounts)
    .afterCreate((account, { transient }) => {
      if (transient['locked'] === true && account.age > 65) throw new Error(`account ${account.id} cannot be locked: seniors keep access`);
    });
  const Note = defineFactory('note').attr('text', 'hello');

  it('should create every combination into a throwaway memory store and report a failing afterCreate', async () => {
    accounts.clear();

    const report = await verifyFactories({ strategy: 'create', into: 'memory', factories: [Account, Note], throwOnFailure: false });

    expect(accounts.rows).toEqual([]);
    expect(report).toMatchObject({ strategy: 'create', checked: 4 + 1, builtOnly: [] });
    expect(report.failures.map((failure) => [failure.factory, failure.traits])).toEqual([['account', ['locked', 'senior']]]);
    expect(report.failures[0]!.message).toContain('seniors keep access');
  });

  it("should create through the factories' own adapters by default and build factories that have none", async () => {
    accounts.clear();

    const attempt = verifyFactories({ strategy: 'create', factories: [Account, Note] });

    await expect(attempt).rejects.toThrow(
      /1 of 5 factory and trait combinations are invalid when created:\n {2}- account with locked \+ senior: /,
    );
    expect(accounts.rows).toHaveLength(4);
  });

  it('should list factories without an adapter as built only', async () => {
    const report = await verifyFactories({ strategy: 'create', factories: [Note] });

    expect(report).toMatchObject({ checked: 1, failures: [], builtOnly: ['note'] });
  });
});
