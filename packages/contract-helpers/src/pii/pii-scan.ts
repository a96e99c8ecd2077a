import { formatJsonPath, type PathSegment } from '../json-path.js';
import { compileJsonPathPattern, type JsonPathPattern } from '../json-path.js';
import { ContractError } from '../errors.js';
import { PII_CATEGORIES, type PiiCategory, type PiiFinding } from './pii-categories.js';
import { detectInText } from './pii-detectors.js';
import { keyHintFor, normaliseKey } from './key-hints.js';
import { maskPii } from './pii-mask.js';

/** Values, paths or categories a PII check lets through. */
export interface PiiAllowList {
  /** JSONPath patterns of values that may hold personal data (`$.supportEmail`, `$.users[*].email`). */
  paths?: readonly string[];
  /** Exact values or patterns that are known to be fine (`support@example.com`, `/@example\.com$/`). */
  values?: ReadonlyArray<string | RegExp>;
  /** Whole categories to ignore (`['ipv4']`). */
  categories?: readonly PiiCategory[];
}

/** How {@link findPII} scans. */
export interface PiiScanOptions {
  /** What to let through. */
  allow?: PiiAllowList;
  /** Only these categories (default: all). */
  categories?: readonly PiiCategory[];
  /** Report findings at or above this risk (default 0.5). */
  minRisk?: number;
  /** Use property names as evidence (`email`, `ssn`, `dob`, `password`...) (default true). */
  keyHints?: boolean;
}

/** Text the redactor writes; never detected again, so redaction is idempotent. */
export const REDACTION_MARKER = /\[REDACTED(?::[a-z-]+)?\]/;
const PLACEHOLDER = /^(?:\*+|x+|-+|\[REDACTED(?::[a-z-]+)?\]|<redacted>|redacted|null|none|n\/a|unknown|undefined|hidden|masked)$/i;

/**
 * The category a property name says its value holds (`password` → secret, `dob` → date of birth),
 * whatever the value looks like; undefined for names that say nothing.
 *
 * @internal
 */
export function keyHintCategory(key: string): PiiCategory | undefined {
  return keyHintFor(key)?.category;
}

interface Scan {
  options: PiiScanOptions;
  allowPaths: JsonPathPattern[];
  categories: ReadonlySet<PiiCategory>;
  minRisk: number;
  findings: PiiFinding[];
  seen: WeakSet<object>;
}

function allowedValue(raw: string, allow: PiiAllowList | undefined): boolean {
  return (allow?.values ?? []).some((entry) =>
    typeof entry === 'string' ? entry === raw : new RegExp(entry.source, entry.flags.replace('g', '')).test(raw),
  );
}

function report(
  scan: Scan,
  segments: PathSegment[],
  category: PiiCategory,
  raw: string,
  risk: number,
  evidence: 'value' | 'key',
  start?: number,
  end?: number,
): void {
  if (!scan.categories.has(category) || risk < scan.minRisk) return;
  if (scan.options.allow?.categories?.includes(category) || allowedValue(raw, scan.options.allow)) return;
  if (scan.allowPaths.some((pattern) => pattern.matches(segments))) return;
  scan.findings.push({
    category,
    path: formatJsonPath(segments),
    risk,
    masked: maskPii(category, raw),
    evidence,
    ...(start === undefined ? {} : { start, end }),
  });
}

function scanString(scan: Scan, text: string, segments: PathSegment[], key: string | undefined, parentKey?: string): void {
  const normalisedKey = key === undefined ? undefined : normaliseKey(key);
  const matches = REDACTION_MARKER.test(text) && PLACEHOLDER.test(text.trim()) ? [] : detectInText(text, { key: normalisedKey });
  for (const match of matches) report(scan, segments, match.category, match.raw, match.risk, 'value', match.start, match.end);
  if (normalisedKey === undefined || scan.options.keyHints === false) return;
  const trimmed = text.trim();
  if (trimmed === '' || PLACEHOLDER.test(trimmed) || REDACTION_MARKER.test(trimmed)) return;
  const hint = keyHintFor(key!, parentKey);
  if (hint === undefined || matches.some((match) => match.category === hint.category)) return;
  if (hint.accepts(trimmed)) report(scan, segments, hint.category, trimmed, hint.risk, 'key');
}

function walk(scan: Scan, value: unknown, segments: PathSegment[], key: string | undefined, parentKey?: string): void {
  if (typeof value === 'string') scanString(scan, value, segments, key, parentKey);
  else if (typeof value === 'number' || typeof value === 'bigint') {
    if (Number.isInteger(Number(value)) || typeof value === 'bigint') scanString(scan, String(value), segments, key, parentKey);
  } else if (typeof value === 'object' && value !== null) {
    if (scan.seen.has(value)) return;
    scan.seen.add(value);
    if (Array.isArray(value)) value.forEach((item: unknown, index) => walk(scan, item, [...segments, index], key, parentKey));
    else if (value instanceof Map)
      for (const [entryKey, entry] of value) walk(scan, entry, [...segments, String(entryKey)], String(entryKey), key);
    else if (!(value instanceof Date) && !ArrayBuffer.isView(value)) {
      for (const [entryKey, entry] of Object.entries(value)) walk(scan, entry, [...segments, entryKey], entryKey, key);
    }
  }
}

/**
 * Every piece of personal data or secret in `value` (strings, numbers, nested objects and arrays,
 * Maps), each with its category, JSONPath, risk score and a masked sample.
 *
 * Detectors validate what they find: cards by issuer range, length and Luhn checksum; IBANs by
 * country length and mod-97; phone numbers with libphonenumber-js; SSNs by area/group/serial
 * rules; JWTs by their decoded header. Property names add evidence (`email`, `ssn`, `dob`,
 * `password`...) and context (`orderId` holds ids, not cards).
 *
 * @param value - any JSON-like value, or a string
 * @param options - allow-list, categories, minimum risk
 * @example
 * findPII({ user: { contact: 'jane@corp.example' } })
 * // [{ category: 'email', path: '$.user.contact', risk: 0.92, masked: 'j***@c***.example', evidence: 'value', ... }]
 */
export function findPII(value: unknown, options: PiiScanOptions = {}): PiiFinding[] {
  const scan = createScan(options);
  walk(scan, value, [], undefined);
  return scan.findings;
}

/**
 * The findings in one string held by property `key` (for the redactor), with their positions.
 *
 * @internal
 */
export function findPiiInLeaf(text: string, key: string | undefined, options: PiiScanOptions = {}, parentKey?: string): PiiFinding[] {
  const scan = createScan(options);
  scanString(scan, text, [], key, parentKey);
  return scan.findings;
}

function createScan(options: PiiScanOptions): Scan {
  const allowPaths = (options.allow?.paths ?? []).map((pattern) => {
    const compiled = compileJsonPathPattern(pattern);
    if (compiled === undefined) {
      throw new ContractError(
        'CONTRACT_INVALID_OPTIONS',
        `[contract-helpers] Failed to read allow.paths: ${JSON.stringify(pattern)} is not a JSONPath pattern. Write patterns like "$.supportEmail" or "$.users[*].email".`,
      );
    }
    return compiled;
  });
  const unknown = [...(options.categories ?? []), ...(options.allow?.categories ?? [])].filter(
    (category) => !PII_CATEGORIES.includes(category),
  );
  if (unknown.length > 0) {
    throw new ContractError(
      'CONTRACT_INVALID_OPTIONS',
      `[contract-helpers] Failed to read the PII categories: ${unknown.map((category) => JSON.stringify(category)).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a category. Use ${PII_CATEGORIES.join(', ')}.`,
    );
  }
  return {
    options,
    allowPaths,
    categories: new Set(options.categories ?? PII_CATEGORIES),
    minRisk: options.minRisk ?? 0.5,
    findings: [],
    seen: new WeakSet(),
  };
}
