import { createHash } from 'node:crypto';
import type { Sql } from './database.ts';
import { isUuid } from './ids.ts';

/** Every key starts with this, so a leaked one is easy to find (secret scanners, logs). */
export const API_KEY_PREFIX = 'sdk_';

/** `sdk_` + the tenant id without dashes + `_` + 43 base64url characters (32 random bytes). */
const API_KEY_PATTERN = /^sdk_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

/** An API key taken apart: the tenant it names and its secret. */
export interface ParsedApiKey {
  tenantId: string;
  secret: string;
}

/**
 * The SHA-256 of an API key's secret, in hex: what `api_keys` stores instead of the secret.
 *
 * @example
 * secretHash('abc').length // 64
 */
export function secretHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The tenant and secret of an `Authorization: Bearer sdk_…` header value, or `undefined` when it
 * is not one of this service's keys.
 *
 * @example
 * parseApiKey(`Bearer ${key}`)?.tenantId // the tenant the key was issued to
 */
export function parseApiKey(authorization: string | undefined): ParsedApiKey | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  const parts = match === null ? null : API_KEY_PATTERN.exec(match[1]!);
  if (parts === null) return undefined;
  const hex = parts[1]!;
  const tenantId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return isUuid(tenantId) ? { tenantId, secret: parts[2]! } : undefined;
}

/**
 * Whether `secret` belongs to a key of the tenant whose transaction `sql` runs in, not revoked.
 * Row level security confines the lookup to that tenant: another tenant's key never matches.
 *
 * @example
 * const valid = await database.withTenant(parsed.tenantId, (sql) => isLiveApiKey(sql, parsed.secret))
 */
export async function isLiveApiKey(sql: Sql, secret: string): Promise<boolean> {
  // Looked up by hash: comparing hashes tells an attacker nothing about the secret, timing or not.
  const found = await sql.query('SELECT 1 FROM api_keys WHERE secret_sha256 = $1 AND revoked_at IS NULL', [secretHash(secret)]);
  return found.rowCount === 1;
}
