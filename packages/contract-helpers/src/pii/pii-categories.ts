/** What kind of personal data or secret a finding is. */
export type PiiCategory =
  'email' | 'phone' | 'card' | 'iban' | 'ssn' | 'ipv4' | 'ipv6' | 'jwt' | 'secret' | 'date-of-birth' | 'name' | 'address';

/** Every {@link PiiCategory}, in a stable order. */
export const PII_CATEGORIES: readonly PiiCategory[] = [
  'email',
  'phone',
  'card',
  'iban',
  'ssn',
  'ipv4',
  'ipv6',
  'jwt',
  'secret',
  'date-of-birth',
  'name',
  'address',
];

/** One piece of personal data or a secret found in a value. */
export interface PiiFinding {
  /** What it is. */
  category: PiiCategory;
  /** JSONPath of the value holding it (`$` for a bare string). */
  path: string;
  /** How likely it is real personal data, from 0 to 1. */
  risk: number;
  /** A masked sample, safe to print: never the raw value. */
  masked: string;
  /** `value` when the content matched a detector, `key` when only the property name suggests it. */
  evidence: 'value' | 'key';
  /** Where the match starts and ends in the string (for `value` evidence in strings). */
  start?: number;
  end?: number;
}
