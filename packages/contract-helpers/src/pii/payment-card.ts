/** Whether `digits` passes the Luhn checksum. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let index = digits.length - 1; index >= 0; index--) {
    let digit = digits.charCodeAt(index) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

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
