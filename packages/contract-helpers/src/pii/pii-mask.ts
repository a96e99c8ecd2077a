import type { PiiCategory } from './pii-categories.js';

function stars(length: number): string {
  return '*'.repeat(Math.max(3, Math.min(length, 8)));
}

/**
 * A masked form of `raw` that is safe to print in CI logs: enough to recognise which value it was
 * (the first letter and top-level domain of an email, the last four digits of a card or IBAN),
 * never enough to recover it.
 *
 * @param category - what `raw` is
 * @param raw - the detected value
 * @example
 * maskPii('email', 'jane.doe@corp.example') // "j***@c***.example"
 * maskPii('card', '4111 1111 1111 1111') // "**** 1111"
 */
export function maskPii(category: PiiCategory, raw: string): string {
  const digits = raw.replace(/\D/g, '');
  switch (category) {
    case 'email': {
      const address = raw.replace(/%40/gi, '@');
      const at = address.lastIndexOf('@');
      const domain = address.slice(at + 1);
      const dot = domain.lastIndexOf('.');
      return `${address[0] ?? ''}***@${domain[0] ?? ''}***${dot === -1 ? '' : domain.slice(dot)}`;
    }
    case 'card':
      return `**** ${digits.slice(-4)}`;
    case 'iban':
      return `${raw.slice(0, 2)}** **** ${raw.replace(/\s/g, '').slice(-4)}`;
    case 'phone':
      return `${raw.trim().startsWith('+') ? '+' : ''}${stars(digits.length - 2)}${digits.slice(-2)}`;
    case 'ssn':
      return '***-**-****';
    case 'ipv4':
      return `${raw.split('.').slice(0, 1).join('.')}.*.*.*`;
    case 'ipv6':
      return `${raw.split(':')[0] ?? ''}:****:****`;
    case 'jwt':
      return `${raw.slice(0, 6)}***.***.***`;
    case 'secret':
      return `${raw.slice(0, Math.min(4, Math.floor(raw.length / 4)))}${stars(raw.length)}`;
    case 'date-of-birth':
      return '****-**-**';
    case 'name':
    case 'address':
      return `${raw[0] ?? ''}${stars(raw.length - 1)}`;
  }
}
