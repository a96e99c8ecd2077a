/** A TCP address: a host name or IP and a port. */
export interface TcpAddress {
  host: string;
  port: number;
}

/**
 * `host:port` (or `[::1]:port`, or `:port` for 127.0.0.1) as a {@link TcpAddress}, or what is wrong with it.
 *
 * @example
 * parseAddress('127.0.0.1:5432') // { host: '127.0.0.1', port: 5432 }
 */
export function parseAddress(text: unknown): TcpAddress | string {
  if (typeof text !== 'string' || text === '') return `expected "host:port", got ${describeAddress(text)}`;
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  if (match === null) return `expected "host:port", got ${JSON.stringify(text)}`;
  const port = Number(match[3]);
  if (port > 65_535) return `the port ${port} is above 65535`;
  const host = match[1] ?? match[2] ?? '';
  return { host: host === '' ? '127.0.0.1' : host, port };
}

/** `host:port`, with IPv6 hosts in brackets. */
export function formatAddress(address: TcpAddress): string {
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

function describeAddress(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value === 'number' ? `the number ${value} (quote it with its host: "127.0.0.1:${value}")` : `a ${typeof value}`;
}
