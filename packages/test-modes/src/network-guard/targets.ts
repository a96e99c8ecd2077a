/** Where a connection or a request goes, read from the arguments clients pass. */
import type { Socket } from 'node:net';
import { maskUrlCredentials } from '@proving-ground/kit';

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' };

/** The arguments of `socket.connect()`. */
export type ConnectArgs = Parameters<Socket['connect']>;

/** The destination of a `socket.connect()` call, as far as the guard reads it. */
export interface ConnectTarget {
  host?: string | null;
  port?: number | string | null;
  path?: string | null;
  lookup?: unknown;
}

/** The destination of a `socket.connect()` call, in any of its argument forms. */
export function connectTargetOf(args: ConnectArgs): ConnectTarget {
  const list: unknown[] = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  const [first, second] = list;
  if (typeof first === 'object' && first !== null) return first;
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    return { port: first, host: typeof second === 'string' ? second : undefined };
  }
  return typeof first === 'string' ? { path: first } : {};
}

/** `host:port` of a socket destination, for messages. */
export function socketTargetName(host: string | null | undefined, port: number | string | null | undefined): string {
  return `${host ?? 'localhost'}:${String(port ?? '')}`;
}

/**
 * The destination of an HTTP request: the authority of a CONNECT (`api.example.com:443`), else the
 * host of its URL. `shown` is what messages and the error's `target` print: passwords masked,
 * wherever they sit in the URL (user information, a DSN in the query, URL-encoded or not).
 */
export function requestTarget(method: string, requestUrl: string): { host: string; port: string | undefined; shown: string } {
  if (method === 'CONNECT') {
    const authority = requestUrl.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(authority);
    const [host, port] = bracketed ? [bracketed[1]!, bracketed[2]] : [authority.replace(/:\d+$/, ''), /:(\d+)$/.exec(authority)?.[1]];
    return { host, port: port ?? '443', shown: maskUrlCredentials(authority) };
  }
  const url = new URL(requestUrl);
  return { host: url.hostname, port: url.port === '' ? DEFAULT_PORTS[url.protocol] : url.port, shown: maskUrlCredentials(requestUrl) };
}
