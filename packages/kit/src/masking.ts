/**
 * Anything URL-shaped with user information: a scheme, one or two slashes (or none, as in
 * `postgres:user:pw@host` typos), then `user:password@` or `:password@`. The password part stops at
 * the last `@` before the host, so passwords that contain `@` or `/` are masked whole.
 */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/{0,3})([^\s/?#@:'"`<>]*):([^\s'"`<>]*)@(?=[^\s@'"`<>]*(?:[\s'"`<>]|$))/gi;

/**
 * `user:password@host` with no scheme before it (a `DATABASE_URL` written without one, or with a
 * broken one such as `postgres//admin:pw@db`): the user starts at a word boundary, the password has
 * no `/` or `@`, and what follows the `@` must read as a host (name or address, optional port) ending
 * the value, so `12:30 jane@example.com` and `npm:pkg@~1.2` are left alone.
 */
const BARE_USERINFO =
  /(?<![A-Za-z0-9._~+%-])([A-Za-z0-9._~+%-]+):([^\s/?#@'"`<>]+)@(?=[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::\d+)?(?:[/?#\s'"`<>,;)\]]|$))/g;
/** Names before `:` that make `name:user@host` an address, not user information (`mailto:jane@example.com`). */
const ADDRESS_SCHEMES = new Set(['mailto', 'sip', 'sips', 'xmpp', 'im', 'pres', 'tel']);
/** One character of a URL-encoded user or password: anything but an encoded `:`, `/` or `@` and the characters that end a query value. */
const ENCODED_PART = '(?:[^\\s&=?#/%\'"`<>]|%(?!3A|2F|40)[0-9A-F]{2})+';
/**
 * User information inside a URL-encoded value (`?dsn=postgres%3A%2F%2Fadmin%3Ahunter2%40db`): an
 * encoded `user:password@`, the user starting the value, after the scheme's encoded `:` or a `/`.
 */
const ENCODED_USERINFO = new RegExp(`(?<=^|[^A-Za-z0-9._~+%-]|%2F|%3A)(${ENCODED_PART})(%3A)${ENCODED_PART}(%40)(?=[A-Za-z0-9-])`, 'gi');

/** A "password" that is really a port followed by a path. */
const HOST_PORT_PATH = /^\d{1,5}\//;

/** What a masked password reads as. */
export const MASK = '***';

/**
 * `text` with the password of every URL-shaped part replaced by `***` (the user name stays, so a
 * reader can still tell which account it was): URLs with a scheme (even a mistyped one), bare
 * `user:password@host` values, and URLs inside URL-encoded query strings or bodies.
 *
 * @example
 * maskUrlCredentials('connect to postgres:/admin:hunter2@db:5432/app') // 'connect to postgres:/admin:***@db:5432/app'
 * maskUrlCredentials('amqp://:s3cret@mq') // 'amqp://:***@mq'
 * maskUrlCredentials('admin:hunter2@db.internal:5432/app') // 'admin:***@db.internal:5432/app'
 * maskUrlCredentials('?dsn=postgres%3A%2F%2Fadmin%3Ahunter2%40db') // '?dsn=postgres%3A%2F%2Fadmin%3A***%40db'
 */
export function maskUrlCredentials(text: string): string {
  return text
    .replace(URL_USERINFO, (match, scheme: string, user: string, password: string) =>
      // `host:port/path@more` is a port and a path with an `@` in it (a Pushgateway `label@base64`), not a password.
      HOST_PORT_PATH.test(password) ? match : `${scheme}${user}:${MASK}@`,
    )
    .replace(BARE_USERINFO, (match, user: string) => (ADDRESS_SCHEMES.has(user.toLowerCase()) ? match : `${user}:${MASK}@`))
    .replace(ENCODED_USERINFO, (_match, user: string, colon: string, at: string) => `${user}${colon}${MASK}${at}`);
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
