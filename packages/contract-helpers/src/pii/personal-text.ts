import type { PiiCategory } from './pii-categories.js';
import type { TextMatch } from './pii-detectors.js';
import { DATE_SOURCE, keyHintFor } from './key-hints.js';

/** Categories that only context reveals: a date is a birth date, words are a name, because of what surrounds them. */
const CONTEXT_CATEGORIES: ReadonlySet<PiiCategory> = new Set(['date-of-birth', 'name', 'address']);

const ALREADY_REDACTED = /^\s*\[REDACTED(?::[a-z-]+)?\]\s*$/;

function push(found: TextMatch[], category: PiiCategory, text: string, start: number, raw: string, risk: number): void {
  const leading = raw.length - raw.trimStart().length;
  const value = raw.trim();
  if (value === '' || ALREADY_REDACTED.test(value)) return;
  found.push({ category, start: start + leading, end: start + leading + value.length, raw: value, risk });
}

function decoded(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

// JSON text (a logged payload, a pino line): `"key":"value"` pairs, with the enclosing object's key
// kept so `{"customer":{"name":"..."}}` reads as a customer's name. Other strings are consumed whole,
// so braces inside them do not count.
const JSON_TOKEN = /"((?:[^"\\]|\\.){1,64})"\s*:\s*(?:(\{)|"((?:[^"\\]|\\.){0,400})")|"(?:[^"\\]|\\.)*"|([{}])/g;

function detectJsonFields(text: string, found: TextMatch[]): void {
  const parents: string[] = [];
  for (const match of text.matchAll(JSON_TOKEN)) {
    const [whole, key, opens, value, brace] = match;
    if (opens !== undefined) parents.push(key!);
    else if (brace === '{') parents.push('');
    else if (brace === '}') parents.pop();
    else if (value !== undefined) {
      const hint = keyHintFor(
        key!,
        parents.findLast((parent) => parent !== ''),
      );
      if (hint === undefined || !CONTEXT_CATEGORIES.has(hint.category) || !hint.accepts(value.trim())) continue;
      push(found, hint.category, text, match.index + whole.length - 1 - value.length, value, hint.risk);
    }
  }
}

// Log lines and query strings: `key=value` and `key="value with spaces"`.
const KEY_VALUE = /(?<![\w.-])([A-Za-z_][\w.-]{0,63})=(?:"((?:[^"\\]|\\.){0,400})"|([^\s&,;"]+))/g;

function detectKeyValues(text: string, found: TextMatch[]): void {
  for (const match of text.matchAll(KEY_VALUE)) {
    const [, key, quoted, bare] = match;
    const value = quoted ?? bare!;
    const hint = keyHintFor(key!);
    if (hint === undefined || !CONTEXT_CATEGORIES.has(hint.category) || !hint.accepts(decoded(value).trim())) continue;
    push(found, hint.category, text, match.index + key!.length + (quoted === undefined ? 1 : 2), value, hint.risk);
  }
}

// "DOB 14/02/1971", "Date of birth: 3 March 1984", "born 1948-01-09", "Geburtsdatum: 12.08.1976", "né le 05/06/1983".
const BIRTH_LABEL = new RegExp(
  `\\b(?:date\\s+of\\s+birth|d\\.?o\\.?b\\.?|birth\\s*date|birthday|born(?:\\s+on)?|geburtsdatum|geb\\.|n[ée]e?\\s+le|date\\s+de\\s+naissance|fecha\\s+de\\s+nacimiento)\\s*[:=]?\\s*(${DATE_SOURCE})(?![\\d/.-]*\\d)`,
  'giu',
);

function detectBirthDates(text: string, found: TextMatch[]): void {
  for (const match of text.matchAll(BIRTH_LABEL)) {
    const date = match[1]!;
    push(found, 'date-of-birth', text, match.index + match[0].length - date.length, date, 0.85);
  }
}

const NAME_WORD = "\\p{Lu}[\\p{Ll}\\p{Lu}\\p{M}'’-]*";
const PARTICLE = "(?:van|von|der|den|de|la|le|du|da|di|del|della|dos|das|zu|ter|ten|bin|ibn|al|el|y|d'|ní|nic|mac)";
const PERSON = new RegExp(`${NAME_WORD}(?:[ \\t]+(?:${PARTICLE}[ \\t]+)*${NAME_WORD}){0,4}`, 'yu');
const HONORIFIC = /(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Herr|Frau|Mme|Mlle|Sr|Sra)\.?[ \t]+/y;

// "Customer name: Giulia Rossi", "Cardholder name = J WHITFIELD".
const NAME_LABEL =
  /\b(?:(?:customer|client|full|first|last|given|family|patient|contact|recipient|card\s?holder|account\s?holder|beneficiary|passenger|guest)[\s_-]?name|name\s+on\s+card)\s*[:=]\s*/gi;
// "Dear Mrs. Okonkwo-Adeyemi,", "Hi Tomás García!" — a greeting, a name, then punctuation or the end of the line.
const GREETING =
  /(?:^|(?<=[\n.!?]\s*))(?:Dear|Hello|Hi|Hallo|Liebe|Lieber|Sehr geehrte|Sehr geehrter|Bonjour|Cher|Chère|Hola|Estimado|Estimada)[ \t]+/gm;
const NOT_A_PERSON =
  /^(?:Customer|Customers|Client|Sir|Madam|Sirs|Team|All|Everyone|User|Users|Valued|Colleague|Colleagues|Friend|Friends|Support|Service|Member|Members|Guest|Partner|Partners|World|There|Kunde|Kundin|Kunden|Madame|Monsieur|Cliente|Admin|Hiring|Manager|Applicant)$/;

function personAt(text: string, index: number): { start: number; raw: string } | undefined {
  HONORIFIC.lastIndex = index;
  const honorific = HONORIFIC.exec(text);
  const start = honorific === null ? index : index + honorific[0].length;
  PERSON.lastIndex = start;
  const person = PERSON.exec(text);
  if (person === null || person[0].length < 2) return undefined;
  return { start, raw: person[0].replace(/[-'’]+$/, '') };
}

function detectNames(text: string, found: TextMatch[]): void {
  for (const match of text.matchAll(NAME_LABEL)) {
    const person = personAt(text, match.index + match[0].length);
    if (person !== undefined) push(found, 'name', text, person.start, person.raw, 0.75);
  }
  for (const match of text.matchAll(GREETING)) {
    const person = personAt(text, match.index + match[0].length);
    if (person === undefined || person.raw.split(/[ \t]+/).some((word) => NOT_A_PERSON.test(word))) continue;
    const after = text[person.start + person.raw.length] ?? '';
    if (after === '' || /[,!\n\r:;]/.test(after)) push(found, 'name', text, person.start, person.raw, 0.7);
  }
}

const WORD = "\\p{Lu}[\\p{L}\\p{M}'’.-]*";
const STREET_TYPE =
  '(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Grove|Drive|Dr|Close|Way|Place|Pl|Square|Sq|Terrace|Crescent|Cres|Gardens|Gdns|Court|Ct|Boulevard|Blvd|Parkway|Pkwy|Row|Hill|Mews|Walk|Circle|Cir|Highway|Hwy)';
const UK_POSTCODE = '[A-Z]{1,2}\\d[A-Z\\d]?[ \\t]*\\d[A-Z]{2}';
const EIRCODE = '[AC-FHKNPRTV-Y]\\d{2}[ \\t]?[AC-FHKNPRTV-Y\\d]{4}';
const US_STATE_ZIP = '[A-Z]{2}[ \\t]+\\d{5}(?:-\\d{4})?';

/**
 * Postal addresses in free text. Each pattern needs a house number, a street and a postcode with
 * its town, so street-like product names ("221 Baker Street Collection"), SKUs and film titles
 * are not addresses.
 */
const ADDRESS_PATTERNS: readonly RegExp[] = [
  // UK, Irish and US: "8 Elm Grove, Leeds LS6 2AB", "742 W Addison St, Chicago, IL 60613".
  new RegExp(
    `\\b\\d{1,5}[A-Za-z]?(?:[-/]\\d{1,4})?[ \\t]+(?:[NSEW]\\.?[ \\t]+)?(?:${WORD}[ \\t]+){1,4}${STREET_TYPE}\\.?(?:[ \\t]+[NSEW]\\b)?(?:,[ \\t]*(?:Apt|Apartment|Suite|Ste|Unit|Flat)\\.?[ \\t]*[\\w/-]+)?,[ \\t]*(?:${WORD}[ \\t]*){1,3}(?:,[ \\t]*)?(?:${UK_POSTCODE}|${EIRCODE}|${US_STATE_ZIP})\\b`,
    'gu',
  ),
  // German: "Bergmannstraße 5, 10961 Berlin", "Am Markt 3, 28195 Bremen".
  new RegExp(
    `(?:\\b\\p{Lu}[\\p{L}-]*(?:straße|strasse|str\\.|weg|allee|platz|gasse|ring|damm|ufer|chaussee)|\\b(?:Am|An der|Im|Auf dem|Zum|Zur)[ \\t]+\\p{Lu}[\\p{L}-]+)[ \\t]+\\d{1,4}[ \\t]?[a-zA-Z]?,[ \\t]*\\d{5}[ \\t]+\\p{Lu}[\\p{L}-]+`,
    'gu',
  ),
  // French: "3 avenue de l'Opéra, 75001 Paris".
  new RegExp(
    `\\b\\d{1,4}(?:[ \\t]?(?:bis|ter))?,?[ \\t]+(?:[Rr]ue|[Aa]venue|[Bb]oulevard|[Bb]d|[Pp]lace|[Qq]uai|[Aa]llée|[Ii]mpasse|[Cc]hemin|[Rr]oute|[Cc]ours)[ \\t]+[^,\\d\\n]{2,60},[ \\t]*\\d{5}[ \\t]+\\p{Lu}[\\p{L}-]+`,
    'gu',
  ),
  // Southern European and Dutch, street name first: "Via Roma 25, 00184 Roma", "Rua Augusta 274, 1100-053 Lisboa".
  new RegExp(
    `\\b(?:Via|Viale|Piazza|Corso|Calle|Avenida|Plaza|Paseo|Rua|Travessa|Largo)[ \\t]+[^,\\d\\n]{2,40}[ \\t]+\\d{1,4}[^,\\n]{0,12},[ \\t]*(?:\\d{5}|\\d{4}-\\d{3}|\\d{4}[ \\t]?[A-Z]{2})[ \\t]+\\p{Lu}[\\p{L}-]+`,
    'gu',
  ),
];

function detectAddresses(text: string, found: TextMatch[]): void {
  for (const pattern of ADDRESS_PATTERNS) {
    for (const match of text.matchAll(pattern)) push(found, 'address', text, match.index, match[0], 0.8);
  }
}

/**
 * Dates of birth, names and postal addresses that only their context gives away: fields of JSON
 * text or `key=value` log lines whose key says so (`"dob":"1985-12-01"`, `customerName="..."`,
 * `{"shipping":{"address":"..."}}`), labelled dates ("DOB 14/02/1971"), labelled names and
 * greetings ("Dear Mrs. Okafor,"), and full postal addresses with a postcode.
 *
 * @param text - the string to scan
 * @param found - where matches are added
 * @example
 * const found: TextMatch[] = [];
 * detectPersonalText('level=info dob=1985-12-01', found); // found[0].category === 'date-of-birth'
 */
export function detectPersonalText(text: string, found: TextMatch[]): void {
  if (text.includes('"')) detectJsonFields(text, found);
  if (text.includes('=')) detectKeyValues(text, found);
  if (/\d/.test(text)) {
    detectBirthDates(text, found);
    detectAddresses(text, found);
  }
  detectNames(text, found);
}
