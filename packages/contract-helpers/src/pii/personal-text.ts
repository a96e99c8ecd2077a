import type { PiiCategory } from './pii-categories.js';
import type { TextMatch } from './pii-detectors.js';
import { DATE_SOURCE, keyHintFor } from './key-hints.js';
import { detectPostalAddresses } from './postal-address.js';

const ALREADY_REDACTED = /^\s*\[REDACTED(?::[a-z-]+)?\]\s*$/;

function push(found: TextMatch[], category: PiiCategory, text: string, start: number, raw: string, risk: number, byKey = false): void {
  const leading = raw.length - raw.trimStart().length;
  const value = raw.trim();
  if (value === '' || ALREADY_REDACTED.test(value)) return;
  found.push({ category, start: start + leading, end: start + leading + value.length, raw: value, risk, ...(byKey ? { byKey } : {}) });
}

function decoded(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

// JSON text inside other text (a log line ending in a payload): `"key":"value"` and `"key":123`
// pairs, with the enclosing object's key kept so `{"customer":{"name":"..."}}` reads as a customer's
// name. Other strings are consumed whole, so braces inside them do not count. (A string that is JSON
// throughout is parsed instead: text-segments.ts.)
const JSON_TOKEN = /"((?:[^"\\]|\\.){1,64})"\s*:\s*(?:(\{)|"((?:[^"\\]|\\.){0,400})"|(\d{4,19})(?![\d.eE]))|"(?:[^"\\]|\\.)*"|([{}])/g;

function detectJsonFields(text: string, found: TextMatch[]): void {
  const parents: string[] = [];
  for (const match of text.matchAll(JSON_TOKEN)) {
    const [whole, key, opens, quoted, number, brace] = match;
    const value = quoted ?? number;
    if (opens !== undefined) parents.push(key!);
    else if (brace === '{') parents.push('');
    else if (brace === '}') parents.pop();
    else if (value !== undefined) {
      const hint = keyHintFor(
        key!,
        parents.findLast((parent) => parent !== ''),
      );
      if (hint === undefined || !hint.accepts(value.trim())) continue;
      push(found, hint.category, text, match.index + whole.length - (quoted === undefined ? 0 : 1) - value.length, value, hint.risk, true);
    }
  }
}

// Log lines, query strings, env and ini files: `key=value`, `key = value`, `key="value with spaces"`;
// for secrets also `key: value` (YAML, headers, "Password: ...").
const KEY_VALUE = /(?<![\w.-])([A-Za-z_][\w.-]{0,63})([ \t]*[=:][ \t]*)(?:"((?:[^"\\]|\\.){0,400})"|'([^'\n]{0,400})'|([^\s&,;"']+))/g;

// After a colon, prose often follows a secret-sounding word ("password: reset requested"): there a
// secret is one token with a digit or a symbol in it.
const SECRET_AFTER_COLON = /^(?=.*[\d\W_])\S{6,}$/;

function detectKeyValues(text: string, found: TextMatch[]): void {
  for (const match of text.matchAll(KEY_VALUE)) {
    const [, key, separator, doubleQuoted, singleQuoted, bare] = match;
    const value = doubleQuoted ?? singleQuoted ?? bare!;
    const hint = keyHintFor(key!);
    if (hint === undefined) continue;
    const plain = decoded(value).trim();
    if (separator!.includes(':') && (hint.category !== 'secret' || !SECRET_AFTER_COLON.test(plain))) continue;
    // `pass=1204 fail=3` is a test tally, not a password.
    if (hint.category === 'secret' && /^pass$/i.test(key!) && /^\d+$/.test(plain)) continue;
    if (!hint.accepts(plain)) continue;
    const start = match.index + key!.length + separator!.length + (bare === undefined ? 1 : 0);
    push(found, hint.category, text, start, value, hint.risk, true);
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

// "Account holder: Siobhán Byrne", "Beneficiary: MARTA VIDAL", "Attn: Dr. Lena Vogt": a label naming a
// person's role. Unlike "... name:" labels these are also used for companies and teams, so the value
// must read as a person's name (two words or more, or an honorific), not an organisation.
const ROLE_LABEL =
  /(?<![\p{L}\d_-])(?:account[\s_-]?holder|card[\s_-]?holder|policy[\s_-]?holder|beneficiary|payee|payer|passenger|patient|guest|recipient|addressee|attn\.?|attention|contact[\s_-]?person|applicant|insured|signatory|signed[\s_-]?by|kontoinhaber(?:in)?|inhaber(?:in)?|empfänger(?:in)?|titular|destinataire|bénéficiaire|beneficiario|intestatario)\s*[:=]\s*/giu;
const ORGANISATION =
  /\b(?:Ltd|Limited|Inc|LLC|LLP|PLC|GmbH|AG|SA|SAS|SARL|SL|BV|NV|Srl|SpA|Corp|Corporation|Company|Co|Group|Holdings|Bank|Team|Department|Dept|Services|Solutions|Foundation|Trust|University|Council|Office|Desk|Payable|Receivable|Accounts|Operations|Support)\b\.?/u;

function detectNames(text: string, found: TextMatch[]): void {
  for (const match of text.matchAll(NAME_LABEL)) {
    const person = personAt(text, match.index + match[0].length);
    if (person !== undefined) push(found, 'name', text, person.start, person.raw, 0.75);
  }
  for (const match of text.matchAll(ROLE_LABEL)) {
    const index = match.index + match[0].length;
    const person = personAt(text, index);
    if (person === undefined || ORGANISATION.test(text.slice(person.start, person.start + person.raw.length + 12))) continue;
    const words = person.raw.split(/[ \t]+/);
    if (words.some((word) => NOT_A_PERSON.test(word)) || (words.length < 2 && person.start === index)) continue;
    push(found, 'name', text, person.start, person.raw, 0.72);
  }
  for (const match of text.matchAll(GREETING)) {
    const person = personAt(text, match.index + match[0].length);
    if (person === undefined || person.raw.split(/[ \t]+/).some((word) => NOT_A_PERSON.test(word))) continue;
    const after = text[person.start + person.raw.length] ?? '';
    if (after === '' || /[,!\n\r:;]/.test(after)) push(found, 'name', text, person.start, person.raw, 0.7);
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
  if (text.includes('=') || text.includes(':')) detectKeyValues(text, found);
  if (/\d/.test(text)) {
    detectBirthDates(text, found);
    detectPostalAddresses(text, found);
  }
  detectNames(text, found);
}
