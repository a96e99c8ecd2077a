/** The canonical text form of a UUID, any version, case-insensitive. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether `value` is a UUID in its canonical text form.
 *
 * @example
 * isUuid('0b6c3f0e-8f5e-4c2a-9d8e-2f7f6f1d9a10') // true
 * isUuid('tenant-1') // false
 */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_PATTERN.test(value);
}
