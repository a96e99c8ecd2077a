export { luhnValid } from '@proving-ground/kit';

const between = (value: number, low: number, high: number): boolean => value >= low && value <= high;

/**
 * The card network whose issuer ranges (IIN) and lengths fit `digits`, or undefined. Only numbers
 * a network actually issues count, which is what keeps 13-digit millisecond timestamps (they start
 * with 1), UUID fragments and most order ids out.
 */
export function cardNetwork(digits: string): string | undefined {
  const length = digits.length;
  const p2 = Number(digits.slice(0, 2));
  const p3 = Number(digits.slice(0, 3));
  const p4 = Number(digits.slice(0, 4));
  const p6 = Number(digits.slice(0, 6));
  if (digits[0] === '4' && (length === 13 || length === 16 || length === 19)) return 'visa';
  if ((between(p2, 51, 55) || between(p4, 2221, 2720)) && length === 16) return 'mastercard';
  if ((p2 === 34 || p2 === 37) && length === 15) return 'amex';
  if ((p4 === 6011 || between(p3, 644, 649) || p2 === 65 || between(p6, 622126, 622925)) && between(length, 16, 19)) return 'discover';
  if (p2 === 62 && between(length, 16, 19)) return 'unionpay';
  if (between(p4, 3528, 3589) && between(length, 16, 19)) return 'jcb';
  if ((between(p3, 300, 305) || p2 === 36 || p2 === 38 || p2 === 39) && between(length, 14, 19)) return 'diners';
  if (between(p4, 2200, 2204) && between(length, 16, 19)) return 'mir';
  if ([5018, 5020, 5038, 5893, 6304, 6759, 6761, 6762, 6763].includes(p4) && between(length, 12, 19)) return 'maestro';
  return undefined;
}

// What sits next to a card number in a card object: an expiry, a verification code, a holder, a network
// name under `brand`, or `card` under `type` (`{ "type": "card", "number": ... }`).
const CARD_SIBLING_KEY =
  /^(?:exp|expiry|expires?(?:month|year)|exp(?:iry|iration)?(?:month|year|date)?|expmm|expyy|validthru|validto|cvc|cvv|cvc2|cvv2|csc|cid|securitycode|cardverificationvalue|cardholder(?:name)?|holdername|nameoncard|cardbrand|cardtype|cardnetwork)$/;
const BRAND_KEY = /^(?:brand|scheme|network|type|issuer|object|kind|method|funding|paymenttype|paymentmethod|instrument)$/;
const NETWORK_NAME =
  /^(?:(?:credit|debit|prepaid|payment|bank)?[\s_-]?card|credit|debit|visa|master\s?card|mc|amex|american\s?express|discover|diners(?:\s?club)?|jcb|unionpay|maestro|mir|cartes?\s?bancaires?)$/i;
const CARD_PARENT_KEY = /(?:card|cards|paymentmethod|pan)$/;

/**
 * Whether an object is a payment card, so a number under a generic key in it (`number`,
 * `accountNumber`) is read as a card number: its parent is named like a card (`card`,
 * `paymentCard`, `cards[0]`), or it has a card's other fields (an expiry, a CVC, a holder, a network
 * name under `brand`, `card` under `type`).
 *
 * @param entries - the object's entries
 * @param normalisedParentKey - the normalised name of the property holding it, if any
 * @example
 * isCardLikeObject(Object.entries({ number: '4111111111111111', exp: '12/29' }), undefined) // true
 */
export function isCardLikeObject(entries: ReadonlyArray<readonly [string, unknown]>, normalisedParentKey: string | undefined): boolean {
  if (normalisedParentKey !== undefined && CARD_PARENT_KEY.test(normalisedParentKey)) return true;
  return entries.some(([key, value]) => {
    const normalised = key.toLowerCase().replace(/[-_\s.]/g, '');
    return (
      CARD_SIBLING_KEY.test(normalised) || (BRAND_KEY.test(normalised) && typeof value === 'string' && NETWORK_NAME.test(value.trim()))
    );
  });
}
