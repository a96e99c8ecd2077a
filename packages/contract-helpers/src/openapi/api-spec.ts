import { readFileSync } from 'node:fs';
import { extname, relative } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { ContractError } from '../errors.js';
import { firstLine, nearestMatch } from '@proving-ground/kit';
import { isPlainObject, resolveLocalRef } from '../schema/walk.js';
import type { PathSegment } from '../json-path.js';
import { findSchemaProblems, formatSchemaProblems, type SchemaProblem } from '../schema/problems.js';
import { toDraft2020 } from '../schema/dialect.js';
import { compileSchema, schemaCompileProblems, type CompiledSchema } from '../schema/validator.js';
import type { SchemaDirection } from '../schema/strict.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';

/** One parameter of an operation. */
export interface ApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  /** The parameter's schema, converted to draft 2020-12 and bundled with the components. */
  schema: Record<string, unknown> | undefined;
}

/** One documented response of an operation. */
export interface ApiResponse {
  /** `200`, `4XX` or `default`. */
  status: string;
  /** Media type to schema (bundled draft 2020-12, or undefined when the media type has none). */
  content: Record<string, Record<string, unknown> | undefined>;
  /** Response headers the spec marks required, lower case. */
  requiredHeaders: string[];
}

/** One operation (method + path template) of the document. */
export interface ApiOperation {
  method: string;
  /** The path template as written (`/orders/{id}`). */
  path: string;
  operationId: string | undefined;
  parameters: ApiParameter[];
  requestBody: { required: boolean; content: Record<string, Record<string, unknown> | undefined> } | undefined;
  responses: ApiResponse[];
}

/** How {@link loadApiSpec} reads a document. */
export interface LoadApiSpecOptions {
  /** A name for messages when `source` is an object (default `the OpenAPI document`). */
  name?: string;
}

function httpStatusOrder(status: string): number {
  return status === 'default' ? 1000 : /^\dXX$/i.test(status) ? Number(status[0]) * 100 + 99 : Number(status);
}

interface Located {
  document: Record<string, unknown>;
  locate: (segments: PathSegment[]) => string | undefined;
}

function readDocument(file: string): Located {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ContractError(
      'CONTRACT_INVALID_SPEC',
      {
        action: `load the OpenAPI document ${file}`,
        reason: firstLine(error),
        fix: `Check the path (it is resolved from the current directory, ${process.cwd()}).`,
      },
      { cause: error },
    );
  }
  const lineCounter = new LineCounter();
  const yamlDocument: Document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (yamlDocument.errors.length > 0) {
    const first = yamlDocument.errors[0]!;
    const position = lineCounter.linePos(first.pos[0]);
    throw new ContractError('CONTRACT_INVALID_SPEC', {
      action: `load the OpenAPI document ${file}:${position.line}:${position.col}`,
      reason: `it is not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'} (${first.message.split('\n')[0]})`,
      fix: 'Fix the syntax.',
    });
  }
  const document = yamlDocument.toJS({ maxAliasCount: 1000 }) as unknown;
  if (!isPlainObject(document)) {
    throw new ContractError('CONTRACT_INVALID_SPEC', {
      action: `load the OpenAPI document ${file}`,
      reason: 'it is not an object',
      fix: 'Point at an OpenAPI 3.0 or 3.1 document.',
    });
  }
  const locate = (segments: PathSegment[]): string | undefined => {
    let node: unknown = yamlDocument.contents;
    for (const segment of segments) {
      if (isMap(node)) {
        const pair = node.items.find((item) => (isScalar(item.key) ? String(item.key.value) : String(item.key)) === String(segment));
        if (pair === undefined) break;
        node = pair.value ?? pair.key;
      } else if (isSeq(node)) node = node.items[Number(segment)];
      else break;
    }
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range === undefined) return undefined;
    const position = lineCounter.linePos(range[0]);
    return `${position.line}:${position.col}`;
  };
  return { document, locate };
}

/** A path segment percent-decoded, or as it is when it is not valid percent-encoding (`100%`). */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function templateRegExp(template: string): RegExp {
  const pattern = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '([^/]+)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}/?$`);
}

/**
 * A loaded, checked OpenAPI 3.0 or 3.1 document: its operations, their responses and schemas
 * (converted to draft 2020-12 and compiled lazily, cached by content).
 */
export class ApiSpec {
  /** The file the document came from, or its name. */
  readonly source: string;
  /** `3.0` or `3.1`. */
  readonly version: '3.0' | '3.1';
  /** The document as written. */
  readonly document: Readonly<Record<string, unknown>>;
  /** Every operation. */
  readonly operations: readonly ApiOperation[];
  /** The path prefix of the first server URL (`/v1`), stripped from request paths before matching. */
  readonly basePath: string;
  private readonly components: Record<string, unknown>;
  private readonly matchers: Array<{ operation: ApiOperation; regex: RegExp; literal: number }>;
  private readonly named = new Map<string, Record<string, unknown>>();

  /** @internal Use {@link loadApiSpec}. */
  constructor(
    source: string,
    version: '3.0' | '3.1',
    document: Record<string, unknown>,
    operations: ApiOperation[],
    components: Record<string, unknown>,
    basePath: string,
  ) {
    this.source = source;
    this.version = version;
    this.document = document;
    this.operations = operations;
    this.components = components;
    this.basePath = basePath;
    this.matchers = operations.map((operation) => ({
      operation,
      regex: templateRegExp(operation.path),
      literal: operation.path.replace(/\{[^}]+\}/g, '').length,
    }));
  }

  /**
   * The operation serving `method` on a concrete `path`, with its path parameters. Literal
   * segments win over templated ones (`/orders/recent` before `/orders/{id}`).
   *
   * @param method - `GET`, `post`...
   * @param path - a concrete request path (`/orders/42`), the server base path included or not
   * @example
   * api.findOperation('GET', '/orders/42')?.operation.path // '/orders/{id}'
   */
  findOperation(method: string, path: string): { operation: ApiOperation; pathParams: Record<string, string> } | undefined {
    const lower = method.toLowerCase();
    const local = this.basePath !== '' && path.startsWith(this.basePath) ? path.slice(this.basePath.length) || '/' : path;
    const candidates = this.matchers
      .filter((entry) => entry.operation.method === lower && entry.regex.test(local))
      .sort((a, b) => b.literal - a.literal);
    const best = candidates[0];
    if (best === undefined) return undefined;
    const values = best.regex.exec(local)!.slice(1);
    const names = [...best.operation.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!);
    return {
      operation: best.operation,
      pathParams: Object.fromEntries(names.map((name, index) => [name, decodePathSegment(values[index]!)])),
    };
  }

  /**
   * The path templates documented for a concrete path, whatever the method (to say which methods exist).
   *
   * @param path - a concrete request path
   * @example
   * api.operationsOnPath('/orders/42').map((operation) => operation.method) // ['get', 'delete']
   */
  operationsOnPath(path: string): ApiOperation[] {
    const local = this.basePath !== '' && path.startsWith(this.basePath) ? path.slice(this.basePath.length) || '/' : path;
    return this.matchers.filter((entry) => entry.regex.test(local)).map((entry) => entry.operation);
  }

  /**
   * A self-contained draft 2020-12 schema for `components.schemas[name]`, usable with
   * `toMatchSchema`. The same object is returned on every call.
   *
   * @param name - the component's name
   * @example
   * expect(order).toMatchSchema(api.schema('Order'))
   */
  schema(name: string): Record<string, unknown> {
    let bundled = this.named.get(name);
    if (bundled !== undefined) return bundled;
    const schemas = (this.components['schemas'] ?? {}) as Record<string, unknown>;
    if (!(name in schemas)) {
      const suggestion = nearestMatch(name, Object.keys(schemas));
      throw new ContractError('CONTRACT_UNKNOWN_SCHEMA', {
        action: `find the schema "${name}" in ${this.source}`,
        reason: `components.schemas has no such entry${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}`,
        fix: `Known: ${Object.keys(schemas).join(', ') || 'none'}.`,
      });
    }
    bundled = this.bundle({ $ref: `#/components/schemas/${name.replace(/~/g, '~0').replace(/\//g, '~1')}` });
    this.named.set(name, bundled);
    return bundled;
  }

  /**
   * A schema of this document (already draft 2020-12) bundled with the components it may reference.
   *
   * @internal
   */
  bundle(schema: unknown): Record<string, unknown> {
    return { $schema: DRAFT_2020, ...(isPlainObject(schema) ? schema : { allOf: [schema] }), components: this.components };
  }

  /**
   * The compiled validator of a bundled schema of this document, strict unless told.
   *
   * @internal
   */
  compile(schema: Record<string, unknown>, direction: SchemaDirection, strict = true): CompiledSchema {
    return compileSchema(schema, { direction, strict, source: this.source, dialect: 'draft-2020-12' });
  }

  /**
   * What keeps a bundled schema of this document from compiling strictly (paths inside the
   * schema), or an empty list once it is compiled and cached.
   *
   * @internal
   */
  compileProblems(schema: Record<string, unknown>, direction: SchemaDirection): SchemaProblem[] {
    return schemaCompileProblems(schema, { direction, strict: true, source: this.source, dialect: 'draft-2020-12' });
  }
}

function parameterList(raw: unknown, document: Record<string, unknown>): unknown[] {
  if (!Array.isArray(raw)) return [];
  return (raw as unknown[]).map((entry) =>
    isPlainObject(entry) && typeof entry['$ref'] === 'string' ? resolveLocalRef(document, entry['$ref']) : entry,
  );
}

function derefObject(value: unknown, document: Record<string, unknown>): unknown {
  let current = value;
  for (let depth = 0; depth < 10 && isPlainObject(current) && typeof current['$ref'] === 'string'; depth++)
    current = resolveLocalRef(document, current['$ref']);
  return current;
}

/**
 * Load and check an OpenAPI 3.0 or 3.1 document (YAML or JSON file, or an object). Every problem
 * is reported at once with the file, line and JSONPath (bad schemas with did-you-mean, `$ref`s
 * that point nowhere, undeclared path parameters, malformed status codes), and every schema is
 * compiled now, so call it at the top of a test file: a broken document fails once, before any
 * test uses it.
 *
 * @param source - a file path (`.yaml`, `.yml`, `.json`) or the document object
 * @param options - a name for messages when `source` is an object
 * @example
 * const api = loadApiSpec('openapi.yaml')
 * await expect(response).toSatisfyApiSpec(api)
 */
export function loadApiSpec(source: string | Record<string, unknown>, options: LoadApiSpecOptions = {}): ApiSpec {
  const located: Located = typeof source === 'string' ? readDocument(source) : { document: source, locate: () => undefined };
  const name = typeof source === 'string' ? relative(process.cwd(), source) || source : (options.name ?? 'the OpenAPI document');
  const { document, locate } = located;
  const problems: SchemaProblem[] = [];
  const version = typeof document['openapi'] === 'string' ? document['openapi'] : undefined;
  if (version === undefined || !/^3\.[01]\.\d+/.test(version)) {
    throw new ContractError('CONTRACT_INVALID_SPEC', {
      action: `load ${name}`,
      reason: `"openapi" is ${JSON.stringify(document['openapi'] ?? (document['swagger'] === undefined ? undefined : `swagger ${JSON.stringify(document['swagger'])}`))}, not 3.0.x or 3.1.x`,
      fix: 'Convert the document to OpenAPI 3.0 or 3.1.',
    });
  }
  const major = version.startsWith('3.0') ? '3.0' : '3.1';
  const dialect = major === '3.0' ? 'openapi-3.0' : 'openapi-3.1';
  const rawComponents = isPlainObject(document['components']) ? document['components'] : {};
  const rawSchemas = isPlainObject(rawComponents['schemas']) ? rawComponents['schemas'] : {};
  for (const [schemaName, schema] of Object.entries(rawSchemas)) {
    problems.push(...findSchemaProblems(schema, { prefix: ['components', 'schemas', schemaName], refRoot: document }));
  }
  const components = {
    schemas: Object.fromEntries(Object.entries(rawSchemas).map(([schemaName, schema]) => [schemaName, toDraft2020(schema, dialect)])),
  };
  const convert = (schema: unknown, at: PathSegment[]): Record<string, unknown> | undefined => {
    if (schema === undefined) return undefined;
    problems.push(...findSchemaProblems(schema, { prefix: at, refRoot: document }));
    const converted = toDraft2020(schema, dialect);
    return { $schema: DRAFT_2020, ...(isPlainObject(converted) ? converted : { allOf: [converted] }), components };
  };
  const contentMap = (content: unknown, at: PathSegment[]): Record<string, Record<string, unknown> | undefined> => {
    const out: Record<string, Record<string, unknown> | undefined> = {};
    if (content === undefined) return out;
    if (!isPlainObject(content)) {
      problems.push({ segments: at, message: '"content" must map media types to media type objects' });
      return out;
    }
    for (const [mediaType, media] of Object.entries(content)) {
      if (!/^[\w.+*-]+\/[\w.+*-]+$/.test(mediaType.split(';')[0]!.trim()))
        problems.push({ segments: [...at, mediaType], message: `"${mediaType}" is not a media type` });
      out[mediaType.toLowerCase()] = isPlainObject(media) ? convert(media['schema'], [...at, mediaType, 'schema']) : undefined;
    }
    return out;
  };
  const operations: ApiOperation[] = [];
  const paths = document['paths'];
  if (!isPlainObject(paths)) problems.push({ segments: ['paths'], message: '"paths" must be an object of path templates' });
  const operationIds = new Map<string, string>();
  for (const [template, rawItem] of Object.entries(isPlainObject(paths) ? paths : {})) {
    if (!template.startsWith('/')) problems.push({ segments: ['paths', template], message: `path "${template}" must start with "/"` });
    const item = derefObject(rawItem, document);
    if (!isPlainObject(item)) continue;
    const sharedParameters = parameterList(item['parameters'], document);
    for (const key of Object.keys(item)) {
      if (
        !(METHODS as readonly string[]).includes(key) &&
        !['parameters', 'summary', 'description', 'servers', '$ref'].includes(key) &&
        !key.startsWith('x-')
      ) {
        const suggestion = nearestMatch(key, METHODS);
        problems.push({
          segments: ['paths', template, key],
          message: `"${key}" is not an HTTP method or path item field${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}`,
        });
      }
    }
    for (const method of METHODS) {
      const rawOperation = item[method];
      if (rawOperation === undefined) continue;
      const at: PathSegment[] = ['paths', template, method];
      if (!isPlainObject(rawOperation)) {
        problems.push({ segments: at, message: 'an operation must be an object' });
        continue;
      }
      const operationId = typeof rawOperation['operationId'] === 'string' ? rawOperation['operationId'] : undefined;
      if (operationId !== undefined) {
        const previous = operationIds.get(operationId);
        if (previous !== undefined)
          problems.push({ segments: [...at, 'operationId'], message: `operationId "${operationId}" is also used by ${previous}` });
        operationIds.set(operationId, `${method.toUpperCase()} ${template}`);
      }
      const merged = new Map<string, unknown>();
      for (const [index, parameter] of [...sharedParameters, ...parameterList(rawOperation['parameters'], document)].entries()) {
        if (!isPlainObject(parameter) || typeof parameter['name'] !== 'string' || typeof parameter['in'] !== 'string') {
          problems.push({ segments: [...at, 'parameters', index], message: 'a parameter needs a "name" and an "in"' });
          continue;
        }
        merged.set(`${parameter['in']}:${parameter['name']}`, parameter);
      }
      const parameters: ApiParameter[] = [...merged.values()].map((raw) => {
        const parameter = raw as Record<string, unknown>;
        const where = parameter['in'] as ApiParameter['in'];
        return {
          name: parameter['name'] as string,
          in: where,
          required: where === 'path' || parameter['required'] === true,
          schema: convert(parameter['schema'], [...at, 'parameters', parameter['name'] as string, 'schema']),
        };
      });
      for (const match of template.matchAll(/\{([^}]+)\}/g)) {
        if (!parameters.some((parameter) => parameter.in === 'path' && parameter.name === match[1])) {
          problems.push({
            segments: at,
            message: `path parameter "${match[1]}" of ${template} is not declared in "parameters" (in: path)`,
          });
        }
      }
      const rawBody = derefObject(rawOperation['requestBody'], document);
      const requestBody = isPlainObject(rawBody)
        ? { required: rawBody['required'] === true, content: contentMap(rawBody['content'], [...at, 'requestBody', 'content']) }
        : undefined;
      const responses: ApiResponse[] = [];
      const rawResponses = rawOperation['responses'];
      if (!isPlainObject(rawResponses) || Object.keys(rawResponses).length === 0) {
        problems.push({ segments: [...at, 'responses'], message: 'an operation must document at least one response' });
      }
      for (const [status, rawResponse] of Object.entries(isPlainObject(rawResponses) ? rawResponses : {})) {
        if (!/^(?:[1-5]\d\d|[1-5]XX|default)$/.test(status)) {
          problems.push({
            segments: [...at, 'responses', status],
            message: `"${status}" is not a status code, a range like "4XX", or "default"`,
          });
          continue;
        }
        const response = derefObject(rawResponse, document);
        if (!isPlainObject(response)) {
          problems.push({
            segments: [...at, 'responses', status],
            message: 'a response must be an object (or a $ref to components.responses)',
          });
          continue;
        }
        const headers = isPlainObject(response['headers']) ? response['headers'] : {};
        responses.push({
          status: status.toUpperCase(),
          content: contentMap(response['content'], [...at, 'responses', status, 'content']),
          requiredHeaders: Object.entries(headers)
            .filter(
              ([, header]) =>
                isPlainObject(derefObject(header, document)) &&
                (derefObject(header, document) as Record<string, unknown>)['required'] === true,
            )
            .map(([header]) => header.toLowerCase()),
        });
      }
      responses.sort((a, b) => httpStatusOrder(a.status) - httpStatusOrder(b.status));
      operations.push({ method, path: template, operationId, parameters, requestBody, responses });
    }
  }
  const servers = Array.isArray(document['servers']) ? document['servers'] : [];
  const firstUrl = isPlainObject(servers[0]) && typeof servers[0]['url'] === 'string' ? servers[0]['url'] : '/';
  const basePath = new URL(firstUrl.replace(/\{[^}]+\}/g, 'x'), 'http://127.0.0.1').pathname.replace(/\/$/, '');
  const spec = new ApiSpec(name, major, document, operations, components, basePath);
  if (problems.length === 0) {
    for (const operation of operations) {
      const schemas = [
        ...operation.responses.flatMap((response) =>
          Object.entries(response.content).map(([media, schema]) => ({
            schema,
            direction: 'response' as const,
            at: ['paths', operation.path, operation.method, 'responses', response.status, 'content', media, 'schema'],
          })),
        ),
        ...Object.entries(operation.requestBody?.content ?? {}).map(([media, schema]) => ({
          schema,
          direction: 'request' as const,
          at: ['paths', operation.path, operation.method, 'requestBody', 'content', media, 'schema'],
        })),
      ];
      for (const { schema, direction, at } of schemas) {
        if (schema === undefined) continue;
        for (const problem of spec.compileProblems(schema, direction)) {
          problems.push({ segments: [...at, ...problem.segments], message: problem.message });
        }
      }
    }
  }
  if (problems.length > 0) {
    throw new ContractError('CONTRACT_INVALID_SPEC', {
      action: `load ${name}`,
      reason: `${problems.length === 1 ? 'it has a problem' : `it has ${problems.length} problems`}:`,
      details: [formatSchemaProblems(problems, name, locate)],
      fix: 'Fix the document; no response was checked against it.',
    });
  }
  return spec;
}
