/**
 * Whether `digits` (a string of ASCII digits only) passes the Luhn checksum, as payment card numbers
 * do: the detectors that tell a card number from any other long number use it.
 *
 * @example
 * luhnValid('4242424242424242') // true
 * luhnValid('4242424242424241') // false
 */
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
