import { createRequire } from 'node:module';
import type { TextContext, TextMatch } from './pii-detectors.js';

interface PhoneNumberLike {
  isValid(): boolean;
  countryCallingCode: string;
}

interface PhoneMatch {
  startsAt: number;
  endsAt: number;
  number: PhoneNumberLike;
}

// The CommonJS build: the ESM one imports its metadata JSON without an import attribute, which
// Jest's ESM mode warns about (and will refuse).
const phoneNumbers = createRequire(import.meta.url)('libphonenumber-js/max') as {
  findNumbers(this: void, text: string, options: { defaultCountry: string; v2: true }): PhoneMatch[];
  parsePhoneNumberFromString(this: void, text: string): PhoneNumberLike | undefined;
};
const { findNumbers, parsePhoneNumberFromString } = phoneNumbers;

const NANP_LAYOUT = /^(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}$/;
const PHONE_KEY = /(?:phone|mobile|msisdn|fax|^tel$|telephone|cell|contactnumber|whatsapp)/;

function detectNationalAndPlusNumbers(text: string, context: TextContext, found: TextMatch[]): void {
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

// Words that announce a phone number in text, in the languages the name and address detectors read.
const PHONE_CONTEXT =
  /(?:\b(?:tel|phone|call|called|calling|ring|dial|mobile|mob|cell|fax|whatsapp|sms|text|contact|reach|reachable|telefon|telefono|teléfono|téléphone|handy|rückruf|anrufen|appeler|appelez|llamar|móvil|movil|cellulare|numero|número|nummer)\b|\btel\.)[^\n\d]{0,24}$/i;
// Digit groups with one kind of separator, optionally after an international prefix (00, 011).
const GROUPED_DIGITS = /(?<![\w+.:/#-])(?:(00|011)[ .-]?)?(\(?\d{1,3}\)?)((?:[ .-]\(?\d{1,5}\)?){2,6})(?![\w/-]|[.-]\d)/g;

/**
 * International numbers written without `+`: after an international prefix (`0044 20 7946 0958`),
 * or as a country code group (`44 20 7946 0958`, `(49) 30 901820`) where the text or the property
 * name says it is a phone number, or as a whole value. The digits must be a valid number for that
 * country (libphonenumber-js metadata) and the first group must be its country code.
 */
function detectInternationalWithoutPlus(text: string, context: TextContext, keyIsPhone: boolean, found: TextMatch[]): void {
  for (const match of text.matchAll(GROUPED_DIGITS)) {
    const [raw, exit, first, rest] = match;
    if (new Set(raw.replace(/[\d()]/g, '').replace(/^[ .-]/, '')).size > 1) continue;
    const code = first!.replace(/\D/g, '');
    const digits = code + rest!.replace(/\D/g, '');
    if (digits.length < 8 || digits.length > 15) continue;
    const number = parsePhoneNumberFromString(`+${digits}`);
    if (number === undefined || !number.isValid() || number.countryCallingCode !== code) continue;
    const alone = context.whole === true && text.trim() === raw;
    const announced = PHONE_CONTEXT.test(text.slice(Math.max(0, match.index - 40), match.index));
    if (exit === undefined && !keyIsPhone && !alone && !announced && !first!.startsWith('(')) continue;
    found.push({ category: 'phone', start: match.index, end: match.index + raw.length, raw, risk: exit === undefined ? 0.8 : 0.88 });
  }
}

/**
 * Phone numbers in `text`: international ones (with `+`, an international prefix, or a country
 * code where the context says phone), North American ones in their usual layout, and any valid
 * number under a phone-like property name.
 *
 * @param text - the string to scan
 * @param context - the property name holding it, if any
 * @param found - where matches are added
 * @example
 * const found: TextMatch[] = [];
 * detectPhones('call 0044 20 7946 0958', {}, found); // found[0].category === 'phone'
 */
export function detectPhones(text: string, context: TextContext, found: TextMatch[]): void {
  if (!/\d{2}/.test(text)) return;
  const keyIsPhone = context.key !== undefined && PHONE_KEY.test(context.key);
  detectNationalAndPlusNumbers(text, context, found);
  detectInternationalWithoutPlus(text, context, keyIsPhone, found);
}
