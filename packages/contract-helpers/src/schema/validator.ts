import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { contentHash } from '../canonical-json.js';
import { ContractError } from '../errors.js';
import { isPlainObject } from './walk.js';
import { compileJsonPathPattern, formatJsonPath, pointerToSegments, type JsonPathPattern, type PathSegment } from '../json-path.js';
import { findSchemaProblems, formatSchemaProblems, type SchemaProblem } from './problems.js';
import { detectDialect, toDraft2020, type SchemaDialect } from './dialect.js';
import { closeSchema, type SchemaDirection } from './strict.js';

/** The part of the Standard Schema interface (zod 4, valibot, arktype...) the matchers use. */
export interface StandardSchemaLike {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    validate(value: unknown): StandardResult | Promise<StandardResult>;
    /** Standard JSON Schema (zod 4): when present the schema is converted and validated strictly with ajv. */
    readonly jsonSchema?: { output(options: { target: string }): Record<string, unknown> };
  };
}

/** What a Standard Schema's `validate` returns. */
export type StandardResult =
  | { readonly value: unknown; readonly issues?: undefined }
  | {
      readonly issues: ReadonlyArray<{
        readonly message: string;
        readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }>;
      }>;
    };

/** A schema the matchers accept: JSON Schema (an object or a boolean) or a Standard Schema object. */
export type SchemaInput = boolean | Record<string, unknown> | StandardSchemaLike;

/** How a schema is applied. */
export interface SchemaOptions {
  /** Reject properties the schema does not declare, at every depth (default true). */
  strict?: boolean;
  /** JSONPath patterns where undeclared properties are accepted: `$.meta.*`, `$.items[*].debug`, `$..trace`. */
  allow?: readonly string[];
  /** The dialect of schemas without `$schema` (default draft 2020-12). */
  dialect?: SchemaDialect;
  /** Drop `writeOnly` properties from responses, `readOnly` ones from requests (default `any`: keep both). */
  direction?: SchemaDirection;
  /** The file or name the schema comes from, for error messages. */
  source?: string;
  /**
   * In failure messages, print the values of undeclared fields (personal data and anything under a
   * secret-sounding name such as `password` or `aws_secret_access_key` still masked) instead of only
   * their type and size (default false: undeclared fields are where leaks hide).
   */
  showUndeclaredValues?: boolean;
}

/** One way a value breaks a schema. */
export interface SchemaViolation {
  /** JSONPath of the offending value (of the field itself for extra and missing fields). */
  path: string;
  /** The JSON Schema keyword that failed (`type`, `required`, `unevaluatedProperties`...), or `schema` for Standard Schema issues. */
  keyword: string;
  /** What is wrong, in a sentence. */
  message: string;
  /** What the schema expects there. */
  expected: string;
  /** The value found there (undefined when it is missing). */
  actual: unknown;
  /** For extra fields, the field's name. */
  extraField?: string;
}

/** A schema ready to validate: compiled once and cached by content. */
export interface CompiledSchema {
  /** The content hash the compiled validator is cached under. */
  readonly hash: string;
  /** Every violation of `value` (an empty list when it conforms). */
  validate(value: unknown, options?: { allow?: readonly string[] }): SchemaViolation[];
}

const NO_VIOLATIONS = Object.freeze([]) as unknown as SchemaViolation[];

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

function createAjv(allErrors: boolean): Ajv2020 {
  const ajv = new Ajv2020({ allErrors, strict: false, allowUnionTypes: true, logger: false, validateFormats: true });
  addFormats(ajv);
  ajv.addFormat('int32', {
    type: 'number',
    validate: (value: number) => Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31,
  });
  ajv.addFormat('int64', { type: 'number', validate: (value: number) => Number.isInteger(value) });
  ajv.addFormat('float', { type: 'number', validate: () => true });
  ajv.addFormat('double', { type: 'number', validate: () => true });
  ajv.addFormat('password', true);
  ajv.addFormat('binary', true);
  return ajv;
}

let engines: { fast: Ajv2020; full: Ajv2020 } | undefined;

function ajvEngines(): { fast: Ajv2020; full: Ajv2020 } {
  engines ??= { fast: createAjv(false), full: createAjv(true) };
  return engines;
}

function isStandardSchema(value: unknown): value is StandardSchemaLike {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)['~standard'] === 'object';
}

function valueAt(root: unknown, segments: readonly PathSegment[]): unknown {
  let current = root;
  for (const segment of segments) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

function toViolation(error: ErrorObject, data: unknown): SchemaViolation {
  const segments = pointerToSegments(error.instancePath);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'unevaluatedProperties' || error.keyword === 'additionalProperties') {
    const field = String(params['unevaluatedProperty'] ?? params['additionalProperty']);
    const fieldSegments = [...segments, field];
    return {
      path: formatJsonPath(fieldSegments),
      keyword: error.keyword,
      message: `extra field "${field}" is not declared by the schema`,
      expected: 'no such field',
      actual: valueAt(data, fieldSegments),
      extraField: field,
    };
  }
  if (error.keyword === 'required') {
    const field = String(params['missingProperty']);
    return {
      path: formatJsonPath([...segments, field]),
      keyword: 'required',
      message: `required field "${field}" is missing`,
      expected: 'a value',
      actual: undefined,
    };
  }
  const message = error.message ?? 'is not valid';
  let expected = message.replace(/^must /, '');
  if (error.keyword === 'enum') expected = `one of ${JSON.stringify(params['allowedValues'])}`;
  if (error.keyword === 'const') expected = JSON.stringify(params['allowedValue']);
  if (error.keyword === 'type') expected = `type ${String(params['type'])}`;
  if (error.keyword === 'format') expected = `format "${String(params['format'])}"`;
  return { path: formatJsonPath(segments), keyword: error.keyword, message, expected, actual: valueAt(data, segments) };
}

function uniqueViolations(violations: SchemaViolation[]): SchemaViolation[] {
  const seen = new Set<string>();
  return violations.filter((violation) => {
    const key = `${violation.path}\u0000${violation.keyword}\u0000${violation.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function sortViolations(violations: SchemaViolation[]): SchemaViolation[] {
  return violations.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

const patternCache = new Map<string, JsonPathPattern | undefined>();

function cachedPattern(pattern: string): JsonPathPattern | undefined {
  if (patternCache.has(pattern)) return patternCache.get(pattern);
  const compiled = compileJsonPathPattern(pattern);
  if (patternCache.size > 1_000) patternCache.clear();
  patternCache.set(pattern, compiled);
  return compiled;
}

function compilePatterns(allow: readonly string[] | undefined, source?: string): JsonPathPattern[] {
  if (allow === undefined || allow.length === 0) return [];
  const compiled = allow.map((pattern) => [pattern, typeof pattern === 'string' ? cachedPattern(pattern) : undefined] as const);
  const bad = compiled.filter(([, pattern]) => pattern === undefined).map(([pattern]) => pattern);
  if (bad.length > 0) {
    throw new ContractError('CONTRACT_INVALID_OPTIONS', {
      action: `read the "allow" option${source === undefined ? '' : ` for ${source}`}`,
      reason: `${bad.map((pattern) => JSON.stringify(pattern)).join(', ')} ${bad.length === 1 ? 'is not a JSONPath pattern' : 'are not JSONPath patterns'}`,
      fix: 'Write patterns like "$.meta.*", "$.items[*].debug" or "$..trace".',
    });
  }
  return compiled.map(([, pattern]) => pattern!);
}

function allowedExtra(violation: SchemaViolation, patterns: readonly JsonPathPattern[]): boolean {
  if (violation.extraField === undefined || patterns.length === 0) return false;
  return patterns.some((pattern) => pattern.matches(pathSegmentsOf(violation.path)));
}

const pathCache = new Map<string, PathSegment[]>();

/** Parse a JSONPath this package formatted back into segments. */
export function pathSegmentsOf(path: string): PathSegment[] {
  let cached = pathCache.get(path);
  if (cached !== undefined) return cached;
  cached = [];
  const pattern = /\.([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]/g;
  for (const match of path.slice(1).matchAll(pattern)) {
    if (match[1] !== undefined) cached.push(match[1]);
    else if (match[2] !== undefined) cached.push(Number(match[2]));
    else cached.push(match[3]!.replace(/\\(.)/g, '$1'));
  }
  if (pathCache.size > 10_000) pathCache.clear();
  pathCache.set(path, cached);
  return cached;
}

/** A copy of `value` without the fields at `paths` (each the JSONPath of an object member). */
function withoutFields(value: unknown, paths: readonly string[]): unknown {
  const copy = structuredClone(value);
  for (const path of paths) {
    const segments = pathSegmentsOf(path);
    const parent = valueAt(copy, segments.slice(0, -1));
    if (isPlainObject(parent)) delete parent[String(segments.at(-1))];
  }
  return copy;
}

class AjvCompiledSchema implements CompiledSchema {
  private full: ValidateFunction | undefined;
  /** The variant with open `oneOf`/`anyOf` branches (null when the schema closes no branch). */
  private openFull: ValidateFunction | null | undefined;

  constructor(
    readonly hash: string,
    private readonly schema: unknown,
    private readonly fast: ValidateFunction,
    private readonly ownEngine: boolean,
    private readonly openSchema: (() => unknown) | undefined,
  ) {}

  private compileFull(schema: unknown): ValidateFunction {
    return this.ownEngine ? createAjv(true).compile(schema as object) : ajvEngines().full.compile(schema as object);
  }

  private violationsOf(validate: ValidateFunction, value: unknown): SchemaViolation[] {
    validate(value);
    return uniqueViolations((validate.errors ?? []).map((error) => toViolation(error, value)));
  }

  validate(value: unknown, options?: { allow?: readonly string[] }): SchemaViolation[] {
    // Options are checked before the data, so a bad pattern fails even when the data is valid.
    const patterns = compilePatterns(options?.allow);
    if (this.fast(value)) return NO_VIOLATIONS;
    return sortViolations(this.explain(value, patterns));
  }

  /**
   * Why `value` fails. Branches of `oneOf`/`anyOf` the author closed stay closed to tell the
   * alternatives apart, but a closed branch rejects a value for any extra field, and then every
   * branch reports every field it does not declare. The variant with open branches (closed after
   * composition) names the real extra fields; allowed ones are dropped from the value and the
   * value is checked again, so an allowed field never makes a branch fail.
   */
  private explain(value: unknown, patterns: readonly JsonPathPattern[]): SchemaViolation[] {
    this.full ??= this.compileFull(this.schema);
    const closed = this.violationsOf(this.full, value);
    if (closed.length === 0) return closed;
    if (this.openFull === undefined) {
      const open = this.openSchema?.();
      this.openFull = open === undefined ? null : this.compileFull(open);
    }
    if (this.openFull === null) return closed.filter((violation) => !allowedExtra(violation, patterns));
    const open = this.violationsOf(this.openFull, value);
    const allowed = open.filter((violation) => allowedExtra(violation, patterns));
    if (allowed.length > 0) {
      const rest = withoutFields(
        value,
        allowed.map((violation) => violation.path),
      );
      return this.fast(rest) ? [] : this.explain(rest, patterns);
    }
    return open.length > 0 ? open : closed.filter((violation) => !allowedExtra(violation, patterns));
  }
}

function extraKeys(input: unknown, output: unknown, segments: PathSegment[], found: SchemaViolation[]): void {
  if (Array.isArray(input) && Array.isArray(output)) {
    input.forEach((item: unknown, index) => extraKeys(item, output[index], [...segments, index], found));
    return;
  }
  if (!isPlainObject(input) || !isPlainObject(output)) return;
  for (const [key, value] of Object.entries(input)) {
    if (!(key in output)) {
      found.push({
        path: formatJsonPath([...segments, key]),
        keyword: 'unevaluatedProperties',
        message: `extra field "${key}" is not declared by the schema`,
        expected: 'no such field',
        actual: value,
        extraField: key,
      });
    } else extraKeys(value, output[key], [...segments, key], found);
  }
}

class StandardCompiledSchema implements CompiledSchema {
  /**
   * @param closedWorld - the strict validator of the schema's own JSON Schema (zod 4), used only to
   * find undeclared fields once the library itself accepted the value; without it, fields the
   * library strips from its output are the undeclared ones.
   */
  constructor(
    readonly hash: string,
    private readonly schema: StandardSchemaLike,
    private readonly strict: boolean,
    private readonly closedWorld?: CompiledSchema,
  ) {}

  validate(value: unknown, options: { allow?: readonly string[] } = {}): SchemaViolation[] {
    const patterns = compilePatterns(options.allow);
    const result = this.schema['~standard'].validate(value);
    if (result instanceof Promise) {
      throw new ContractError('CONTRACT_INVALID_SCHEMA', {
        action: `validate with a ${this.schema['~standard'].vendor} schema`,
        reason: 'it validates asynchronously',
        fix: 'Use a synchronous schema (no async refinements or transforms) with toMatchSchema.',
      });
    }
    if (result.issues !== undefined) {
      const issues: SchemaViolation[] = result.issues.map((issue) => {
        const segments = (issue.path ?? []).map((step) => {
          const key = typeof step === 'object' && step !== null ? (step as { key: PropertyKey }).key : step;
          return typeof key === 'number' ? key : String(key);
        });
        return {
          path: formatJsonPath(segments),
          keyword: 'schema',
          message: issue.message,
          expected: issue.message,
          actual: valueAt(value, segments),
        };
      });
      // Undeclared fields are reported with the library's issues, so one run lists everything.
      const extras = this.strict && this.closedWorld !== undefined ? this.extrasOf(value, options) : [];
      return sortViolations([...issues, ...extras.filter((extra) => !issues.some((issue) => issue.path === extra.path))]);
    }
    if (!this.strict) return [];
    if (this.closedWorld !== undefined) return this.extrasOf(value, options);
    const found: SchemaViolation[] = [];
    extraKeys(value, result.value, [], found);
    return found.filter((violation) => !allowedExtra(violation, patterns));
  }

  private extrasOf(value: unknown, options: { allow?: readonly string[] }): SchemaViolation[] {
    return this.closedWorld!.validate(value, options).filter((violation) => violation.extraField !== undefined);
  }
}

const NO_OPTIONS: SchemaOptions = Object.freeze({});
const byIdentityDefaults = new WeakMap<object, CompiledSchema>();
const byIdentity = new WeakMap<object, Map<string, CompiledSchema>>();
const byContent = new Map<string, CompiledSchema>();
const failures = new Map<string, ContractError>();
/** The problems behind each compile failure, for callers that report them in their own context. */
const problemsOfFailure = new WeakMap<object, readonly SchemaProblem[]>();
let compileCount = 0;

/**
 * How many schemas this process compiled (cache hits excluded); for the package's tests and benchmarks.
 *
 * @internal
 */
export function schemaCompileCount(): number {
  return compileCount;
}

function optionsKey(options: SchemaOptions): string {
  return `${options.strict === false ? 'open' : 'strict'}|${options.dialect ?? ''}|${options.direction ?? 'any'}`;
}

function compileJsonSchema(schema: Record<string, unknown> | boolean, options: SchemaOptions, key: string, hash: string): CompiledSchema {
  const failure = failures.get(hash);
  if (failure !== undefined) throw failure;
  const where = options.source === undefined ? 'a schema' : options.source;
  const problems = findSchemaProblems(schema);
  const dialect = detectDialect(schema, options.dialect);
  let prepared = toDraft2020(schema, dialect);
  // The copy may share data with the input (keywords the converter does not know, such as an
  // OpenAPI document's components): close a private clone.
  const draft = prepared;
  const direction = options.direction ?? 'any';
  if (options.strict !== false) prepared = closeSchema(structuredClone(draft), { direction });
  const { fast } = ajvEngines();
  if (problems.length === 0 && isPlainObject(prepared) && !fast.validateSchema(prepared)) {
    for (const error of fast.errors ?? []) {
      problems.push({
        segments: pointerToSegments(error.instancePath),
        message: `${error.message ?? 'is not valid'} (JSON Schema meta-schema)`,
      });
    }
  }
  let validate: ValidateFunction | undefined;
  const ownEngine = JSON.stringify(prepared).includes('"$id"');
  if (problems.length === 0) {
    try {
      validate = (ownEngine ? createAjv(false) : fast).compile(prepared as object);
    } catch (error) {
      problems.push({ segments: [], message: (error as Error).message });
    }
  }
  if (problems.length > 0 || validate === undefined) {
    const error = new ContractError('CONTRACT_INVALID_SCHEMA', {
      action: `compile ${where}`,
      reason: `${problems.length === 1 ? 'it has a problem' : `it has ${problems.length} problems`}:`,
      details: [formatSchemaProblems(problems, options.source)],
      fix: 'Fix the schema; nothing was validated against it.',
    });
    failures.set(hash, error);
    problemsOfFailure.set(error, problems);
    throw error;
  }
  compileCount++;
  void key;
  const closedSchema = prepared;
  const openSchema =
    options.strict === false
      ? undefined
      : (): unknown => {
          const open = closeSchema(structuredClone(draft), { direction, openBranches: true });
          return contentHash(open) === contentHash(closedSchema) ? undefined : open;
        };
  return new AjvCompiledSchema(hash, prepared, validate, ownEngine, openSchema);
}

/**
 * Compile `schema` (or take it from the cache). Validators are cached by the schema object and by
 * its content (a SHA-256 of its canonical JSON), so an equal schema in a new object is not compiled
 * again. An invalid schema throws a `CONTRACT_INVALID_SCHEMA` error naming the JSONPath of every
 * problem; call this at the top of a test file so the error is reported once, before any test.
 *
 * @param schema - JSON Schema (2020-12, 2019-09, 07, 06, 04 by `$schema`), or a Standard Schema object (zod 4, valibot)
 * @param options - strictness, dialect, direction and the file name for messages
 * @example
 * const orderSchema = compileSchema(JSON.parse(readFileSync('order.schema.json', 'utf8')), { source: 'order.schema.json' })
 * expect(orderSchema.validate(order)).toEqual([])
 */
export function compileSchema(schema: SchemaInput, options: SchemaOptions = NO_OPTIONS): CompiledSchema {
  const defaults =
    options === NO_OPTIONS || (options.strict === undefined && options.dialect === undefined && options.direction === undefined);
  if (defaults && typeof schema === 'object' && schema !== null) {
    const cached = byIdentityDefaults.get(schema);
    if (cached !== undefined) return cached;
  }
  const key = optionsKey(options);
  if (typeof schema === 'object' && schema !== null) {
    const cached = byIdentity.get(schema)?.get(key);
    if (cached !== undefined) return cached;
  }
  let compiled: CompiledSchema;
  if (isStandardSchema(schema)) {
    const standard = schema['~standard'];
    // The library's own validate() decides what is valid (refinements, transforms, coercion...);
    // its Standard JSON Schema, when it can give one, only tells which fields are declared.
    let closedWorld: CompiledSchema | undefined;
    if (options.strict !== false && standard.jsonSchema !== undefined) {
      let output: Record<string, unknown> | undefined;
      try {
        output = standard.jsonSchema.output({ target: 'draft-2020-12' });
      } catch {
        // Not representable (zod transforms, custom types): fall back to comparing input and output.
        output = undefined;
      }
      if (output !== undefined) {
        // zod marks its JSON Schema output as a Standard Schema too; only the JSON Schema part is wanted.
        const jsonSchema: Record<string, unknown> = { ...output };
        delete jsonSchema['~standard'];
        closedWorld = compileSchema(jsonSchema, { ...options, dialect: 'draft-2020-12' });
      }
    }
    compiled = new StandardCompiledSchema(
      closedWorld?.hash ?? `${standard.vendor}:${compileCount}`,
      schema,
      options.strict !== false,
      closedWorld,
    );
  } else if (typeof schema === 'boolean' || isPlainObject(schema)) {
    const hash = `${contentHash(schema)}|${key}`;
    const cached = byContent.get(hash);
    if (cached !== undefined) compiled = cached;
    else {
      compiled = compileJsonSchema(schema, options, key, hash);
      byContent.set(hash, compiled);
    }
  } else {
    throw new ContractError('CONTRACT_INVALID_SCHEMA', {
      action: `compile ${options.source ?? 'a schema'}`,
      reason: `it is ${Array.isArray(schema) ? 'an array' : typeof schema === 'object' ? 'null' : `a ${typeof schema}`}, not a JSON Schema or a Standard Schema object`,
      fix: 'Pass a schema object, `true`/`false`, or a zod/valibot schema.',
    });
  }
  if (typeof schema === 'object' && schema !== null) {
    let forObject = byIdentity.get(schema);
    if (forObject === undefined) byIdentity.set(schema, (forObject = new Map<string, CompiledSchema>()));
    forObject.set(key, compiled);
    if (defaults) byIdentityDefaults.set(schema, compiled);
  }
  return compiled;
}

/**
 * The problems that keep a JSON Schema from compiling with `options`, with paths inside the schema
 * (an empty list when it compiles, and the validator is then cached), so a document that holds
 * the schema can report them at their place in it.
 *
 * @internal
 */
export function schemaCompileProblems(schema: Record<string, unknown> | boolean, options: SchemaOptions): SchemaProblem[] {
  try {
    compileSchema(schema, options);
    return [];
  } catch (error) {
    const problems = typeof error === 'object' && error !== null ? problemsOfFailure.get(error) : undefined;
    if (problems === undefined) throw error;
    return [...problems];
  }
}

/**
 * Every violation of `value` against `schema` (strict by default: undeclared properties at any
 * depth are violations too).
 *
 * @param value - the data to check
 * @param schema - JSON Schema or Standard Schema
 * @param options - see {@link SchemaOptions}
 * @example
 * validateAgainstSchema({ id: 1, extra: true }, { type: 'object', properties: { id: { type: 'integer' } } })
 * // [{ path: '$.extra', keyword: 'unevaluatedProperties', message: 'extra field "extra" is not declared by the schema', ... }]
 */
export function validateAgainstSchema(value: unknown, schema: SchemaInput, options: SchemaOptions = NO_OPTIONS): SchemaViolation[] {
  return compileSchema(schema, options).validate(value, options);
}
