import { isIPv4, isIPv6 } from 'node:net';
import type { PiiCategory } from './pii-categories.js';
import { cardNetwork, luhnValid } from './payment-card.js';
import { detectIbans } from './iban.js';
import { detectPersonalText } from './personal-text.js';
import { detectPhones } from './phone-numbers.js';
import { detectSecrets } from './secrets.js';

export { cardNetwork, luhnValid } from './payment-card.js';

/** A match of a value detector inside a string. */
export interface TextMatch {
  category: PiiCategory;
  start: number;
  end: number;
  raw: string;
  risk: number;
  /** Found because a property name in the text names it (`"password":"…"`, `dob=…`), not by its shape. */
  byKey?: boolean;
}

/** What is known about where a string sits: the property name holding it, if any. */
export interface TextContext {
  /** The property name, normalised (lower case, no `-`/`_`). */
  key?: string | undefined;
  /** The name of the object holding it, normalised: `order` for `order.number`. */
  parentKey?: string | undefined;
  /** The string sits in a payment card object (next to an expiry, a CVC, under `card`). */
  inCard?: boolean | undefined;
  /** The string is a whole value (not text around a value). */
  whole?: boolean | undefined;
}

const CARD_GROUPINGS = new Set(['4-4-4-4', '4-4-4-4-3', '4-6-5', '4-6-4', '4-4-4-1', '4-4-4-4-2', '4-4-5', '4-4-4-2']);

const ID_CONTEXT =
  /(?:order|invoice|tracking|shipment|ref(?:erence)?|ticket|case|sku|ean|upc|isbn|gtin|account\s+id|id|no\.?|#|rev(?:ision)?|build|version)\s*[:#=]?\s*$/i;
const CARD_CONTEXT = /\b(?:card|visa|master\s?card|amex|american express|discover|pan|cc|credit|debit|paid with|payment)\b/i;
// Names of ids (`orderNumber`, `invoiceNo`, `sku`); a bare `number` or `no` says nothing either way.
const ID_KEY =
  /(?:id$|ids$|.number$|.no$|ref$|reference$|code$|sku$|ean$|upc$|isbn$|gtin$|tracking|orderno|sequence|nonce|timestamp|time$|ts$|at$|version$)/;
const CARD_KEY = /(?:card|pan$|ccnum|cardnumber|creditcard|paymentcard)/;

// Keys that take their meaning from the object holding them: `order.number` is an order number.
const GENERIC_NUMBER_KEY = /^(?:number|no|num|nr|value|code)$/;

function detectCards(text: string, context: TextContext, found: TextMatch[]): void {
  const key =
    context.key !== undefined && context.parentKey !== undefined && GENERIC_NUMBER_KEY.test(context.key)
      ? context.parentKey + context.key
      : context.key;
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
    const keyIsCard = context.inCard === true || (context.key !== undefined && CARD_KEY.test(context.key));
    const keyIsId = key !== undefined && !keyIsCard && ID_KEY.test(key) && key !== '';
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

function ssnValid(area: number, group: number, serial: number): boolean {
  return area !== 0 && area !== 666 && area < 900 && group !== 0 && serial !== 0;
}

const SSN_KEY = /(?:ssn|socialsecurity|taxpayerid|^tin$)/;

// What names a US social security number around it: "SSN", "social security", "SS#", "taxpayer", "TIN".
const SSN_CONTEXT = /ssn|social[\s_-]*sec|soc\.?\s*sec|\bss\s?#|taxpayer|tax[\s_-]*id|\btin\b/i;

function detectSsns(text: string, context: TextContext, found: TextMatch[]): void {
  const keyIsSsn = context.key !== undefined && SSN_KEY.test(context.key);
  const keyIsId = context.key !== undefined && !keyIsSsn && ID_KEY.test(context.key);
  for (const match of text.matchAll(/(?<![\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w-])/g)) {
    if (!ssnValid(Number(match[1]), Number(match[3]), Number(match[4]))) continue;
    // In text, part, drawing and case numbers share the shape: only a named SSN counts. A value that
    // is the number alone counts unless its property name says it is an id.
    const alone = context.whole === true && text.trim() === match[0];
    const named =
      keyIsSsn ||
      SSN_CONTEXT.test(text.slice(Math.max(0, match.index - 40), match.index)) ||
      SSN_CONTEXT.test(text.slice(match.index + match[0].length, match.index + match[0].length + 12));
    if (!named && (match[2] === ' ' || !alone || keyIsId)) continue;
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

const FILE_EXTENSIONS =
  /^(?:png|jpe?g|gif|svg|webp|avif|ico|js|mjs|cjs|ts|css|html?|json|ya?ml|md|txt|pdf|zip|gz|tgz|exe|dll|so|dylib|lock)$/i;

// The user part of a URL's authority (`postgres://app@db.example.com`, `ssh://git@host`) and an scp-style
// remote (`git@github.com:org/repo.git`) are accounts on a host, not mailboxes.
const URL_AUTHORITY_BEFORE = /[a-z][a-z0-9+.-]*:\/{1,2}[^\s/@]*$/i;

function detectEmails(text: string, found: TextMatch[]): void {
  // `%40` is an at sign in a URL-encoded query string or form body (`contact=li.wei%40corp.example`).
  for (const match of text.matchAll(
    /(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}(?:@|%40)[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.([A-Za-z]{2,24})\b/g,
  )) {
    if (FILE_EXTENSIONS.test(match[1]!)) continue;
    const raw = match[0];
    if (URL_AUTHORITY_BEFORE.test(text.slice(Math.max(0, match.index - 200), match.index))) continue;
    if (/^:[\w~/]/.test(text.slice(match.index + raw.length, match.index + raw.length + 2)) && !raw.includes('%40')) continue;
    found.push({
      category: 'email',
      start: match.index,
      end: match.index + raw.length,
      raw,
      risk: /^(?:no-?reply|do-?not-?reply)@/i.test(raw) ? 0.5 : 0.92,
    });
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
  // A value's own shape beats what a key in the text says of it: `"token":"eyJ…"` is one JWT.
  found.sort(
    (a, b) =>
      Number(a.byKey === true) - Number(b.byKey === true) ||
      PRIORITY.indexOf(a.category) - PRIORITY.indexOf(b.category) ||
      b.end - b.start - (a.end - a.start),
  );
  const kept: TextMatch[] = [];
  for (const match of found) {
    const overlapping = kept.find((other) => match.start < other.end && other.start < match.end);
    if (overlapping === undefined) kept.push(match);
  }
  return kept.sort((a, b) => a.start - b.start);
}
