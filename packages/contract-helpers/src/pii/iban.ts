import type { TextMatch } from './pii-detectors.js';

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

/** Letters of one case, or a capitalised country code: `gb82west…` and `GB82WEST…`, not `Gb82wEsT…`. */
const oneCase = (compact: string): boolean =>
  compact === compact.toUpperCase() || compact === compact.toLowerCase() || compact.slice(2) === compact.slice(2).toLowerCase();

/**
 * IBANs in `text`, in upper or lower case, with or without spaces, each checked against its
 * country's length and the mod-97 checksum.
 *
 * @param text - the string to scan
 * @param found - where matches are added
 * @example
 * const found: TextMatch[] = [];
 * detectIbans('pay to gb82 west 1234 5698 7654 32', found); // found[0].category === 'iban'
 */
export function detectIbans(text: string, found: TextMatch[]): void {
  for (const match of text.matchAll(/(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){10,30}(?![A-Za-z0-9])/g)) {
    let raw = match[0];
    let compact = raw.replace(/ /g, '');
    const expected = IBAN_LENGTHS[compact.slice(0, 2).toUpperCase()];
    if (expected === undefined) continue;
    if (compact.length > expected) {
      // The candidate ran on into following words: cut it at the country's length, which must fall
      // between two groups (a longer unbroken run, such as a hash, is not an IBAN).
      let taken = 0;
      let cut = 0;
      while (taken < expected && cut < raw.length) if (raw[cut++] !== ' ') taken++;
      if (raw[cut] !== ' ') continue;
      raw = raw.slice(0, cut);
      compact = raw.replace(/ /g, '');
    }
    if (!oneCase(compact) || !ibanValid(compact.toUpperCase())) continue;
    found.push({ category: 'iban', start: match.index, end: match.index + raw.length, raw, risk: 0.96 });
  }
}
