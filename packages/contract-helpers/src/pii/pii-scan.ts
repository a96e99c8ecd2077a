import { formatJsonPath, type PathSegment } from '../json-path.js';
import { compileJsonPathPattern, type JsonPathPattern } from '../json-path.js';
import { ContractError } from '../errors.js';
import { PII_CATEGORIES, type PiiCategory, type PiiFinding } from './pii-categories.js';
import { detectInText, type TextMatch } from './pii-detectors.js';
import { isCardLikeObject } from './payment-card.js';
import { textSegments } from './text-segments.js';
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

/** How {@link findPii} scans. */
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

/** Where a value sits: the property holding it, that property's parent, and whether it is in a card object. */
interface Place {
  key: string | undefined;
  parentKey?: string | undefined;
  inCard?: boolean;
  /** Inside JSON text: findings keep the string's path (a path into text would point nowhere). */
  inText?: boolean;
}

// A value is one finding: when a detector recognises (most of) it, its key only repeats that.
function coversValue(matches: readonly TextMatch[], text: string): boolean {
  const covered = matches.reduce((sum, match) => sum + match.end - match.start, 0);
  return covered * 2 >= text.trim().length;
}

function scanPlainText(scan: Scan, text: string, offset: number, segments: PathSegment[], place: Place, whole: boolean): void {
  const normalisedKey = place.key === undefined ? undefined : normaliseKey(place.key);
  const matches =
    REDACTION_MARKER.test(text) && PLACEHOLDER.test(text.trim())
      ? []
      : detectInText(text, { key: normalisedKey, parentKey: normalisedOrUndefined(place.parentKey), inCard: place.inCard, whole });
  for (const match of matches) {
    if (place.inText === true) report(scan, segments, match.category, match.raw, match.risk, 'value');
    else report(scan, segments, match.category, match.raw, match.risk, 'value', match.start + offset, match.end + offset);
  }
  if (!whole || normalisedKey === undefined || scan.options.keyHints === false) return;
  const trimmed = text.trim();
  if (trimmed === '' || PLACEHOLDER.test(trimmed) || REDACTION_MARKER.test(trimmed)) return;
  const hint = keyHintFor(place.key!, place.parentKey);
  if (hint === undefined || matches.some((match) => match.category === hint.category) || coversValue(matches, text)) return;
  if (hint.accepts(trimmed)) report(scan, segments, hint.category, trimmed, hint.risk, 'key');
}

function scanString(scan: Scan, text: string, segments: PathSegment[], place: Place): void {
  for (const segment of textSegments(text)) {
    if (segment.kind === 'json') walk(scan, segment.value, segments, { key: undefined, parentKey: place.key, inText: true });
    else scanPlainText(scan, segment.text, segment.start, segments, place, segment.text === text);
  }
}

function walk(scan: Scan, value: unknown, segments: PathSegment[], place: Place): void {
  const at = (segment: PathSegment): PathSegment[] => (place.inText === true ? segments : [...segments, segment]);
  if (typeof value === 'string') scanString(scan, value, segments, place);
  else if (typeof value === 'number' || typeof value === 'bigint') {
    if (Number.isInteger(Number(value)) || typeof value === 'bigint') scanString(scan, String(value), segments, place);
  } else if (typeof value === 'object' && value !== null) {
    if (scan.seen.has(value)) return;
    scan.seen.add(value);
    const inText = place.inText;
    if (Array.isArray(value)) value.forEach((item: unknown, index) => walk(scan, item, at(index), place));
    else if (value instanceof Map) {
      const inCard = isCardLikeObject(
        [...value].map(([key, entry]) => [String(key), entry] as const),
        normalisedOrUndefined(place.key),
      );
      for (const [entryKey, entry] of value)
        walk(scan, entry, at(String(entryKey)), { key: String(entryKey), parentKey: place.key, inCard, inText });
    } else if (!(value instanceof Date) && !ArrayBuffer.isView(value)) {
      const entries = Object.entries(value);
      const inCard = isCardLikeObject(entries, normalisedOrUndefined(place.key));
      for (const [entryKey, entry] of entries) walk(scan, entry, at(entryKey), { key: entryKey, parentKey: place.key, inCard, inText });
    }
  }
}

const normalisedOrUndefined = (key: string | undefined): string | undefined => (key === undefined ? undefined : normaliseKey(key));

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
 * findPii({ user: { contact: 'jane@corp.example' } })
 * // [{ category: 'email', path: '$.user.contact', risk: 0.92, masked: 'j***@c***.example', evidence: 'value', ... }]
 */
export function findPii(value: unknown, options: PiiScanOptions = {}): PiiFinding[] {
  const scan = createScan(options);
  walk(scan, value, [], { key: undefined });
  return scan.findings;
}

/**
 * The findings in one stretch of plain text held by property `key` (for the redactor), with their
 * positions in it.
 *
 * @internal
 */
export function findPiiInPlainText(
  text: string,
  place: { key: string | undefined; parentKey?: string | undefined; inCard?: boolean; whole: boolean },
  options: PiiScanOptions = {},
): PiiFinding[] {
  const scan = createScan(options);
  scanPlainText(scan, text, 0, [], place, place.whole);
  return scan.findings;
}

function createScan(options: PiiScanOptions): Scan {
  const allowPaths = (options.allow?.paths ?? []).map((pattern) => {
    const compiled = compileJsonPathPattern(pattern);
    if (compiled === undefined) {
      throw new ContractError('CONTRACT_INVALID_OPTIONS', {
        action: 'read allow.paths',
        reason: `${JSON.stringify(pattern)} is not a JSONPath pattern`,
        fix: 'Write patterns like "$.supportEmail" or "$.users[*].email".',
      });
    }
    return compiled;
  });
  const unknown = [...(options.categories ?? []), ...(options.allow?.categories ?? [])].filter(
    (category) => !PII_CATEGORIES.includes(category),
  );
  if (unknown.length > 0) {
    throw new ContractError('CONTRACT_INVALID_OPTIONS', {
      action: 'read the PII categories',
      reason: `${unknown.map((category) => JSON.stringify(category)).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a category`,
      fix: `Use ${PII_CATEGORIES.join(', ')}.`,
    });
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
