import { firstLine } from '@proving-ground/kit';
import { readFileSync } from 'node:fs';
import { checkRequest, checkResponse, type ApiCheckOptions } from './conformance.js';
import type { ApiSpec } from './api-spec.js';
import { ContractError } from '../errors.js';
import { isJsonMediaType } from '../http-exchange.js';
import { describeUndeclared } from '../safe-print.js';

/** One problem of a pact interaction against the OpenAPI document. */
export interface PactSpecProblem {
  /** The interaction's description. */
  interaction: string;
  /** `request` or `response`. */
  side: 'request' | 'response';
  message: string;
}

/** The result of {@link checkPactAgainstSpec}. */
export interface PactSpecReport {
  /** How many interactions were checked. */
  interactions: number;
  problems: PactSpecProblem[];
}

type Loose = Record<string, unknown>;

function headerMap(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof headers !== 'object' || headers === null) return out;
  for (const [name, value] of Object.entries(headers as Loose))
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  return out;
}

function bodyOf(part: Loose, headers: Record<string, string>): { body: unknown; contentType: string | undefined } {
  const raw = part['body'];
  if (typeof raw === 'object' && raw !== null && 'content' in raw) {
    const v4 = raw as Loose;
    // The interaction's Content-Type header wins: pact-js's jsonBody() records application/json as
    // the body's content type even when the header says application/problem+json (what is sent).
    const contentType = headers['content-type'] ?? (typeof v4['contentType'] === 'string' ? v4['contentType'] : undefined);
    let content = v4['content'];
    if (v4['encoded'] === 'base64' && typeof content === 'string') content = Buffer.from(content, 'base64').toString('utf8');
    if (typeof content === 'string' && isJsonMediaType(contentType)) {
      try {
        content = JSON.parse(content) as unknown;
      } catch {
        // Left as text; the schema check reports it.
      }
    }
    return { body: content, contentType };
  }
  return {
    body: raw,
    contentType: headers['content-type'] ?? (raw !== undefined && typeof raw === 'object' ? 'application/json' : undefined),
  };
}

function queryOf(query: unknown): Record<string, string | string[]> | undefined {
  if (query === undefined || query === null) return undefined;
  if (typeof query === 'string') {
    const out: Record<string, string[]> = {};
    for (const [name, value] of new URLSearchParams(query)) (out[name] ??= []).push(value);
    return Object.fromEntries(Object.entries(out).map(([name, values]) => [name, values.length === 1 ? values[0]! : values]));
  }
  return Object.fromEntries(
    Object.entries(query as Loose).map(([name, value]) => [
      name,
      Array.isArray(value) ? (value.length === 1 ? String(value[0]) : value.map(String)) : String(value),
    ]),
  );
}

/**
 * Check every interaction of a pact file against the provider's OpenAPI document, offline and
 * strictly: the request's operation exists, its parameters and body match (undeclared request
 * fields fail), the response status is documented, its content type declared and its body matches
 * without undeclared fields. Uses the example values pact stores; needs no Pact installation.
 *
 * @param pactFile - a pact file (V2, V3 or V4) or its parsed content
 * @param spec - from `loadApiSpec()`
 * @param options - `showUndeclaredValues`: print undeclared fields' (masked) values, not only their type and size
 * @returns every problem, by interaction
 * @example
 * expect(checkPactAgainstSpec('pacts/web-support-desk.json', loadApiSpec('openapi.yaml')).problems).toEqual([])
 */
export function checkPactAgainstSpec(
  pactFile: string | Record<string, unknown>,
  spec: ApiSpec,
  options: Pick<ApiCheckOptions, 'showUndeclaredValues'> = {},
): PactSpecReport {
  let document: Loose;
  if (typeof pactFile === 'string') {
    try {
      document = JSON.parse(readFileSync(pactFile, 'utf8')) as Loose;
    } catch (error) {
      throw new ContractError(
        'CONTRACT_PACT_FILE',
        { action: `read the pact ${pactFile}`, reason: firstLine(error), fix: 'Run the consumer tests first, or fix the path.' },
        { cause: error },
      );
    }
  } else document = pactFile;
  const interactions = Array.isArray(document['interactions']) ? (document['interactions'] as Loose[]) : [];
  const problems: PactSpecProblem[] = [];
  let checked = 0;
  for (const interaction of interactions) {
    if (interaction['type'] !== undefined && interaction['type'] !== 'Synchronous/HTTP') continue;
    checked++;
    const name = typeof interaction['description'] === 'string' ? interaction['description'] : 'interaction';
    const request = (interaction['request'] ?? {}) as Loose;
    const response = (interaction['response'] ?? {}) as Loose;
    const requestHeaders = headerMap(request['headers']);
    const requestBody = bodyOf(request, requestHeaders);
    const method = typeof request['method'] === 'string' ? request['method'] : 'GET';
    const path = typeof request['path'] === 'string' ? request['path'] : '/';
    const requestCheck = checkRequest(spec, {
      method,
      path,
      query: queryOf(request['query']),
      headers: { ...requestHeaders, ...(requestBody.contentType === undefined ? {} : { 'content-type': requestBody.contentType }) },
      body: requestBody.body,
    });
    for (const violation of requestCheck.violations) problems.push({ interaction: name, side: 'request', message: violation.message });
    const responseHeaders = headerMap(response['headers']);
    const responseBody = bodyOf(response, responseHeaders);
    if (responseBody.contentType !== undefined) responseHeaders['content-type'] = responseBody.contentType;
    const text =
      responseBody.body === undefined ? '' : typeof responseBody.body === 'string' ? responseBody.body : JSON.stringify(responseBody.body);
    const responseCheck = checkResponse(spec, {
      method,
      path: path.split('?')[0],
      query: undefined,
      status: Number(response['status'] ?? 200),
      headers: responseHeaders,
      body: responseBody.body,
      text,
    });
    for (const violation of responseCheck.violations) {
      problems.push({
        interaction: name,
        side: 'response',
        message:
          violation.schema?.extraField !== undefined
            ? `${violation.schema.path}: extra field "${violation.schema.extraField}" is not declared (${describeUndeclared(violation.schema.actual, violation.schema.path, options.showUndeclaredValues)})`
            : violation.message,
      });
    }
  }
  return { interactions: checked, problems };
}
