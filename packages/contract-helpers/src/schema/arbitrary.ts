import fc from 'fast-check';
import { ContractError } from '../errors.js';
import { isPlainObject, resolveLocalRef } from './walk.js';
import { detectDialect, toDraft2020 } from './dialect.js';
import { compileSchema, type SchemaInput } from './validator.js';
import type { SchemaDirection } from './strict.js';

/** Options of {@link arbitraryFromSchema}. */
export interface SchemaArbitraryOptions {
  /** Leave out `writeOnly` fields (responses) or `readOnly` ones (requests). */
  direction?: SchemaDirection;
  /** The largest array length generated where the schema sets none (default 4). */
  maxItems?: number;
  /** How deep recursive schemas go before they stop (default 4). */
  maxDepth?: number;
  /**
   * How many candidates a generator may draw and reject (a pattern longer than `maxLength`, a
   * value the strict validator rejects) before it stops with a `CONTRACT_INVALID_SCHEMA` error
   * naming the schema path (default 200).
   */
  maxRejections?: number;
}

const DEFAULT_MAX_REJECTIONS = 200;

/**
 * An arbitrary keeping only values that pass `accept`, like `.filter()`, but giving up after
 * `limit` rejections in a row with an error (fast-check's own filter retries for ever, which hangs
 * a test when a schema is narrower than the generator).
 */
class BoundedFilterArbitrary<T> extends fc.Arbitrary<T> {
  constructor(
    private readonly source: fc.Arbitrary<T>,
    private readonly accept: (value: T) => boolean,
    private readonly limit: number,
    private readonly failure: (rejected: T) => ContractError,
  ) {
    super();
  }

  generate(random: fc.Random, biasFactor: number | undefined): fc.Value<T> {
    let last: fc.Value<T> | undefined;
    for (let attempt = 0; attempt < this.limit; attempt++) {
      last = this.source.generate(random, biasFactor);
      if (this.accept(last.value)) return last;
    }
    throw this.failure(last!.value);
  }

  canShrinkWithoutContext(value: unknown): value is T {
    return this.source.canShrinkWithoutContext(value) && this.accept(value);
  }

  shrink(value: T, context: unknown): fc.Stream<fc.Value<T>> {
    return this.source.shrink(value, context).filter((candidate) => this.accept(candidate.value));
  }
}

function boundedFilter<T>(
  source: fc.Arbitrary<T>,
  accept: (value: T) => boolean,
  limit: number,
  failure: (rejected: T) => ContractError,
): fc.Arbitrary<T> {
  return new BoundedFilterArbitrary(source, accept, limit, failure);
}

function pointer(base: string, ...segments: Array<string | number>): string {
  return `${base}${segments.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('')}`;
}

function tooNarrow(what: 'valid' | 'invalid', at: string, reason: string, limit: number): ContractError {
  return new ContractError('CONTRACT_INVALID_SCHEMA', {
    action: `generate ${what === 'valid' ? 'a value matching' : 'a value breaking'} the schema at ${at}`,
    reason: `${limit} candidates in a row were rejected (${reason})`,
    fix: `${what === 'valid' ? 'The schema is narrower than the generator can construct (or cannot be satisfied): loosen it there, or pass a hand-written arbitrary (fuzzApi: pathParams)' : 'The schema accepts almost anything there, so there is nothing invalid to send: give it a type or required fields'}; raise maxRejections only if such values are merely rare.`,
  });
}

type Schema = Record<string, unknown>;

function jsonSchemaOf(schema: SchemaInput): unknown {
  if (typeof schema === 'object' && schema !== null && '~standard' in schema) {
    const output = (schema as { '~standard': { jsonSchema?: { output(options: { target: string }): Record<string, unknown> } } })[
      '~standard'
    ].jsonSchema?.output({ target: 'draft-2020-12' });
    if (output === undefined) {
      throw new ContractError('CONTRACT_INVALID_SCHEMA', {
        action: 'build an arbitrary',
        reason: 'this Standard Schema has no JSON Schema (Standard JSON Schema)',
        fix: 'Use a zod 4 schema or a JSON Schema.',
      });
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
        throw new ContractError('CONTRACT_INVALID_SCHEMA', {
          action: 'build an arbitrary',
          reason: `"$ref" ${String($ref)} does not resolve`,
          fix: 'Fix the schema.',
        });
      const resolved = this.resolve(target, seen + 1);
      current = Object.keys(rest).length === 0 && isPlainObject(resolved) ? resolved : mergeAll([rest, resolved as Schema]);
    }
    if (Array.isArray(current['allOf'])) {
      const { allOf, ...rest } = current;
      current = mergeAll([rest, ...(allOf as unknown[]).map((part): Schema => this.resolve(part, seen + 1) as Schema)]);
    }
    return current;
  }

  build(input: unknown, depth: number, at = '#'): fc.Arbitrary<unknown> {
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
        return fc.oneof(
          ...branches.map((branch: unknown, index) =>
            this.build(mergeAll([rest, this.resolve(branch) as Schema]), depth, pointer(at, keyword, index)),
          ),
        );
      }
    }
    const type = schema['type'];
    const types = Array.isArray(type) ? (type as string[]) : typeof type === 'string' ? [type] : this.guessTypes(schema);
    if (types.length > 1) return fc.oneof(...types.map((entry) => this.build({ ...schema, type: entry }, depth, at)));
    switch (types[0]) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
        return this.integer(schema);
      case 'number':
        return this.number(schema, at);
      case 'string':
        return this.string(schema, at);
      case 'array':
        return this.array(schema, depth, at);
      default:
        return this.object(schema, depth, at);
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

  private number(schema: Schema, at: string): fc.Arbitrary<unknown> {
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
    const step = schema['multipleOf'];
    if (typeof step === 'number' && step > 0) {
      // Construct multiples (k * step) rather than filter doubles: almost no double is a multiple.
      const low = Math.ceil(min / step) + (typeof schema['exclusiveMinimum'] === 'number' && Number.isInteger(min / step) ? 1 : 0);
      const high = Math.floor(max / step) - (typeof schema['exclusiveMaximum'] === 'number' && Number.isInteger(max / step) ? 1 : 0);
      if (low > high) throw tooNarrow('valid', at, `no multiple of ${step} lies between ${min} and ${max}`, 0);
      const bounded = (value: number): number => Math.min(high, Math.max(low, value));
      return fc.integer({ min: bounded(-1_000_000), max: bounded(1_000_000) }).map((factor) => Number((factor * step).toPrecision(15)));
    }
    return fc.double({
      min,
      max,
      noNaN: true,
      noDefaultInfinity: true,
      minExcluded: typeof schema['exclusiveMinimum'] === 'number',
      maxExcluded: typeof schema['exclusiveMaximum'] === 'number',
    });
  }

  private string(schema: Schema, at: string): fc.Arbitrary<unknown> {
    const minLength = typeof schema['minLength'] === 'number' ? schema['minLength'] : 0;
    const maxLength = typeof schema['maxLength'] === 'number' ? schema['maxLength'] : Math.max(minLength, 24);
    if (minLength > maxLength) throw tooNarrow('valid', at, `minLength ${minLength} is above maxLength ${maxLength}`, 0);
    const limit = this.options.maxRejections ?? DEFAULT_MAX_REJECTIONS;
    const what = typeof schema['format'] === 'string' ? `format "${schema['format']}"` : `pattern ${JSON.stringify(schema['pattern'])}`;
    const fit = (arbitrary: fc.Arbitrary<string>): fc.Arbitrary<unknown> =>
      boundedFilter(
        arbitrary,
        (value) => value.length >= minLength && value.length <= maxLength,
        limit,
        (rejected) =>
          tooNarrow(
            'valid',
            at,
            `${what} gave strings like ${JSON.stringify(rejected.slice(0, 40))}, outside length ${minLength}..${maxLength}`,
            limit,
          ),
      );
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
    if (typeof schema['pattern'] === 'string')
      return fit(fc.stringMatching(new RegExp(schema['pattern'], 'u'), { size: maxLength <= 8 ? 'xsmall' : 'small' }));
    return fc.string({ minLength, maxLength });
  }

  private array(schema: Schema, depth: number, at: string): fc.Arbitrary<unknown> {
    const prefix = Array.isArray(schema['prefixItems'])
      ? schema['prefixItems'].map((item: unknown, index) => this.build(item, depth + 1, pointer(at, 'prefixItems', index)))
      : [];
    const minLength = typeof schema['minItems'] === 'number' ? schema['minItems'] : 0;
    const cap = depth >= (this.options.maxDepth ?? 4) ? minLength : Math.max(minLength, this.options.maxItems ?? 4);
    const maxLength = typeof schema['maxItems'] === 'number' ? Math.min(schema['maxItems'], Math.max(cap, minLength)) : cap;
    const items =
      schema['items'] === undefined || schema['items'] === false ? undefined : this.build(schema['items'], depth + 1, pointer(at, 'items'));
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

  private object(schema: Schema, depth: number, at: string): fc.Arbitrary<unknown> {
    const hidden = this.options.direction === 'response' ? 'writeOnly' : this.options.direction === 'request' ? 'readOnly' : undefined;
    const properties = Object.entries(isPlainObject(schema['properties']) ? schema['properties'] : {}).filter(
      ([, property]) => hidden === undefined || !(isPlainObject(property) && property[hidden] === true),
    );
    const required = new Set(Array.isArray(schema['required']) ? (schema['required'] as string[]) : []);
    const tooDeep = depth >= (this.options.maxDepth ?? 4);
    const shape: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [name, property] of properties)
      if (!tooDeep || required.has(name)) shape[name] = this.build(property, depth + 1, pointer(at, 'properties', name));
    const record = fc.record(shape, { requiredKeys: properties.map(([name]) => name).filter((name) => required.has(name)) });
    const additional = schema['additionalProperties'];
    if (isPlainObject(additional) && Object.keys(additional).length > 0 && !tooDeep) {
      return fc
        .tuple(
          record,
          fc.dictionary(
            fc.string({ minLength: 1, maxLength: 8 }).filter((key) => !(key in shape)),
            this.build(additional, depth + 1, pointer(at, 'additionalProperties')),
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
  const limit = options.maxRejections ?? DEFAULT_MAX_REJECTIONS;
  return boundedFilter(
    new Builder(root, options).build(root, 0),
    (value) => validator.validate(value).length === 0,
    limit,
    (rejected) => {
      const [first] = validator.validate(rejected);
      return tooNarrow(
        'valid',
        first === undefined ? '#' : `data path ${first.path}`,
        first === undefined ? 'the validator rejected them' : `the strict validator said: ${first.message} (${first.keyword})`,
        limit,
      );
    },
  );
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
  const mutated = fc
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
    });
  const limit = options.maxRejections ?? DEFAULT_MAX_REJECTIONS;
  return boundedFilter(
    mutated,
    (value) => validator.validate(value).length > 0,
    limit,
    () => tooNarrow('invalid', '#', 'every mutation still matched the schema', limit),
  );
}
