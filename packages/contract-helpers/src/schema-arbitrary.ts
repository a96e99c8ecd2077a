import fc from 'fast-check';
import { ContractError } from './errors.js';
import { isPlainObject, resolveLocalRef } from './internal/schema-walk.js';
import { detectDialect, toDraft2020 } from './schema-dialect.js';
import { compileSchema, type SchemaInput } from './schema-validator.js';
import type { SchemaDirection } from './strict-schema.js';

/** Options of {@link arbitraryFromSchema}. */
export interface SchemaArbitraryOptions {
  /** Leave out `writeOnly` fields (responses) or `readOnly` ones (requests). */
  direction?: SchemaDirection;
  /** The largest array length generated where the schema sets none (default 4). */
  maxItems?: number;
  /** How deep recursive schemas go before they stop (default 4). */
  maxDepth?: number;
}

type Schema = Record<string, unknown>;

function jsonSchemaOf(schema: SchemaInput): unknown {
  if (typeof schema === 'object' && schema !== null && '~standard' in schema) {
    const output = (schema as { '~standard': { jsonSchema?: { output(options: { target: string }): Record<string, unknown> } } })[
      '~standard'
    ].jsonSchema?.output({ target: 'draft-2020-12' });
    if (output === undefined) {
      throw new ContractError(
        'CONTRACT_INVALID_SCHEMA',
        '[contract-helpers] Failed to build an arbitrary: this Standard Schema has no JSON Schema (Standard JSON Schema). Use a zod 4 schema or a JSON Schema.',
      );
    }
    const rest: Record<string, unknown> = { ...output };
    delete rest['~standard'];
    return rest;
  }
  return toDraft2020(schema, detectDialect(schema));
}

function mergeAll(parts: Schema[]): Schema {
  const merged: Schema = {};
  for (const part of parts) {
    for (const [key, value] of Object.entries(part)) {
      if (key === 'properties' && isPlainObject(value))
        merged['properties'] = { ...(merged['properties'] as Schema | undefined), ...value };
      else if (key === 'required' && Array.isArray(value))
        merged['required'] = [...new Set([...((merged['required'] as string[] | undefined) ?? []), ...(value as string[])])];
      else if (key !== 'allOf') merged[key] ??= value;
    }
  }
  return merged;
}

class Builder {
  constructor(
    private readonly root: unknown,
    private readonly options: SchemaArbitraryOptions,
  ) {}

  resolve(schema: unknown, seen = 0): unknown {
    if (!isPlainObject(schema) || seen > 20) return schema;
    let current: Schema = schema;
    if (typeof current['$ref'] === 'string') {
      const { $ref, ...rest } = current;
      const target = resolveLocalRef(this.root, $ref);
      if (target === undefined)
        throw new ContractError(
          'CONTRACT_INVALID_SCHEMA',
          `[contract-helpers] Failed to build an arbitrary: "$ref" ${String($ref)} does not resolve. Fix the schema.`,
        );
      const resolved = this.resolve(target, seen + 1);
      current = Object.keys(rest).length === 0 && isPlainObject(resolved) ? resolved : mergeAll([rest, resolved as Schema]);
    }
    if (Array.isArray(current['allOf'])) {
      const { allOf, ...rest } = current;
      current = mergeAll([rest, ...(allOf as unknown[]).map((part): Schema => this.resolve(part, seen + 1) as Schema)]);
    }
    return current;
  }

  build(input: unknown, depth: number): fc.Arbitrary<unknown> {
    const schema = this.resolve(input);
    if (
      schema === true ||
      (isPlainObject(schema) &&
        Object.keys(schema).filter(
          (key) => !['description', 'title', 'examples', 'example', '$schema', 'components', '$defs'].includes(key),
        ).length === 0)
    ) {
      return depth >= (this.options.maxDepth ?? 4) ? fc.constant(null) : fc.jsonValue({ maxDepth: 1 });
    }
    if (schema === false || !isPlainObject(schema)) return fc.constant(null);
    if ('const' in schema) return fc.constant(schema['const']);
    if (Array.isArray(schema['enum'])) return fc.constantFrom(...(schema['enum'] as unknown[]));
    for (const keyword of ['oneOf', 'anyOf'] as const) {
      const branches = schema[keyword];
      if (Array.isArray(branches) && branches.length > 0) {
        const rest: Schema = { ...schema };
        delete rest[keyword];
        return fc.oneof(...branches.map((branch: unknown) => this.build(mergeAll([rest, this.resolve(branch) as Schema]), depth)));
      }
    }
    const type = schema['type'];
    const types = Array.isArray(type) ? (type as string[]) : typeof type === 'string' ? [type] : this.guessTypes(schema);
    if (types.length > 1) return fc.oneof(...types.map((entry) => this.build({ ...schema, type: entry }, depth)));
    switch (types[0]) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
        return this.integer(schema);
      case 'number':
        return this.number(schema);
      case 'string':
        return this.string(schema);
      case 'array':
        return this.array(schema, depth);
      default:
        return this.object(schema, depth);
    }
  }

  private guessTypes(schema: Schema): string[] {
    if (schema['properties'] !== undefined || schema['required'] !== undefined || schema['additionalProperties'] !== undefined)
      return ['object'];
    if (schema['items'] !== undefined || schema['prefixItems'] !== undefined) return ['array'];
    if (schema['minLength'] !== undefined || schema['pattern'] !== undefined || schema['format'] !== undefined) return ['string'];
    if (schema['minimum'] !== undefined || schema['maximum'] !== undefined) return ['number'];
    return ['string', 'integer', 'boolean', 'null'];
  }

  private integer(schema: Schema): fc.Arbitrary<unknown> {
    const min =
      typeof schema['exclusiveMinimum'] === 'number'
        ? Math.floor(schema['exclusiveMinimum']) + 1
        : typeof schema['minimum'] === 'number'
          ? Math.ceil(schema['minimum'])
          : -1_000_000;
    const max =
      typeof schema['exclusiveMaximum'] === 'number'
        ? Math.ceil(schema['exclusiveMaximum']) - 1
        : typeof schema['maximum'] === 'number'
          ? Math.floor(schema['maximum'])
          : 1_000_000;
    const step = typeof schema['multipleOf'] === 'number' && Number.isInteger(schema['multipleOf']) ? schema['multipleOf'] : 1;
    return fc
      .integer({ min: Math.ceil(min / step), max: Math.max(Math.ceil(min / step), Math.floor(max / step)) })
      .map((value) => value * step);
  }

  private number(schema: Schema): fc.Arbitrary<unknown> {
    const min =
      typeof schema['minimum'] === 'number'
        ? schema['minimum']
        : typeof schema['exclusiveMinimum'] === 'number'
          ? schema['exclusiveMinimum']
          : -1e6;
    const max =
      typeof schema['maximum'] === 'number'
        ? schema['maximum']
        : typeof schema['exclusiveMaximum'] === 'number'
          ? schema['exclusiveMaximum']
          : 1e6;
    return fc.double({
      min,
      max,
      noNaN: true,
      noDefaultInfinity: true,
      minExcluded: typeof schema['exclusiveMinimum'] === 'number',
      maxExcluded: typeof schema['exclusiveMaximum'] === 'number',
    });
  }

  private string(schema: Schema): fc.Arbitrary<unknown> {
    const minLength = typeof schema['minLength'] === 'number' ? schema['minLength'] : 0;
    const maxLength = typeof schema['maxLength'] === 'number' ? schema['maxLength'] : Math.max(minLength, 24);
    const fit = (arbitrary: fc.Arbitrary<string>): fc.Arbitrary<unknown> =>
      arbitrary.filter((value) => value.length >= minLength && value.length <= maxLength);
    switch (schema['format']) {
      case 'email':
        return fit(fc.emailAddress());
      case 'uuid':
        return fc.uuid();
      case 'date-time':
        return fc
          .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
          .map((date) => date.toISOString());
      case 'date':
        return fc
          .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
          .map((date) => date.toISOString().slice(0, 10));
      case 'uri':
      case 'url':
        return fit(fc.webUrl());
      case 'ipv4':
        return fc.ipV4();
      case 'ipv6':
        return fc.ipV6();
      case 'hostname':
        return fit(fc.domain());
    }
    if (typeof schema['pattern'] === 'string') return fit(fc.stringMatching(new RegExp(schema['pattern'], 'u')));
    return fc.string({ minLength, maxLength });
  }

  private array(schema: Schema, depth: number): fc.Arbitrary<unknown> {
    const prefix = Array.isArray(schema['prefixItems']) ? schema['prefixItems'].map((item: unknown) => this.build(item, depth + 1)) : [];
    const minLength = typeof schema['minItems'] === 'number' ? schema['minItems'] : 0;
    const cap = depth >= (this.options.maxDepth ?? 4) ? minLength : Math.max(minLength, this.options.maxItems ?? 4);
    const maxLength = typeof schema['maxItems'] === 'number' ? Math.min(schema['maxItems'], Math.max(cap, minLength)) : cap;
    const items = schema['items'] === undefined || schema['items'] === false ? undefined : this.build(schema['items'], depth + 1);
    if (prefix.length > 0) {
      const tuple = fc.tuple(...prefix);
      return items === undefined
        ? tuple
        : fc.tuple(tuple, fc.array(items, { maxLength: Math.max(0, maxLength - prefix.length) })).map(([head, tail]) => [...head, ...tail]);
    }
    if (items === undefined) return fc.constant([]);
    return schema['uniqueItems'] === true
      ? fc.uniqueArray(items, { minLength, maxLength, selector: (value) => JSON.stringify(value) })
      : fc.array(items, { minLength, maxLength });
  }

  private object(schema: Schema, depth: number): fc.Arbitrary<unknown> {
    const hidden = this.options.direction === 'response' ? 'writeOnly' : this.options.direction === 'request' ? 'readOnly' : undefined;
    const properties = Object.entries(isPlainObject(schema['properties']) ? schema['properties'] : {}).filter(
      ([, property]) => hidden === undefined || !(isPlainObject(property) && property[hidden] === true),
    );
    const required = new Set(Array.isArray(schema['required']) ? (schema['required'] as string[]) : []);
    const tooDeep = depth >= (this.options.maxDepth ?? 4);
    const shape: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [name, property] of properties) if (!tooDeep || required.has(name)) shape[name] = this.build(property, depth + 1);
    const record = fc.record(shape, { requiredKeys: properties.map(([name]) => name).filter((name) => required.has(name)) });
    const additional = schema['additionalProperties'];
    if (isPlainObject(additional) && Object.keys(additional).length > 0 && !tooDeep) {
      return fc
        .tuple(
          record,
          fc.dictionary(
            fc.string({ minLength: 1, maxLength: 8 }).filter((key) => !(key in shape)),
            this.build(additional, depth + 1),
            { maxKeys: 3 },
          ),
        )
        .map(([fixed, extra]) => ({ ...extra, ...fixed }));
    }
    return record;
  }
}

/**
 * A fast-check arbitrary of values that match `schema` strictly (no undeclared fields): JSON
 * Schema in any supported dialect, an OpenAPI component from `api.schema(name)`, or a zod 4
 * schema. Generated values are checked with the strict validator, so only valid ones come out.
 *
 * @param schema - the schema
 * @param options - direction, array and depth limits
 * @example
 * fc.assert(fc.property(arbitraryFromSchema(api.schema('Order')), (order) => price(order) >= 0))
 */
export function arbitraryFromSchema(schema: SchemaInput, options: SchemaArbitraryOptions = {}): fc.Arbitrary<unknown> {
  const root = jsonSchemaOf(schema);
  const validator = compileSchema(root as SchemaInput, { direction: options.direction ?? 'any', dialect: 'draft-2020-12' });
  return new Builder(root, options).build(root, 0).filter((value) => validator.validate(value).length === 0);
}

/**
 * A fast-check arbitrary of values that break `schema`: a valid value with one mutation (a
 * required field dropped, an undeclared field added, a value of the wrong type or out of its
 * range or enum). Only values the strict validator rejects come out.
 *
 * @param schema - the schema
 * @param options - direction, array and depth limits
 * @example
 * fc.assert(fc.asyncProperty(invalidArbitraryFromSchema(api.schema('NewOrder')), async (body) => (await post(body)).status === 400))
 */
export function invalidArbitraryFromSchema(schema: SchemaInput, options: SchemaArbitraryOptions = {}): fc.Arbitrary<unknown> {
  const root = jsonSchemaOf(schema);
  const validator = compileSchema(root as SchemaInput, { direction: options.direction ?? 'any', dialect: 'draft-2020-12' });
  const valid = new Builder(root, options).build(root, 0);
  const wrongValues = fc.oneof(
    fc.constant(null),
    fc.integer(),
    fc.string({ maxLength: 4 }),
    fc.boolean(),
    fc.constant({}),
    fc.constant([]),
  );
  return fc
    .tuple(valid, fc.nat(), wrongValues, fc.constantFrom('drop', 'extra', 'replace', 'whole'))
    .map(([value, pick, wrong, mutation]) => {
      if (isPlainObject(value) && mutation !== 'whole') {
        const keys = Object.keys(value);
        const copy: Record<string, unknown> = { ...value };
        if (mutation === 'extra' || keys.length === 0) copy['unexpectedField'] = wrong;
        else if (mutation === 'drop') delete copy[keys[pick % keys.length]!];
        else copy[keys[pick % keys.length]!] = wrong;
        return copy;
      }
      return wrong;
    })
    .filter((value) => validator.validate(value).length > 0);
}
