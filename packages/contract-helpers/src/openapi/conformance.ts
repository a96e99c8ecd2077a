import type { ApiOperation, ApiResponse, ApiSpec } from './api-spec.js';
import { isJsonMediaType, type HttpExchange } from '../http-exchange.js';
import { nearestMatch } from '@proving-ground/kit';
import type { SchemaViolation } from '../schema/validator.js';

/** One way an HTTP exchange breaks the OpenAPI document. */
export interface ApiViolation {
  /** `operation`, `status`, `content-type`, `header`, `parameter`, or `body` (with `schema` set). */
  kind: 'operation' | 'status' | 'content-type' | 'header' | 'parameter' | 'body';
  message: string;
  /** For body violations: the schema violation (path, expected, actual). */
  schema?: SchemaViolation;
}

/** The result of checking one exchange. */
export interface ApiCheck {
  /** `GET /orders/{id}` when an operation matched. */
  operation: string | undefined;
  violations: ApiViolation[];
}

/** Options of the OpenAPI checks. */
export interface ApiCheckOptions {
  /** JSONPath patterns in the body where undeclared fields are accepted. */
  allow?: readonly string[];
  /** Reject undeclared fields (default true). */
  strict?: boolean;
  /** The request method, when the response does not carry it (fetch). */
  method?: string;
  /** The request path, when the response does not carry it. */
  path?: string;
  /**
   * In failure messages, print the values of undeclared fields (personal data and anything under a
   * secret-sounding name such as `password` or `aws_secret_access_key` still masked) instead of only
   * their type and size (default false: undeclared fields are where leaks hide).
   */
  showUndeclaredValues?: boolean;
}

function mediaMatches(pattern: string, actual: string): boolean {
  const [type, subtype] = pattern.split('/');
  const [actualType, actualSubtype] = actual.split('/');
  return (type === '*' || type === actualType) && (subtype === '*' || subtype === actualSubtype);
}

/**
 * The documented response for `status`: the exact code, else its range (`4XX`), else `default`.
 *
 * @param operation - the operation
 * @param status - the HTTP status
 * @example
 * documentedResponse(operation, 404)?.status // '404', '4XX' or 'DEFAULT'
 */
export function documentedResponse(operation: ApiOperation, status: number): ApiResponse | undefined {
  const code = String(status);
  return (
    operation.responses.find((response) => response.status === code) ??
    operation.responses.find((response) => response.status === `${code[0]}XX`) ??
    operation.responses.find((response) => response.status === 'DEFAULT')
  );
}

/** Pick the schema of the media type that matches `contentType` (most specific first). */
export function contentSchemaFor(
  content: Record<string, Record<string, unknown> | undefined>,
  contentType: string,
): { mediaType: string; schema: Record<string, unknown> | undefined } | undefined {
  const actual = contentType.split(';')[0]!.trim().toLowerCase();
  const entries = Object.entries(content)
    .filter(([pattern]) => mediaMatches(pattern.split(';')[0]!.trim(), actual))
    .sort(([a], [b]) => (a.match(/\*/g)?.length ?? 0) - (b.match(/\*/g)?.length ?? 0));
  const best = entries[0];
  return best === undefined ? undefined : { mediaType: best[0], schema: best[1] };
}

/**
 * Check a response against the document: the operation exists, the status is documented for it,
 * the content type is one it declares, required headers are present and the body matches the
 * schema strictly (undeclared fields at any depth are violations).
 *
 * @param spec - the loaded document
 * @param exchange - the response, in the shape {@link toHttpExchange} gives
 * @param options - strictness, allow-list, method/path for responses that do not carry them
 * @example
 * checkResponse(api, await toHttpExchange(response)).violations // []
 */
export function checkResponse(spec: ApiSpec, exchange: HttpExchange, options: ApiCheckOptions = {}): ApiCheck {
  const method = (options.method ?? exchange.method)?.toUpperCase();
  const path = options.path ?? exchange.path;
  if (path === undefined) {
    return {
      operation: undefined,
      violations: [{ kind: 'operation', message: 'the request path is unknown: pass { path } (and { method }) in the options' }],
    };
  }
  const onPath = spec.operationsOnPath(path);
  let resolvedMethod = method;
  let guess: string | undefined;
  if (resolvedMethod === undefined) {
    const methods = [...new Set(onPath.map((operation) => operation.method))];
    // A fetch Response does not say which method asked for it: the single operation on the path,
    // else the single one documenting the status, else GET, said in any failure.
    const documenting = [
      ...new Set(
        onPath.filter((operation) => documentedResponse(operation, exchange.status) !== undefined).map((operation) => operation.method),
      ),
    ];
    if (methods.length === 1) resolvedMethod = methods[0]!.toUpperCase();
    else if (documenting.length === 1) resolvedMethod = documenting[0]!.toUpperCase();
    else if (methods.includes('get')) {
      resolvedMethod = 'GET';
      const other = methods.find((entry) => entry !== 'get')!.toUpperCase();
      guess = `checked as GET: the response does not carry its request method (a fetch Response does not) and ${path} has operations for ${methods.map((entry) => entry.toUpperCase()).join(', ')}${documenting.length > 1 ? `, of which ${documenting.map((entry) => entry.toUpperCase()).join(', ')} document status ${exchange.status}` : ''}; pass { method: '${other}' } in the options if it was not a GET`;
    } else {
      return {
        operation: undefined,
        violations: [
          {
            kind: 'operation',
            message: `the request method is unknown and ${path} has ${methods.length === 0 ? 'no operation' : `operations for ${methods.map((entry) => entry.toUpperCase()).join(', ')}`}: pass { method } in the options`,
          },
        ],
      };
    }
  }
  const check = checkOperation(spec, exchange, options, resolvedMethod, path, onPath);
  if (guess !== undefined && check.violations.length > 0) check.violations.unshift({ kind: 'operation', message: guess });
  return check;
}

/**
 * The path template `path` was most plausibly meant for. Each template is compared with its
 * parameters filled in from `path` (`/files/{name}` is read as `/files/x` for `/filez/x`), so only
 * the literal segments count as typos.
 */
function nearestTemplate(path: string, templates: readonly string[]): string | undefined {
  const segments = path.split('/');
  const filled = templates.map((template) => {
    const parts = template.split('/');
    if (parts.length !== segments.length) return template;
    return parts.map((part, index) => (/^\{[^}]+\}$/.test(part) ? segments[index]! : part)).join('/');
  });
  const near = nearestMatch(path, filled);
  return near === undefined ? undefined : templates[filled.indexOf(near)];
}

function checkOperation(
  spec: ApiSpec,
  exchange: HttpExchange,
  options: ApiCheckOptions,
  resolvedMethod: string,
  path: string,
  onPath: readonly ApiOperation[],
): ApiCheck {
  const found = spec.findOperation(resolvedMethod, path);
  if (found === undefined) {
    const templates = [...new Set(spec.operations.map((operation) => operation.path))];
    const suggestion =
      onPath.length > 0
        ? `it documents ${onPath.map((operation) => operation.method.toUpperCase()).join(', ')} there`
        : nearestTemplate(path, templates);
    return {
      operation: undefined,
      violations: [
        {
          kind: 'operation',
          message: `${resolvedMethod} ${path} is not an operation of ${spec.source}${suggestion === undefined ? '' : onPath.length > 0 ? ` (${suggestion})` : ` (did you mean ${suggestion}?)`}`,
        },
      ],
    };
  }
  const { operation } = found;
  const label = `${operation.method.toUpperCase()} ${operation.path}`;
  const violations: ApiViolation[] = [];
  const response = documentedResponse(operation, exchange.status);
  if (response === undefined) {
    violations.push({
      kind: 'status',
      message: `status ${exchange.status} is not documented for ${label} (documented: ${operation.responses.map((entry) => (entry.status.toLowerCase() === 'default' ? 'default' : entry.status)).join(', ')})`,
    });
    return { operation: label, violations };
  }
  for (const header of response.requiredHeaders) {
    if (exchange.headers[header] === undefined)
      violations.push({ kind: 'header', message: `required response header "${header}" is missing` });
  }
  const declared = Object.keys(response.content);
  const hasBody = exchange.text !== '';
  if (declared.length === 0) {
    if (hasBody)
      violations.push({
        kind: 'body',
        message: `the response has a body, but ${label} documents none for ${response.status.toLowerCase()}`,
      });
    return { operation: label, violations };
  }
  const contentType = exchange.headers['content-type'];
  if (contentType === undefined) {
    if (hasBody)
      violations.push({
        kind: 'content-type',
        message: `the response has no content-type; ${label} ${response.status} declares ${declared.join(', ')}`,
      });
    return { operation: label, violations };
  }
  const media = contentSchemaFor(response.content, contentType);
  if (media === undefined) {
    violations.push({
      kind: 'content-type',
      message: `content-type ${contentType} is not declared for ${label} ${response.status} (declared: ${declared.join(', ')})`,
    });
    return { operation: label, violations };
  }
  if (media.schema !== undefined) {
    let body = exchange.body;
    if (isJsonMediaType(contentType) && typeof body === 'string' && exchange.text !== '') {
      violations.push({ kind: 'body', message: `the body is not valid JSON although the content-type is ${contentType}` });
      return { operation: label, violations };
    }
    if (!hasBody) body = undefined;
    const schemaViolations =
      body === undefined ? [] : spec.compile(media.schema, 'response', options.strict !== false).validate(body, { allow: options.allow });
    if (body === undefined)
      violations.push({
        kind: 'body',
        message: `the body is empty; ${label} ${response.status} declares ${media.mediaType} with a schema`,
      });
    for (const violation of schemaViolations)
      violations.push({ kind: 'body', message: `${violation.path}: ${violation.message}`, schema: violation });
  }
  return { operation: label, violations };
}

/** A request to check against the document (what a Pact interaction or a fuzzer sends). */
export interface ApiRequest {
  method: string;
  path: string;
  /** Query parameters; repeated ones as arrays. */
  query?: Record<string, string | string[]>;
  /** Headers, names in any case. */
  headers?: Record<string, string>;
  /** The body, parsed when JSON. */
  body?: unknown;
}

function coerceParameter(value: string, schema: Record<string, unknown> | undefined): unknown {
  const type = schema?.['type'];
  const types = Array.isArray(type) ? type : [type];
  if ((types.includes('integer') || types.includes('number')) && /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i.test(value)) return Number(value);
  if (types.includes('boolean') && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

/**
 * Check a request against the document: the operation exists, required parameters are present and
 * valid, and the body matches the request schema strictly (`readOnly` fields count as undeclared).
 *
 * @param spec - the loaded document
 * @param request - method, path, query, headers, body
 * @param options - strictness and allow-list
 * @example
 * checkRequest(api, { method: 'POST', path: '/orders', headers: { 'content-type': 'application/json' }, body: { ... } }).violations
 */
export function checkRequest(spec: ApiSpec, request: ApiRequest, options: Omit<ApiCheckOptions, 'method' | 'path'> = {}): ApiCheck {
  const found = spec.findOperation(request.method, request.path.split('?')[0]!);
  if (found === undefined) {
    return {
      operation: undefined,
      violations: [{ kind: 'operation', message: `${request.method.toUpperCase()} ${request.path} is not an operation of ${spec.source}` }],
    };
  }
  const { operation, pathParams } = found;
  const label = `${operation.method.toUpperCase()} ${operation.path}`;
  const violations: ApiViolation[] = [];
  const headers = Object.fromEntries(Object.entries(request.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  for (const parameter of operation.parameters) {
    const raw =
      parameter.in === 'path'
        ? pathParams[parameter.name]
        : parameter.in === 'query'
          ? request.query?.[parameter.name]
          : parameter.in === 'header'
            ? headers[parameter.name.toLowerCase()]
            : undefined;
    if (raw === undefined) {
      if (parameter.required && parameter.in !== 'cookie')
        violations.push({ kind: 'parameter', message: `required ${parameter.in} parameter "${parameter.name}" is missing` });
      continue;
    }
    if (parameter.schema === undefined) continue;
    const value = Array.isArray(raw)
      ? raw.map((entry) => coerceParameter(entry, parameter.schema))
      : coerceParameter(raw, parameter.schema);
    for (const violation of spec.compile(parameter.schema, 'request', false).validate(value)) {
      violations.push({
        kind: 'parameter',
        message: `${parameter.in} parameter "${parameter.name}" ${violation.message} (got ${JSON.stringify(raw)})`,
      });
    }
  }
  const body = operation.requestBody;
  const hasBody = request.body !== undefined && request.body !== '';
  if (body === undefined) {
    if (hasBody) violations.push({ kind: 'body', message: `the request has a body, but ${label} takes none` });
    return { operation: label, violations };
  }
  if (!hasBody) {
    if (body.required) violations.push({ kind: 'body', message: `${label} requires a request body` });
    return { operation: label, violations };
  }
  const contentType = headers['content-type'] ?? (typeof request.body === 'object' ? 'application/json' : 'text/plain');
  const media = contentSchemaFor(body.content, contentType);
  if (media === undefined) {
    violations.push({
      kind: 'content-type',
      message: `request content-type ${contentType} is not accepted by ${label} (declared: ${Object.keys(body.content).join(', ')})`,
    });
    return { operation: label, violations };
  }
  if (media.schema !== undefined) {
    for (const violation of spec
      .compile(media.schema, 'request', options.strict !== false)
      .validate(request.body, { allow: options.allow })) {
      violations.push({ kind: 'body', message: `${violation.path}: ${violation.message}`, schema: violation });
    }
  }
  return { operation: label, violations };
}
