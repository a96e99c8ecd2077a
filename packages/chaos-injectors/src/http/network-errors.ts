/**
 * The errors Node's sockets and resolver raise, built to the letter (message, `errno`, `code`,
 * `syscall` and the fields after them, in Node's order), so a client's own wrapping (fetch's
 * `TypeError: fetch failed`, axios's `AxiosError`) turns them into what it shows for the real thing.
 */
import { getSystemErrorMap } from 'node:util';

let errnos: Map<string, number> | undefined;

/** libuv's (negative) errno for `code` on this platform: ECONNRESET is -104 on Linux, -54 on macOS. */
function errnoOf(code: string): number | undefined {
  if (errnos === undefined) {
    errnos = new Map();
    for (const [errno, [name]] of getSystemErrorMap()) errnos.set(name, errno);
  }
  return errnos.get(code);
}

function systemError(message: string, fields: Record<string, unknown>): NodeJS.ErrnoException {
  const error = new Error(message) as NodeJS.ErrnoException;
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) (error as unknown as Record<string, unknown>)[key] = value;
  return error;
}

/** A URL's host name as a socket names it (`::1`, not `[::1]`). */
function socketHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/** A URL's port, or its protocol's default. */
function portOf(url: URL): number {
  return url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
}

/**
 * `connect ECONNREFUSED 127.0.0.1:8080`, as a connect to a closed port fails. A real client names the
 * address the host resolved to; a fault names the host as the URL gives it.
 */
export function refusedError(url: URL): NodeJS.ErrnoException {
  const address = socketHost(url.hostname);
  const port = portOf(url);
  return systemError(`connect ECONNREFUSED ${address}:${port}`, {
    errno: errnoOf('ECONNREFUSED'),
    code: 'ECONNREFUSED',
    syscall: 'connect',
    address,
    port,
  });
}

/** `read ECONNRESET`, as a socket fails when its peer resets the connection (a TCP RST). */
export function resetError(): NodeJS.ErrnoException {
  return systemError('read ECONNRESET', { errno: errnoOf('ECONNRESET'), code: 'ECONNRESET', syscall: 'read' });
}

/** The resolver failures a DNS fault raises: no such host, or no answer yet (a resolver that is down). */
export const DNS_ERROR_CODES = ['ENOTFOUND', 'EAI_AGAIN'] as const;

/** A resolver failure {@link dnsError} can raise. */
export type DnsErrorCode = (typeof DNS_ERROR_CODES)[number];

/**
 * `getaddrinfo ENOTFOUND api.example.com`, as `dns.lookup` fails for an unknown host (`EAI_AGAIN`
 * when the resolver gives no answer).
 */
export function dnsError(url: URL, code: DnsErrorCode = 'ENOTFOUND'): NodeJS.ErrnoException {
  const hostname = socketHost(url.hostname);
  // Node reports getaddrinfo's EAI_NONAME as ENOTFOUND, with libuv's EAI_NONAME number.
  const errno = errnoOf(code === 'ENOTFOUND' ? 'EAI_NONAME' : code);
  return systemError(`getaddrinfo ${code} ${hostname}`, { errno, code, syscall: 'getaddrinfo', hostname });
}
