import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** Where the service's OpenAPI 3.1 document lives. */
export const OPENAPI_DOCUMENT_URL = new URL('../openapi.yaml', import.meta.url);

/** The OpenAPI document as parsed JSON. */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, unknown>;
  [member: string]: unknown;
}

/**
 * Read the service's OpenAPI document (`openapi.yaml`).
 *
 * @example
 * const document = readOpenApiDocument()
 * Object.keys(document.paths) // ['/tenants', '/tenants/current', ...]
 */
export function readOpenApiDocument(): OpenApiDocument {
  return parse(readFileSync(OPENAPI_DOCUMENT_URL, 'utf8')) as OpenApiDocument;
}
