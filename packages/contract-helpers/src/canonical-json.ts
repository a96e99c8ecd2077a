import { createHash } from 'node:crypto';

/**
 * Serialise a JSON-like value with object keys sorted at every depth, so two equal values give
 * the same text whatever the order their keys were written in. `undefined` members are left out,
 * as JSON.stringify does; functions and symbols become `null`.
 *
 * @param value - a JSON-like value
 * @example
 * canonicalJson({ b: 1, a: [true, { d: null, c: 'x' }] }) // '{"a":[true,{"c":"x","d":null}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') return JSON.stringify(value.toString());
    if (value instanceof RegExp) return JSON.stringify(String(value));
    return JSON.stringify(value) ?? 'null';
  }
  if (value instanceof RegExp) return JSON.stringify(String(value));
  if (Array.isArray(value)) return `[${value.map((item: unknown) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}

/**
 * A SHA-256 digest (hex) of the canonical JSON of `value`: equal content, equal hash.
 *
 * @param value - a JSON-like value
 * @example
 * contentHash({ a: 1, b: 2 }) === contentHash({ b: 2, a: 1 }) // true
 */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
