import { MASK } from '@proving-ground/kit';
import { pathSegmentsOf } from './schema/validator.js';
import { detectInText } from './pii/pii-detectors.js';
import { maskPii } from './pii/pii-mask.js';
import { findPii, keyHintCategory } from './pii/pii-scan.js';

const MAX_VALUE_LENGTH = 80;

// Words that make a property name secret-sounding wherever they stand in it (`aws_secret_access_key`,
// `dbPassword`, `X-Auth-Token`, `card.number`), and the words that make a following `key` a secret
// (`api_key`, `accessKey`), where a bare `key` is usually an identifier.
const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'pass',
  'passphrase',
  'passcode',
  'secret',
  'secrets',
  'token',
  'credential',
  'credentials',
  'auth',
  'authorization',
  'cookie',
  'signature',
  'otp',
  'pin',
  'card',
  'cvv',
  'cvc',
  'pan',
  'iban',
  'ssn',
]);
const KEY_QUALIFIERS = new Set(['api', 'access', 'private', 'secret', 'signing', 'encryption', 'master', 'license', 'client']);

/** The words of a property name as written: `awsSecretAccessKey`, `AWS_SECRET_ACCESS_KEY` and `aws-secret-access-key` alike. */
function keyWords(key: string): string[] {
  return key
    .replace(/([a-z\d])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z\d]+/)
    .filter((word) => word !== '');
}

/**
 * Whether a property name says its value is secret or sensitive (a password, a token, a key, card
 * data), or names personal data (`dob`, `firstName`): whatever sits under it is masked in messages.
 *
 * @example
 * isSecretSoundingKey('aws_secret_access_key') // true
 * isSecretSoundingKey('apiKey') // true
 * isSecretSoundingKey('sku') // false
 */
export function isSecretSoundingKey(key: string): boolean {
  const words = keyWords(key);
  if (words.some((word) => SECRET_WORDS.has(word))) return true;
  if (words.some((word, index) => word === 'key' && index > 0 && KEY_QUALIFIERS.has(words[index - 1]!))) return true;
  if (words.some((word) => /^(?:apikey|accesskey|privatekey|secretkey|clientsecret|accesstoken|refreshtoken)$/.test(word))) return true;
  return keyHintCategory(key) !== undefined;
}

/** The property names on `at` (a property name, or a JSONPath such as `$.user.password`), outermost first. */
function keysOf(at: string | undefined): string[] {
  if (at === undefined) return [];
  if (!at.startsWith('$')) return [at];
  return pathSegmentsOf(at).filter((segment): segment is string => typeof segment === 'string');
}

/**
 * The shape of a value without any of its content: its type and size.
 *
 * @example
 * shapeOf('hunter2') // 'string, 7 characters'
 * shapeOf({ number: '5555555555554444' }) // 'object, 1 key'
 */
export function shapeOf(value: unknown): string {
  const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;
  if (value === null) return 'null';
  if (typeof value === 'string') return `string, ${plural(value.length, 'character')}`;
  if (typeof value === 'number' || typeof value === 'bigint') {
    return Number.isFinite(Number(value)) ? `number, ${plural(String(value).replace(/\D/g, '').length, 'digit')}` : 'number';
  }
  if (Array.isArray(value)) return `array, ${plural(value.length, 'item')}`;
  if (typeof value === 'object') return `object, ${plural(Object.keys(value).length, 'key')}`;
  return typeof value;
}

/** A copy of `value` with everything under a secret-sounding key replaced by `***`, and personal data in strings masked. */
function maskedCopy(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return maskText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item: unknown) => maskedCopy(item, seen));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, isSecretSoundingKey(key) ? MASK : maskedCopy(item, seen)] as const),
  );
}

function maskText(text: string): string {
  let masked = text;
  for (const match of detectInText(text).reverse()) {
    masked = masked.slice(0, match.start) + maskPii(match.category, match.raw) + masked.slice(match.end);
  }
  return masked;
}

function cut(text: string): string {
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;
}

/**
 * A value for a failure message: personal data in strings masked, anything under a secret-sounding
 * property name (`password`, `aws_secret_access_key`, `card`, `dob`...) masked whatever it looks
 * like, long values cut. Give the property name or the JSONPath the value sits under: a
 * secret-sounding name anywhere on the path masks the value.
 *
 * @param value - the value to print
 * @param at - the property name or JSONPath (`$.user.password`) of the value
 * @example
 * printSafe('jane@corp.example') // '"j***@c***.example"'
 * printSafe('hunter2-Secret', '$.password') // '"hun********"'
 * printSafe({ user: 'svc', value: 'tr0ub4dor&3' }, '$.credentials') // '"***" (object, 2 keys)'
 */
export function printSafe(value: unknown, at?: string): string {
  if (value === undefined) return 'undefined';
  const keys = keysOf(at);
  const key = keys.at(-1);
  const hinted = key === undefined ? undefined : keyHintCategory(key);
  if (hinted !== undefined && (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint')) {
    return cut(JSON.stringify(maskPii(hinted, String(value))));
  }
  if (keys.some(isSecretSoundingKey)) {
    if (typeof value === 'string') return cut(JSON.stringify(maskPii('secret', value)));
    return `${JSON.stringify(MASK)} (${shapeOf(value)})`;
  }
  if (typeof value === 'string') return cut(JSON.stringify(maskText(value)));
  if (typeof value === 'object' && value !== null) {
    const masked = maskedCopy(value, new WeakSet());
    const findings = findPii(masked);
    return findings.length > 0
      ? `<${Array.isArray(value) ? 'array' : 'object'} holding ${[...new Set(findings.map((finding) => finding.category))].join(', ')}>`
      : cut(JSON.stringify(masked));
  }
  return cut(typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? typeof value));
}

/**
 * How a failure message shows the value of an undeclared field: its type and size by default
 * (`string, 40 characters`), since undeclared fields are where leaks hide; with `showValues`, the
 * value itself as {@link printSafe} prints it (`value "hello"`).
 *
 * @param value - the undeclared field's value
 * @param at - its JSONPath or property name
 * @param showValues - print the (masked) value rather than its shape
 * @example
 * describeUndeclared('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '$.aws_secret_access_key', false) // 'string, 40 characters'
 * describeUndeclared('hello', '$.note', true) // 'value "hello"'
 */
export function describeUndeclared(value: unknown, at: string, showValues = false): string {
  return showValues ? `value ${printSafe(value, at)}` : shapeOf(value);
}
