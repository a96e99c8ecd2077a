import { formatJsonPath, type PathSegment } from '../json-path.js';
import { compileJsonPathPattern, type JsonPathPattern } from '../json-path.js';
import { ContractError } from '../errors.js';
import { PII_CATEGORIES, type PiiCategory, type PiiFinding } from './pii-categories.js';
import { detectInText, luhnValid, cardNetwork } from './pii-detectors.js';
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

interface KeyHint {
  test: RegExp;
  category: PiiCategory;
  accepts(value: string): boolean;
  risk: number;
}

const normaliseKey = (key: string): string => key.toLowerCase().replace(/[-_\s.]/g, '');

const DATE_LIKE = /^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})(?:T[\d:.]+Z?)?$/;

/** Property names that say what a value is, for values no detector recognises on its own. */
const KEY_HINTS: readonly KeyHint[] = [
  {
    test: /^(?:password|passwd|pwd|passphrase|secret|clientsecret|apikey|apisecret|accesskey|secretkey|privatekey|accesstoken|refreshtoken|idtoken|authtoken|sessiontoken|token|bearer|authorization|credentials?|pin)$/,
    category: 'secret',
    accepts: (value) => value.length >= 4,
    risk: 0.9,
  },
  {
    test: /^(?:dob|dateofbirth|birthdate|birthday|birthdt)$/,
    category: 'date-of-birth',
    accepts: (value) => DATE_LIKE.test(value),
    risk: 0.85,
  },
  {
    test: /^(?:firstname|lastname|fullname|givenname|familyname|surname|middlename|maidenname|legalname|customername|cardholdername|holdername)$/,
    category: 'name',
    accepts: (value) => /^\p{L}[\p{L}' .-]{1,80}$/u.test(value),
    risk: 0.7,
  },
  {
    test: /^(?:address|streetaddress|street|addressline[12]?|homeaddress|postaladdress|billingaddress|shippingaddress|mailingaddress)$/,
    category: 'address',
    accepts: (value) => /\d/.test(value) && /\p{L}{2,}/u.test(value) && value.length >= 8,
    risk: 0.7,
  },
  {
    test: /^(?:ssn|socialsecuritynumber|socialsecurityno)$/,
    category: 'ssn',
    accepts: (value) => /^\d{3}[- ]?\d{2}[- ]?\d{4}$/.test(value),
    risk: 0.85,
  },
  {
    test: /^(?:phone|phonenumber|mobile|mobilenumber|cellphone|telephone|tel|msisdn|fax)$/,
    category: 'phone',
    accepts: (value) => /^\+?[\d\s().-]{7,20}$/.test(value) && value.replace(/\D/g, '').length >= 7,
    risk: 0.75,
  },
  { test: /^(?:email|emailaddress|mail|useremail|contactemail)$/, category: 'email', accepts: (value) => value.includes('@'), risk: 0.7 },
  {
    test: /^(?:cardnumber|creditcard|creditcardnumber|ccnumber|pan|cardno)$/,
    category: 'card',
    accepts: (value) => {
      const digits = value.replace(/[\s-]/g, '');
      return /^\d{12,19}$/.test(digits) && luhnValid(digits) && cardNetwork(digits) !== undefined;
    },
    risk: 0.95,
  },
];

/**
 * The category a property name says its value holds (`password` → secret, `dob` → date of birth),
 * whatever the value looks like; undefined for names that say nothing.
 *
 * @internal
 */
export function keyHintCategory(key: string): PiiCategory | undefined {
  const normalisedKey = normaliseKey(key);
  return KEY_HINTS.find((candidate) => candidate.test.test(normalisedKey))?.category;
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

function scanString(scan: Scan, text: string, segments: PathSegment[], key: string | undefined): void {
  const normalisedKey = key === undefined ? undefined : normaliseKey(key);
  const matches = REDACTION_MARKER.test(text) && PLACEHOLDER.test(text.trim()) ? [] : detectInText(text, { key: normalisedKey });
  for (const match of matches) report(scan, segments, match.category, match.raw, match.risk, 'value', match.start, match.end);
  if (normalisedKey === undefined || scan.options.keyHints === false) return;
  const trimmed = text.trim();
  if (trimmed === '' || PLACEHOLDER.test(trimmed) || REDACTION_MARKER.test(trimmed)) return;
  const hint = KEY_HINTS.find((candidate) => candidate.test.test(normalisedKey));
  if (hint === undefined || matches.some((match) => match.category === hint.category)) return;
  if (hint.accepts(trimmed)) report(scan, segments, hint.category, trimmed, hint.risk, 'key');
}

function walk(scan: Scan, value: unknown, segments: PathSegment[], key: string | undefined): void {
  if (typeof value === 'string') scanString(scan, value, segments, key);
  else if (typeof value === 'number' || typeof value === 'bigint') {
    if (Number.isInteger(Number(value)) || typeof value === 'bigint') scanString(scan, String(value), segments, key);
  } else if (typeof value === 'object' && value !== null) {
    if (scan.seen.has(value)) return;
    scan.seen.add(value);
    if (Array.isArray(value)) value.forEach((item: unknown, index) => walk(scan, item, [...segments, index], key));
    else if (value instanceof Map)
      for (const [entryKey, entry] of value) walk(scan, entry, [...segments, String(entryKey)], String(entryKey));
    else if (!(value instanceof Date) && !ArrayBuffer.isView(value)) {
      for (const [entryKey, entry] of Object.entries(value)) walk(scan, entry, [...segments, entryKey], entryKey);
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
export function findPiiInLeaf(text: string, key: string | undefined, options: PiiScanOptions = {}): PiiFinding[] {
  const scan = createScan(options);
  scanString(scan, text, [], key);
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
