import { describe, expect, it } from '@jest/globals';
import * as v from 'valibot';
import { z } from 'zod';
import { isContractError } from '../errors.js';
import { compileSchema, schemaCompileCount, validateAgainstSchema } from './validator.js';

const base = {
  $defs: {
    Base: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'], additionalProperties: false },
    Named: { allOf: [{ $ref: '#/$defs/Base' }, { properties: { name: { type: 'string' } } }] },
  },
};

describe('validateAgainstSchema', () => {
  it('should reject extra properties at every depth even where additionalProperties is left open', () => {
    const schema = {
      type: 'object',
      properties: { customer: { type: 'object', properties: { name: { type: 'string' } }, additionalProperties: true } },
    };

    const violations = validateAgainstSchema({ customer: { name: 'Ann', email: 'ann@corp.example' }, debug: 1 }, schema);

    expect(violations.map((violation) => [violation.path, violation.extraField])).toEqual([
      ['$.customer.email', 'email'],
      ['$.debug', 'debug'],
    ]);
  });

  it('should accept allOf composition of a closed base without the false failure of additionalProperties', () => {
    const schema = { $ref: '#/$defs/Named', ...base };

    const valid = validateAgainstSchema({ id: 1, name: 'x' }, schema);
    const invalid = validateAgainstSchema({ id: 1, name: 'x', extra: true }, schema);

    expect(valid).toEqual([]);
    expect(invalid.map((violation) => violation.path)).toEqual(['$.extra']);
  });

  it('should keep oneOf branches the author closed apart', () => {
    const schema = {
      oneOf: [
        { type: 'object', properties: { meow: { type: 'boolean' } }, additionalProperties: false },
        { type: 'object', properties: { bark: { type: 'boolean' } }, additionalProperties: false },
      ],
    };

    expect(validateAgainstSchema({ meow: true }, schema)).toEqual([]);
    expect(validateAgainstSchema({ meow: true, bark: true }, schema)).not.toEqual([]);
  });

  it('should list every violation with its path, the expected and the actual value', () => {
    const schema = {
      type: 'object',
      properties: { id: { type: 'integer' }, email: { type: 'string', format: 'email' }, status: { enum: ['open', 'closed'] } },
      required: ['id', 'email', 'status'],
    };

    const violations = validateAgainstSchema({ id: '7', email: 'nope' }, schema);

    expect(violations).toEqual([
      expect.objectContaining({ path: '$.email', keyword: 'format', expected: 'format "email"', actual: 'nope' }),
      expect.objectContaining({ path: '$.id', keyword: 'type', expected: 'type integer', actual: '7' }),
      expect.objectContaining({ path: '$.status', keyword: 'required', actual: undefined }),
    ]);
  });

  it('should accept extra fields under an allow-listed path only', () => {
    const schema = {
      type: 'object',
      properties: { meta: { type: 'object' }, items: { type: 'array', items: { type: 'object', properties: { a: {} } } } },
    };
    const value = { meta: { build: 'x' }, items: [{ a: 1, debug: true }], other: 1 };

    const violations = validateAgainstSchema(value, schema, { allow: ['$.meta.*', '$.items[*].debug'] });

    expect(violations.map((violation) => violation.path)).toEqual(['$.other']);
  });

  it('should keep the schema open with strict: false', () => {
    expect(validateAgainstSchema({ a: 1, b: 2 }, { type: 'object', properties: { a: {} } }, { strict: false })).toEqual([]);
  });

  it('should convert draft-07 schemas (definitions, tuple items, dependencies)', () => {
    const schema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      definitions: { point: { type: 'array', items: [{ type: 'number' }, { type: 'number' }], additionalItems: false } },
      type: 'object',
      properties: { at: { $ref: '#/definitions/point' }, card: { type: 'string' }, cvc: { type: 'string' } },
      dependencies: { card: ['cvc'] },
    };

    expect(validateAgainstSchema({ at: [1, 2] }, schema)).toEqual([]);
    expect(
      validateAgainstSchema({ at: [1, 2, 3], card: 'x' }, schema)
        .map((violation) => violation.keyword)
        .sort(),
    ).toEqual(['dependentRequired', 'items']);
  });

  it('should make zod object schemas strict at every depth through their JSON Schema', () => {
    const schema = z.object({ id: z.number(), customer: z.object({ name: z.string() }) });

    const violations = validateAgainstSchema({ id: 1, customer: { name: 'a', ssn: '078-05-1120' } }, schema);

    expect(violations.map((violation) => violation.path)).toEqual(['$.customer.ssn']);
  });

  it('should find fields a valibot schema strips, and report its issues with paths', () => {
    const schema = v.object({ id: v.number(), tags: v.array(v.object({ name: v.string() })) });

    const extras = validateAgainstSchema({ id: 1, tags: [{ name: 'a', secret: 's' }] }, schema);
    const issues = validateAgainstSchema({ id: 'x', tags: [] }, schema);

    expect(extras.map((violation) => violation.path)).toEqual(['$.tags[0].secret']);
    expect(issues.map((violation) => violation.path)).toEqual(['$.id']);
  });
});

describe('compileSchema', () => {
  it('should not compile an equal schema in a new object again', () => {
    const make = (): Record<string, unknown> => ({ type: 'object', properties: { n: { type: 'number', minimum: 41 } } });
    compileSchema(make());
    const before = schemaCompileCount();

    const again = compileSchema(make());

    expect(schemaCompileCount()).toBe(before);
    expect(again.validate({ n: 40 })).toHaveLength(1);
  });

  it('should name the JSONPath of every problem of an invalid schema, with did-you-mean', () => {
    const schema = {
      type: 'object',
      properties: { id: { type: 'strnig' }, tags: { type: 'array', itmes: { type: 'string' } } },
      requried: ['id'],
    };

    let caught: unknown;
    try {
      compileSchema(schema, { source: 'order.schema.json' });
    } catch (error) {
      caught = error;
    }

    expect(isContractError(caught) && caught.code).toBe('CONTRACT_INVALID_SCHEMA');
    const message = (caught as Error).message;
    expect(message).toContain('order.schema.json $.properties.id.type: "strnig" is not a JSON Schema type (did you mean "string"?)');
    expect(message).toContain('$.properties.tags.itmes: unknown keyword "itmes" (did you mean "items"?)');
    expect(message).toContain('$.requried: unknown keyword "requried" (did you mean "required"?)');
  });

  it('should report a $ref that points nowhere', () => {
    expect(() => compileSchema({ properties: { a: { $ref: '#/$defs/Missing' } } })).toThrow(
      '$.properties.a.$ref: "$ref" points at #/$defs/Missing, which does not exist in the document',
    );
  });
});
