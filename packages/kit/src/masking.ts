/**
 * Anything URL-shaped with user information: a scheme, one or two slashes (or none, as in
 * `postgres:user:pw@host` typos), then `user:password@` or `:password@`. The password part stops at
 * the last `@` before the host, so passwords that contain `@` or `/` are masked whole.
 */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/{0,3})([^\s/?#@:'"`<>]*):([^\s'"`<>]*)@(?=[^\s@'"`<>]*(?:[\s'"`<>]|$))/gi;

/** What a masked password reads as. */
export const MASK = '***';

/**
 * `text` with the password of every URL-shaped part replaced by `***` (the user name stays, so a
 * reader can still tell which account it was).
 *
 * @example
 * maskUrlCredentials('connect to postgres:/admin:hunter2@db:5432/app') // 'connect to postgres:/admin:***@db:5432/app'
 * maskUrlCredentials('amqp://:s3cret@mq') // 'amqp://:***@mq'
 */
export function maskUrlCredentials(text: string): string {
  return text.replace(URL_USERINFO, (_match, scheme: string, user: string) => `${scheme}${user}:${MASK}@`);
}

/**
 * A short hint of a secret or personal value that shows its shape but never the value: its type
 * and length, and at most its first three characters when it is long enough that three give nothing away.
 *
 * @example
 * maskValue('hunter2-Secret') // '"hun…" (string, 14 characters)'
 * maskValue(4111111111111111) // 'number (16 digits)'
 */
export function maskValue(value: unknown): string {
  if (typeof value === 'string') {
    const head = value.length >= 12 ? `"${value.slice(0, 3)}…" ` : '';
    return `${head}(string, ${value.length} character${value.length === 1 ? '' : 's'})`.trimStart();
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    const digits = String(value).replace(/\D/g, '').length;
    return `${typeof value} (${digits} digit${digits === 1 ? '' : 's'})`;
  }
  if (Array.isArray(value)) return `array (${value.length} item${value.length === 1 ? '' : 's'})`;
  if (value === null) return 'null';
  if (typeof value === 'object') {
    const keys = Object.keys(value).length;
    return `object (${keys} key${keys === 1 ? '' : 's'})`;
  }
  return typeof value;
}
