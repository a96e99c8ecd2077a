import { MIN_SECRET_LENGTH } from './rules.js';

// The encoded forms in which a secret is redacted and looked for: URL-encoded, base64, JSON-escaped.

/** `text` with every regular-expression character escaped. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The forms of a secret replaced in text: raw, URL-encoded (both styles), base64 and base64url. */
export function replacedForms(secret: string): string[] {
  const base64 = Buffer.from(secret).toString('base64');
  return [
    ...new Set([
      secret,
      encodeURIComponent(secret),
      new URLSearchParams({ s: secret }).toString().slice(2),
      base64,
      base64.replace(/=+$/, ''),
      Buffer.from(secret).toString('base64url'),
    ]),
  ].filter((form) => form.length > 0);
}

/** Patterns built by {@link shortSecretPatterns}, by secret and variant: `text()` runs for every string of a body. */
const patternCache = new Map<string, RegExp[]>();

/** Characters that continue a base64 or base64url run (a token boundary is any other character). */
const BASE64_RUN = 'A-Za-z0-9+/=_-';

/**
 * Whole-token patterns of every replaced form of a short secret (fewer than 8 characters): raw and
 * URL-encoded as whole words, base64 and base64url as whole base64 runs. A short secret is matched
 * this way only, never as a substring: `pw12345` is not found inside `xpw123456`, and its base64
 * `cHcxMjM0NQ==` is not found inside a longer base64 body. With `encodedOnly`, the raw form is
 * left out (for a short value known only by its variable's name, whose raw form is often a plain word).
 * With `bytes`, the patterns match text that holds bytes as latin1 characters.
 *
 * @example
 * shortSecretPatterns('pw12345') // [/(?<![A-Za-z0-9])pw12345(?![A-Za-z0-9])/g, ..., /(?<![A-Za-z0-9+\/=_-])cHcxMjM0NQ==(?![A-Za-z0-9+\/=_-])/g, ...]
 */
export function shortSecretPatterns(secret: string, encodedOnly = false, bytes = false): RegExp[] {
  const key = `${Number(encodedOnly)}${Number(bytes)}${secret}`;
  const cached = patternCache.get(key);
  if (cached !== undefined) return cached;
  const encode = (form: string): string => (bytes ? Buffer.from(form, 'utf8').toString('latin1') : form);
  const base64 = new Set(
    [Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64url')].flatMap((form) => [form, form.replace(/=+$/, '')]),
  );
  const patterns: RegExp[] = [];
  for (const form of replacedForms(secret)) {
    if (base64.has(form) && form !== secret) {
      patterns.push(new RegExp(`(?<![${BASE64_RUN}])${escapeRegExp(encode(form))}(?![${BASE64_RUN}])`, 'g'));
    } else if (!encodedOnly || form !== secret) {
      patterns.push(new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(encode(form))}(?![A-Za-z0-9])`, 'g'));
    }
  }
  if (patternCache.size >= 1_000) patternCache.clear();
  patternCache.set(key, patterns);
  return patterns;
}

/**
 * The forms of a secret looked for by the scan: those replaced, its JSON-escaped form, and the
 * characters of its base64 (and base64url) that do not depend on neighbouring bytes, at each of the
 * three byte alignments, so base64 of a longer body that holds the secret anywhere is caught.
 */
export function scannedForms(secret: string): string[] {
  const bytes = Buffer.from(secret);
  const aligned: string[] = [];
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const from = Math.ceil((offset * 8) / 6);
    const to = Math.floor(((offset + bytes.byteLength) * 8) / 6);
    const pure = encoded.slice(from, to);
    aligned.push(pure, pure.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...new Set([...replacedForms(secret), JSON.stringify(secret).slice(1, -1), ...aligned])].filter(
    (form) => form.length >= MIN_SECRET_LENGTH,
  );
}
