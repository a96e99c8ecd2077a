import { describe, expect, it } from '@jest/globals';
import * as v from 'valibot';
import { z } from 'zod';
import { compileSchema, contractMatchers, isContractError, loadApiSpec, validateAgainstSchema } from '../src/index.js';
import { schemaCompileCount } from '../src/schema/validator.js';

expect.extend(contractMatchers);

const extras = (value: unknown, schema: Parameters<typeof validateAgainstSchema>[1], allow?: string[]): string[] =>
  validateAgainstSchema(value, schema, allow === undefined ? {} : { allow })
    .filter((violation) => violation.extraField !== undefined)
    .map((violation) => violation.path);

describe('toMatchSchema strictness', () => {
  it('should reject extras at every depth of an open schema, except under allow-listed paths', () => {
    const schema = {
      type: 'object',
      additionalProperties: true,
      properties: {
        meta: { type: 'object' },
        lines: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' } } } },
      },
    };
    const value = { meta: { build: 'x' }, lines: [{ sku: 'a', debug: 1 }, { sku: 'b' }], extra: true };

    expect(extras(value, schema)).toEqual(['$.extra', '$.lines[0].debug', '$.meta.build']);
    expect(extras(value, schema, ['$.meta.*', '$.lines[*].debug'])).toEqual(['$.extra']);
  });

  it('should evaluate allOf, $ref and if/then/else parts together', () => {
    const schema = {
      $defs: { Base: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'], additionalProperties: false } },
      allOf: [{ $ref: '#/$defs/Base' }, { properties: { kind: { enum: ['card', 'bank'] } } }],
      if: { properties: { kind: { const: 'card' } } },
      then: { properties: { last4: { type: 'string' } } },
      else: { properties: { iban: { type: 'string' } } },
    };

    expect(validateAgainstSchema({ id: 1, kind: 'card', last4: '4242' }, schema)).toEqual([]);
    expect(validateAgainstSchema({ id: 1, kind: 'bank', iban: 'x' }, schema)).toEqual([]);
    expect(extras({ id: 1, kind: 'card', iban: 'x' }, schema)).toEqual(['$.iban']);
    expect(extras({ id: 1, kind: 'bank', last4: '1', other: 2 }, schema)).toEqual(['$.last4', '$.other']);
  });

  it('should tell oneOf and anyOf branches apart and reject fields no branch declares', () => {
    const schema = {
      type: 'object',
      properties: {
        payment: {
          oneOf: [
            { type: 'object', properties: { card: { type: 'string' } }, required: ['card'] },
            { type: 'object', properties: { iban: { type: 'string' } }, required: ['iban'] },
          ],
        },
        tags: { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'object', properties: { label: { type: 'string' } } }] } },
      },
    };

    expect(validateAgainstSchema({ payment: { card: 'x' }, tags: ['a', { label: 'b' }] }, schema)).toEqual([]);
    expect(validateAgainstSchema({ payment: { card: 'x', iban: 'y' } }, schema).length).toBeGreaterThan(0);
    expect(extras({ payment: { iban: 'y' }, tags: [{ label: 'b', colour: 'red' }] }, schema)).toEqual(['$.tags[0].colour']);
  });

  it('should report only the real extra field of a value no closed oneOf branch accepts, and let an allowed one through', () => {
    // Arrange: the author closed both branches to tell them apart
    const schema = {
      $defs: {
        A: { type: 'object', properties: { kind: { const: 'a' }, x: { type: 'string' } }, required: ['kind'], additionalProperties: false },
        B: { type: 'object', properties: { kind: { const: 'b' }, y: { type: 'string' } }, required: ['kind'], additionalProperties: false },
      },
      type: 'object',
      properties: { event: { oneOf: [{ $ref: '#/$defs/A' }, { $ref: '#/$defs/B' }] } },
    };
    const flat = { oneOf: [schema.$defs.A, schema.$defs.B] };
    const value = { kind: 'a', x: 's', debug: 1 };

    // Act
    const strict = validateAgainstSchema(value, flat);
    const allowed = validateAgainstSchema(value, flat, { allow: ['$.debug'] });
    const nested = validateAgainstSchema({ event: value }, schema);
    const nestedAllowed = validateAgainstSchema({ event: value }, schema, { allow: ['$.event.debug'] });
    const otherAllowed = validateAgainstSchema({ event: { ...value, trace: 't' } }, schema, { allow: ['$.event.debug'] });

    // Assert
    expect(strict.map((violation) => `${violation.path} ${violation.keyword}`)).toEqual(['$.debug unevaluatedProperties']);
    expect(allowed).toEqual([]);
    expect(nested.map((violation) => violation.path)).toEqual(['$.event.debug']);
    expect(nestedAllowed).toEqual([]);
    expect(otherAllowed.map((violation) => violation.path)).toEqual(['$.event.trace']);
    expect(validateAgainstSchema({ kind: 'b', y: 's' }, flat)).toEqual([]);
    expect(validateAgainstSchema({ kind: 'b', x: 's' }, flat, { allow: ['$.debug'] }).length).toBeGreaterThan(0);
  });

  it('should reject an invalid allow pattern even when the data is valid', () => {
    // Arrange
    const schema = { type: 'object', properties: { id: { type: 'integer' } } };

    // Act
    const run = (): unknown => validateAgainstSchema({ id: 1 }, schema, { allow: ['meta.*'] });
    const runStandard = (): unknown => validateAgainstSchema({ id: 1 }, z.object({ id: z.number() }), { allow: ['meta.*'] });

    // Assert
    expect(run).toThrow(/Failed to read the "allow" option: "meta\.\*" is not a JSONPath pattern/);
    expect(runStandard).toThrow(/Failed to read the "allow" option/);
  });

  it('should accept fields matched by patternProperties and reject the others', () => {
    const schema = { type: 'object', patternProperties: { '^x-': { type: 'string' } }, properties: { id: { type: 'string' } } };

    expect(validateAgainstSchema({ id: 'a', 'x-trace': 't' }, schema)).toEqual([]);
    expect(extras({ id: 'a', 'x-trace': 't', trace: 't' }, schema)).toEqual(['$.trace']);
  });

  it('should read draft-07 schemas and OpenAPI component references strictly', () => {
    const draft07 = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      definitions: { Line: { type: 'object', properties: { sku: { type: 'string' } } } },
      type: 'object',
      properties: { lines: { type: 'array', items: { $ref: '#/definitions/Line' } } },
    };
    const api = loadApiSpec(
      {
        openapi: '3.0.3',
        info: { title: 't', version: '1' },
        paths: {},
        components: {
          schemas: {
            Money: {
              type: 'object',
              properties: { amount: { type: 'number', minimum: 0, exclusiveMinimum: true }, note: { type: 'string', nullable: true } },
            },
            Order: { type: 'object', properties: { total: { $ref: '#/components/schemas/Money' } }, required: ['total'] },
          },
        },
      },
      { name: 'orders-3.0.yaml' },
    );

    expect(extras({ lines: [{ sku: 'a', qty: 1 }] }, draft07)).toEqual(['$.lines[0].qty']);
    expect(validateAgainstSchema({ total: { amount: 1, note: null } }, api.schema('Order'))).toEqual([]);
    expect(extras({ total: { amount: 1, currency: 'EUR' } }, api.schema('Order'))).toEqual(['$.total.currency']);
    expect(validateAgainstSchema({ total: { amount: 0 } }, api.schema('Order'))).toEqual([
      expect.objectContaining({ path: '$.total.amount', keyword: 'exclusiveMinimum', actual: 0 }),
    ]);
  });

  it('should list every violation with its path, expected and actual value and the extra field names', () => {
    const schema = {
      type: 'object',
      properties: { id: { type: 'integer' }, status: { enum: ['open', 'closed'] } },
      required: ['id', 'status'],
    };

    const run = (): void => expect({ id: 'seven', status: 'lost', owner: 'ops' }).toMatchSchema(schema);

    expect(run).toThrow(/3 violations/);
    expect(run).toThrow(/\$\.id: must be integer\n\s+expected: type integer\n\s+actual: {3}"seven"/);
    expect(run).toThrow(/\$\.status: .*\n\s+expected: one of \["open","closed"\]\n\s+actual: {3}"lost"/);
    expect(run).toThrow(/\$\.owner: extra field "owner" is not declared/);
  });
});

describe('toMatchSchema with Standard Schema', () => {
  it('should apply zod refinements and still reject undeclared fields in the same report', () => {
    const schema = z.object({
      code: z.string().refine((code) => code.startsWith('A'), 'must start with A'),
      nested: z.object({ n: z.number() }),
    });

    const violations = validateAgainstSchema({ code: 'B1', nested: { n: 1, leak: 'x' } }, schema);

    expect(violations.map((violation) => [violation.path, violation.message])).toEqual([
      ['$.code', 'must start with A'],
      ['$.nested.leak', 'extra field "leak" is not declared by the schema'],
    ]);
  });

  it('should reject extras of zod loose objects too (strict by default) and handle transforms', () => {
    const loose = z.looseObject({ a: z.number() });
    const transformed = z.object({ at: z.string().transform((text) => new Date(text)) });

    expect(extras({ a: 1, b: 2 }, loose)).toEqual(['$.b']);
    expect(validateAgainstSchema({ a: 1, b: 2 }, loose, { strict: false })).toEqual([]);
    expect(validateAgainstSchema({ at: '2024-01-01' }, transformed)).toEqual([]);
    expect(extras({ at: '2024-01-01', tz: 'UTC' }, transformed)).toEqual(['$.tz']);
  });

  it('should find fields valibot strips, at any depth (loose valibot objects keep theirs: documented)', () => {
    const schema = v.object({ lines: v.array(v.object({ sku: v.string() })) });
    const loose = v.looseObject({ a: v.number() });

    expect(extras({ lines: [{ sku: 'a', price: 1 }], more: 1 }, schema)).toEqual(['$.lines[0].price', '$.more']);
    expect(extras({ a: 1, b: 2 }, loose)).toEqual([]);
  });
});

describe('compileSchema cache', () => {
  it('should not compile an equal schema in a new object again, counted by compiles', () => {
    const make = (): Record<string, unknown> => ({
      type: 'object',
      properties: { unique: { const: 'compile-counter-test' }, n: { type: 'integer' } },
    });
    const before = schemaCompileCount();

    const first = compileSchema(make());
    const afterFirst = schemaCompileCount();
    for (let round = 0; round < 5; round++) expect({ unique: 'compile-counter-test', n: round }).toMatchSchema(make());
    const reordered = compileSchema({ properties: { n: { type: 'integer' }, unique: { const: 'compile-counter-test' } }, type: 'object' });

    expect(afterFirst - before).toBe(1);
    expect(schemaCompileCount()).toBe(afterFirst);
    expect(reordered).toBe(first);
  });

  it('should fail an invalid schema with the file and JSONPath of each problem, the same error every time', () => {
    const schema = { type: 'object', properties: { id: { type: 'integr' }, tags: { type: 'array', items: { $ref: '#/$defs/Nope' } } } };
    const errors: unknown[] = [];
    const before = schemaCompileCount();

    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        compileSchema(structuredClone(schema), { source: 'order.schema.json' });
      } catch (error) {
        errors.push(error);
      }
    }

    expect(errors).toHaveLength(2);
    expect(errors[1]).toBe(errors[0]);
    expect(isContractError(errors[0]) && errors[0].code).toBe('CONTRACT_INVALID_SCHEMA');
    const message = (errors[0] as Error).message;
    expect(message).toContain('order.schema.json $.properties.id.type: "integr" is not a JSON Schema type (did you mean "integer"?)');
    expect(message).toContain('order.schema.json $.properties.tags.items.$ref: "$ref" points at #/$defs/Nope');
    expect(message.match(/order\.schema\.json \$/g)).toHaveLength(2);
    expect(schemaCompileCount()).toBe(before);
  });
});
