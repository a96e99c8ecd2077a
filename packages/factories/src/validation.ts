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
      '[factories] Failed to validate against a JSON Schema: the optional peer "ajv" is not installed. Run `npm install --save-dev ajv`, or pass a Standard Schema (zod) or a function instead.',
      { cause: error },
    );
  }
  type AjvClass = new (options: object) => AjvLike;
  const exported = module as AjvClass | { default: AjvClass };
  const Ajv = typeof exported === 'function' ? exported : exported.default;
  const instance = new Ajv({ allErrors: true, strict: false });
  ajv = instance;
  return instance;
}

function isStandardSchema(schema: unknown): schema is StandardSchemaLike {
  return typeof schema === 'object' && schema !== null && '~standard' in schema;
}

function issuePath(path: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined): string {
  if (path === undefined || path.length === 0) return '';
  return `${path.map((part) => String(typeof part === 'object' ? part.key : part)).join('.')}: `;
}

/**
 * Compile a schema into a function listing every problem of a value (an empty list when valid).
 *
 * @param schema - a Standard Schema, a JSON Schema or a function
 * @example
 * const check = compileSchema(z.object({ email: z.email() })); check({ email: 'x' }) // ['email: Invalid email address']
 */
export function compileSchema<T>(schema: FactorySchema<T>): (value: T) => string[] {
  if (typeof schema === 'function') {
    return (value) => {
      const result = schema(value);
      if (result === true) return [];
      if (result === false) return ['the validate function returned false'];
      return [...result];
    };
  }
  if (isStandardSchema(schema)) {
    return (value) => {
      const result = schema['~standard'].validate(value);
      if (result instanceof Promise) {
        return ['the schema validates asynchronously; factories validate every build synchronously, so give a synchronous schema'];
      }
      return result.issues === undefined ? [] : result.issues.map((issue) => `${issuePath(issue.path)}${issue.message}`);
    };
  }
  let validate: ReturnType<AjvLike['compile']> | undefined;
  return (value) => {
    validate ??= loadAjv().compile(schema);
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (error) =>
        `${error.instancePath === '' ? '' : `${error.instancePath.slice(1).replace(/\//g, '.')}: `}${error.message ?? 'is invalid'}`,
    );
  };
}
