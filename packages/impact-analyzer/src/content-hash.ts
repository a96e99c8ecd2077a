import { createHash } from 'node:crypto';

/**
 * The content hash the analyzer keys files by: sha1 hex of the bytes (a string is hashed as UTF-8).
 *
 * @example
 * contentHash('export const a = 1;\n') // '3c1b…'
 */
export function contentHash(content: string | Uint8Array): string {
  return createHash('sha1').update(content).digest('hex');
}
