import { isIPv4, isIPv6 } from 'node:net';
import { createRequire } from 'node:module';
import type { PiiCategory } from './pii-categories.js';
import { cardNetwork, luhnValid } from './payment-card.js';
import { detectPersonalText } from './personal-text.js';

export { cardNetwork, luhnValid } from './payment-card.js';

interface PhoneMatch {
  startsAt: number;
  endsAt: number;
  number: { isValid(): boolean };
}

// The CommonJS build: the ESM one imports its metadata JSON without an import attribute, which
// Jest's ESM mode warns about (and will refuse).
const phoneNumbers = createRequire(import.meta.url)('libphonenumber-js/max') as {
  findNumbers(this: void, text: string, options: { defaultCountry: string; v2: true }): PhoneMatch[];
};
const findNumbers = phoneNumbers.findNumbers;

/** A match of a value detector inside a string. */
export interface TextMatch {
  category: PiiCategory;
  start: number;
  end: number;
  raw: string;
  risk: number;
}

/** What is known about where a string sits: the property name holding it, if any. */
export interface TextContext {
  /** The property name, normalised (lower case, no `-`/`_`). */
  key?: string | undefined;
}

const CARD_GROUPINGS = new Set(['4-4-4-4', '4-4-4-4-3', '4-6-5', '4-6-4', '4-4-4-1', '4-4-4-4-2', '4-4-5', '4-4-4-2']);

const ID_CONTEXT =
  /(?:order|invoice|tracking|shipment|ref(?:erence)?|ticket|case|sku|ean|upc|isbn|gtin|account\s+id|id|no\.?|#|rev(?:ision)?|build|version)\s*[:#=]?\s*$/i;
const CARD_CONTEXT = /\b(?:card|visa|master\s?card|amex|american express|discover|pan|cc|credit|debit|paid with|payment)\b/i;
const ID_KEY =
  /(?:id$|ids$|number$|no$|ref$|reference$|code$|sku$|ean$|upc$|isbn$|gtin$|tracking|orderno|sequence|nonce|timestamp|time$|ts$|at$|version$)/;
const CARD_KEY = /(?:card|pan$|ccnum|cardnumber|creditcard|paymentcard)/;

function detectCards(text: string, context: TextContext, found: TextMatch[]): void {
  const candidate = /(?<![\w.-])\d(?:[ -]?\d){11,18}(?![\w.-]|-\d)/g;
  for (const match of text.matchAll(candidate)) {
    const raw = match[0];
    const separators = raw.match(/[ -]/g) ?? [];
    if (separators.length > 0) {
      if (new Set(separators).size > 1) continue;
      const grouping = raw
        .split(/[ -]/)
        .map((group) => group.length)
        .join('-');
      if (!CARD_GROUPINGS.has(grouping)) continue;
    }
    const digits = raw.replace(/\D/g, '');
    if (cardNetwork(digits) === undefined || !luhnValid(digits)) continue;
    const before = text.slice(Math.max(0, match.index - 28), match.index);
    const keyIsCard = context.key !== undefined && CARD_KEY.test(context.key);
    const keyIsId = context.key !== undefined && !keyIsCard && ID_KEY.test(context.key) && context.key !== '';
    if (!keyIsCard && (keyIsId || (ID_CONTEXT.test(before) && !CARD_CONTEXT.test(before)))) continue;
    found.push({
      category: 'card',
      start: match.index,
      end: match.index + raw.length,
      raw,
      risk: keyIsCard || CARD_CONTEXT.test(before) ? 0.99 : 0.93,
    });
  }
}

/** IBAN lengths by country (ISO 13616 registry). */
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MR: 27,
  MT: 31,
  MU: 30,
  NL: 18,
  NO: 15,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  SA: 24,
  SC: 31,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
};

/** Whether `iban` (no spaces, upper case) has its country's length and a valid ISO 7064 mod-97 checksum. */
export function ibanValid(iban: string): boolean {
  if (IBAN_LENGTHS[iban.slice(0, 2)] !== iban.length) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const code = char.charCodeAt(0);
    const value = code >= 65 && code <= 90 ? String(code - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

function detectIbans(text: string, found: TextMatch[]): void {
  for (const match of text.matchAll(/(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){10,30}(?![A-Za-z0-9])/g)) {
    let raw = match[0];
    let compact = raw.replace(/ /g, '');
    const expected = IBAN_LENGTHS[compact.slice(0, 2)];
    if (expected === undefined) continue;
    if (compact.length > expected) {
      // The candidate ran on into following words: cut it at the country's length.
      let taken = 0;
      let cut = 0;
      while (taken < expected && cut < raw.length) if (raw[cut++] !== ' ') taken++;
      raw = raw.slice(0, cut);
      compact = raw.replace(/ /g, '');
    }
    if (ibanValid(compact)) found.push({ category: 'iban', start: match.index, end: match.index + raw.length, raw, risk: 0.96 });
  }
}

function ssnValid(area: number, group: number, serial: number): boolean {
  return area !== 0 && area !== 666 && area < 900 && group !== 0 && serial !== 0;
}

const SSN_KEY = /(?:ssn|socialsecurity|taxpayerid|^tin$)/;

function detectSsns(text: string, context: TextContext, found: TextMatch[]): void {
  for (const match of text.matchAll(/(?<![\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w-])/g)) {
    if (!ssnValid(Number(match[1]), Number(match[3]), Number(match[4]))) continue;
    const before = text.slice(Math.max(0, match.index - 20), match.index);
    if (match[2] === ' ' && !/ssn|social|security/i.test(before) && !(context.key !== undefined && SSN_KEY.test(context.key))) continue;
    found.push({ category: 'ssn', start: match.index, end: match.index + match[0].length, raw: match[0], risk: 0.9 });
  }
  if (context.key !== undefined && SSN_KEY.test(context.key)) {
    const bare = /^\s*(\d{3})(\d{2})(\d{4})\s*$/.exec(text);
    if (bare !== null && ssnValid(Number(bare[1]), Number(bare[2]), Number(bare[3]))) {
      found.push({ category: 'ssn', start: 0, end: text.length, raw: text, risk: 0.88 });
    }
  }
}

const VERSION_CONTEXT = /(?:\bv|version|release|build|ver\.?|rev\.?|firmware|chrome|firefox|safari|edge|node|python|os)\s*[:=/]?\s*$/i;
const VERSION_KEY = /(?:version|ver$|release|build|revision|useragent|ua$)/;

function ipv4Risk(raw: string): number | undefined {
  const octets = raw.split('.').map(Number);
  const [a, b] = octets as [number, number, number, number];
  if (a === 127 || a === 0 || raw === '255.255.255.255') return undefined;
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254)) return 0.6;
  return 0.8;
}

function detectIps(text: string, context: TextContext, found: TextMatch[]): void {
  const versionKey = context.key !== undefined && VERSION_KEY.test(context.key);
  for (const match of text.matchAll(/(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)/g)) {
    const raw = match[0];
    if (!isIPv4(raw) || versionKey || /(?:^|\.)0\d/.test(raw)) continue;
    if (VERSION_CONTEXT.test(text.slice(Math.max(0, match.index - 16), match.index))) continue;
    const risk = ipv4Risk(raw);
    if (risk !== undefined) found.push({ category: 'ipv4', start: match.index, end: match.index + raw.length, raw, risk });
  }
  for (const match of text.matchAll(/(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{0,4}|(?:\d{1,3}\.){3}\d{1,3})(?![\w:])/g)) {
    const raw = match[0];
    if (!isIPv6(raw) || raw === '::' || raw === '::1') continue;
    const groups = raw.split(':').filter((group) => group.length > 0);
    if (groups.length < 3 || (groups.every((group) => /^\d{1,2}$/.test(group)) && !raw.includes('::'))) continue;
    found.push({
      category: 'ipv6',
      start: match.index,
      end: match.index + raw.length,
      raw,
      risk: raw.toLowerCase().startsWith('fe80') ? 0.6 : 0.8,
    });
  }
}

function base64UrlJson(segment: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

function detectJwts(text: string, found: TextMatch[]): void {
  for (const match of text.matchAll(/(?<![\w-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g)) {
    const [header] = match[0].split('.');
    const decoded = base64UrlJson(header!);
    if (typeof decoded !== 'object' || decoded === null || !('alg' in decoded)) continue;
    found.push({ category: 'jwt', start: match.index, end: match.index + match[0].length, raw: match[0], risk: 0.97 });
  }
}

const SECRET_PATTERNS: ReadonlyArray<[RegExp, number]> = [
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, 0.97],
  [/\bgh[pousr]_[A-Za-z0-9]{36,}\b/g, 0.99],
  [/\bgithub_pat_[A-Za-z0-9_]{22,}\b/g, 0.99],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/g, 0.97],
  [/\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}\b/g, 0.98],
  [/\bsk-(?:proj-|ant-|svcacct-)?[A-Za-z0-9_-]{20,}/g, 0.95],
  [/\bAIza[0-9A-Za-z_-]{35}\b/g, 0.95],
  [/\bglpat-[A-Za-z0-9_-]{20,}/g, 0.98],
  [/\bnpm_[A-Za-z0-9]{36}\b/g, 0.98],
  [/\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b/g, 0.98],
  [
    /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY(?: BLOCK)?-----|$)/g,
    0.99,
  ],
  // A bearer JWT is reported as a JWT (its own detector), not as an opaque secret.
  [/\b[Bb]earer\s+(?!eyJ[A-Za-z0-9_-]{8,}\.eyJ)[A-Za-z0-9._~+/-]{20,}=*/g, 0.9],
  // A password in a URL, unless it is already a redaction token (so redacted text scans clean).
  [/(?<=\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)(?!\[REDACTED)[^\s@/]{3,}(?=@)/g, 0.9],
];

function detectSecrets(text: string, found: TextMatch[]): void {
  for (const [pattern, risk] of SECRET_PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      found.push({ category: 'secret', start: match.index, end: match.index + match[0].length, raw: match[0], risk });
    }
  }
}

const FILE_EXTENSIONS =
  /^(?:png|jpe?g|gif|svg|webp|avif|ico|js|mjs|cjs|ts|css|html?|json|ya?ml|md|txt|pdf|zip|gz|tgz|exe|dll|so|dylib|lock)$/i;

function detectEmails(text: string, found: TextMatch[]): void {
  // `%40` is an at sign in a URL-encoded query string or form body (`contact=li.wei%40corp.example`).
  for (const match of text.matchAll(
    /(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}(?:@|%40)[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.([A-Za-z]{2,24})\b/g,
  )) {
    if (FILE_EXTENSIONS.test(match[1]!)) continue;
    const raw = match[0];
    found.push({
      category: 'email',
      start: match.index,
      end: match.index + raw.length,
      raw,
      risk: /^(?:no-?reply|do-?not-?reply)@/i.test(raw) ? 0.5 : 0.92,
    });
  }
}

const NANP_LAYOUT = /^(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}$/;
const PHONE_KEY = /(?:phone|mobile|msisdn|fax|^tel$|telephone|cell)/;

function detectPhones(text: string, context: TextContext, found: TextMatch[]): void {
  if (!/\d{2}/.test(text)) return;
  const keyIsPhone = context.key !== undefined && PHONE_KEY.test(context.key);
  for (const match of findNumbers(text, { defaultCountry: 'US', v2: true })) {
    const raw = text.slice(match.startsAt, match.endsAt);
    if (!match.number.isValid()) continue;
    const international = raw.trimStart().startsWith('+') || raw.startsWith('00');
    const formatted = /[\s().-]/.test(raw) && /^[+(\d][\d\s().-]*\d$/.test(raw);
    const before = text[match.startsAt - 1] ?? '';
    const after = text[match.endsAt] ?? '';
    if (/[\w.:/#-]/.test(before) || /[\w/-]/.test(after) || (after === '.' && /\d/.test(text[match.endsAt + 1] ?? ''))) continue;
    if (/^\d{4}-\d{2}-\d{2}/.test(raw)) continue;
    // Without a country code only the North American layout counts (the default region is US);
    // other digit groupings are ids, dates and versions far more often than phone numbers.
    if (!international && !keyIsPhone && !(formatted && NANP_LAYOUT.test(raw))) continue;
    found.push({ category: 'phone', start: match.startsAt, end: match.endsAt, raw, risk: international ? 0.9 : keyIsPhone ? 0.85 : 0.75 });
  }
}

/** Which detector wins when two matches overlap: the more specific one. */
const PRIORITY: readonly PiiCategory[] = [
  'secret',
  'jwt',
  'iban',
  'card',
  'ssn',
  'email',
  'ipv6',
  'ipv4',
  'phone',
  'date-of-birth',
  'name',
  'address',
];

/**
 * Every value detector's matches in `text`, overlapping matches resolved in favour of the more
 * specific detector (a card inside a phone-like run is a card).
 *
 * @param text - the string to scan
 * @param context - the property name holding it, if any
 * @example
 * detectInText('mail jane@corp.example', {}) // [{ category: 'email', start: 5, end: 22, raw: 'jane@corp.example', risk: 0.92 }]
 */
export function detectInText(text: string, context: TextContext = {}): TextMatch[] {
  if (text.length < 6) return [];
  const found: TextMatch[] = [];
  detectSecrets(text, found);
  detectJwts(text, found);
  if (text.includes('@') || text.includes('%40')) detectEmails(text, found);
  if (/\d/.test(text)) {
    detectIbans(text, found);
    detectCards(text, context, found);
    detectSsns(text, context, found);
    detectIps(text, context, found);
    detectPhones(text, context, found);
  } else if (text.includes(':')) detectIps(text, context, found);
  detectPersonalText(text, found);
  found.sort((a, b) => PRIORITY.indexOf(a.category) - PRIORITY.indexOf(b.category) || b.end - b.start - (a.end - a.start));
  const kept: TextMatch[] = [];
  for (const match of found) {
    const overlapping = kept.find((other) => match.start < other.end && other.start < match.end);
    if (overlapping === undefined) kept.push(match);
  }
  return kept.sort((a, b) => a.start - b.start);
}
