import { createRequire } from 'node:module';
import { FactoriesError } from './errors.js';

/**
 * The part of the Standard Schema v1 interface (zod 4, valibot, arktype, ...) this package calls.
 *
 * @example
 * const schema: StandardSchemaLike = z.object({ email: z.email() })
 */
export interface StandardSchemaLike {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    validate(value: unknown): StandardResult | Promise<StandardResult>;
  };
}

type StandardResult =
  | { readonly value: unknown; readonly issues?: undefined }
  | {
      readonly issues: ReadonlyArray<{
        readonly message: string;
        readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
      }>;
    };

/**
 * A JSON Schema document (validated with ajv, an optional peer loaded on first use).
 *
 * @example
 * const schema: JsonSchemaLike = { type: 'object', required: ['email'] }
 */
export type JsonSchemaLike = { readonly [keyword: string]: unknown };

/**
 * A validation function: the problems it finds (empty or `true` when the object is valid).
 *
 * @example
 * const check: ValidateFunction<{ from: number; to: number }> = (range) => (range.from <= range.to ? [] : ['from after to'])
 */
export type ValidateFunction<T> = (value: T) => readonly string[] | boolean;

/**
 * Any schema a factory accepts: a Standard Schema (zod 4, ...), a JSON Schema, or a function.
 *
 * @example
 * defineFactory('user').attr('email', 'a@b.test').schema(z.object({ email: z.email() }))
 */
export type FactorySchema<T> = StandardSchemaLike | JsonSchemaLike | ValidateFunction<T>;

interface AjvLike {
  compile(schema: object): ((value: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string }> | null };
}

let ajv: AjvLike | undefined;

function loadAjv(): AjvLike {
  if (ajv !== undefined) return ajv;
  let module: unknown;
  try {
    module = createRequire(import.meta.url)('ajv');
  } catch (error) {
    throw new FactoriesError(
      'FACTORIES_MISSING_PEER',
      {
        action: 'validate against a JSON Schema',
        reason: 'the optional peer "ajv" is not installed',
        fix: 'Run `npm install --save-dev ajv`, or pass a Standard Schema (zod) or a function instead.',
      },
      { cause: error },
    );
  }
  type AjvClass = new (options: object) => AjvLike;
  const exported = module as AjvClass | { default: AjvClass };
  const Ajv = typeof exported === 'function' ? exported : exported.default;
  // Strict schema mode: a misspelled keyword (`propertiez`) or an unknown format is an error, not a check silently skipped.
  const instance = new Ajv({
    allErrors: true,
    strictSchema: true,
    strictNumbers: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
  });
  // Formats (email, uuid, date-time...) come from the optional peer ajv-formats when it is installed;
  // without it strict mode refuses a schema that names a format, and the error says what to install.
  let formats: unknown;
  try {
    formats = createRequire(import.meta.url)('ajv-formats');
  } catch {
    formats = undefined;
  }
  if (formats !== undefined) {
    const addFormats = (typeof formats === 'function' ? formats : (formats as { default: unknown }).default) as (ajv: AjvLike) => void;
    addFormats(instance);
  }
  ajv = instance;
  return instance;
}

function isStandardSchema(schema: unknown): schema is StandardSchemaLike {
  return (typeof schema === 'object' || typeof schema === 'function') && schema !== null && '~standard' in schema;
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' || typeof value === 'symbol') return `a ${typeof value}`;
  return `${typeof value} ${typeof value === 'bigint' ? `${value}n` : JSON.stringify(value)}`;
}

function invalidSchema(owner: string | undefined, reason: string, cause?: unknown): FactoriesError {
  const what = owner === undefined ? 'compile a schema' : `define "${owner}"`;
  return new FactoriesError(
    'FACTORIES_INVALID_SCHEMA',
    {
      action: what,
      reason: `${owner === undefined ? 'the' : 'its'} schema is invalid: ${reason}`,
      fix: 'Pass .schema() a Standard Schema (zod 4, valibot, ...), a valid JSON Schema object, or a function returning problems.',
    },
    cause === undefined ? undefined : { cause },
  );
}

function issuePath(path: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined): string {
  if (path === undefined || path.length === 0) return '';
  return `${path.map((part) => String(typeof part === 'object' ? part.key : part)).join('.')}: `;
}

/**
 * What {@link compileValidator} returns: every problem of a value, an empty list when it is valid.
 *
 * @example
 * const validate: SchemaValidator<{ email: string }> = compileValidator(z.object({ email: z.email() }))
 */
export type SchemaValidator<T> = (value: T) => string[];

/**
 * Compile a schema into a validator: a function listing every problem of a value (an empty list when valid). The
 * schema is checked at once: anything but a Standard Schema, a JSON Schema object or a function, or a
 * JSON Schema ajv refuses in strict mode (a misspelled keyword, an unknown format), throws
 * `FACTORIES_INVALID_SCHEMA`.
 *
 * @param schema - a Standard Schema, a JSON Schema or a function
 * @param owner - the factory the schema belongs to, named in errors
 * @example
 * const validate = compileValidator(z.object({ email: z.email() })); validate({ email: 'x' }) // ['email: Invalid email address']
 */
export function compileValidator<T>(schema: FactorySchema<T>, owner?: string): SchemaValidator<T> {
  if (isStandardSchema(schema)) {
    const standard = (schema as { '~standard'?: { validate?: unknown } })['~standard'];
    if (typeof standard?.validate !== 'function')
      throw invalidSchema(owner, 'its "~standard" property has no validate function (not a Standard Schema v1)');
    return (value) => {
      const result = schema['~standard'].validate(value);
      if (result instanceof Promise) {
        return ['the schema validates asynchronously; factories validate every build synchronously, so give a synchronous schema'];
      }
      return result.issues === undefined ? [] : result.issues.map((issue) => `${issuePath(issue.path)}${issue.message}`);
    };
  }
  if (typeof schema === 'function') {
    return (value) => {
      const result = schema(value);
      if (result === true) return [];
      if (result === false) return ['the validate function returned false'];
      return [...result];
    };
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
    throw invalidSchema(owner, `expected a Standard Schema, a JSON Schema object or a function, got ${describeValue(schema)}`);
  let validate: ReturnType<AjvLike['compile']>;
  const compiler = loadAjv();
  try {
    validate = compiler.compile(schema);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const hint = /unknown format/.test(reason)
      ? ' (formats come from the optional peer ajv-formats: `npm install --save-dev ajv-formats`)'
      : '';
    throw invalidSchema(owner, `ajv refused the JSON Schema: ${reason}${hint}`, error);
  }
  return (value) => {
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (error) =>
        `${error.instancePath === '' ? '' : `${error.instancePath.slice(1).replace(/\//g, '.')}: `}${error.message ?? 'is invalid'}`,
    );
  };
}
