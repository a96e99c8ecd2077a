import { isIP } from 'node:net';
import { types } from 'node:util';

/**
 * An allowed destination: a host name (`api.internal`), a wildcard for its subdomains
 * (`*.internal`), an IP address, any of those with a port (`db.internal:5432`), or a RegExp tested
 * against `host:port`.
 */
export type AllowedHost = string | RegExp;

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * Whether `host` is this machine: `localhost`, `127.0.0.0/8`, `::1`, the
 * IPv4-mapped `::ffff:127.x.x.x`, or an unspecified host (Node connects those to loopback).
 *
 * @example
 * isLoopbackHost('127.0.0.1') // true
 * isLoopbackHost('api.openai.com') // false
 */
export function isLoopbackHost(host: string | null | undefined): boolean {
  if (host === undefined || host === null || host === '') return true;
  const bare = stripBrackets(host.toLowerCase()).replace(/\.$/, '');
  // Only `localhost` itself: other `*.localhost` names go through the system resolver, which may ask DNS.
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.') || bare === '0.0.0.0';
  if (isIP(bare) === 6) {
    if (bare === '::1' || bare === '0:0:0:0:0:0:0:1' || bare === '::') return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
    if (mapped !== null) return mapped[1]!.startsWith('127.');
    // The URL parser writes an IPv4-mapped address in hex: [::ffff:127.0.0.1] becomes [::ffff:7f00:1].
    const mappedHex = /^::ffff:([0-9a-f]{1,4}):[0-9a-f]{1,4}$/.exec(bare);
    return mappedHex !== null && parseInt(mappedHex[1]!, 16) >> 8 === 127;
  }
  return false;
}

function splitHostPort(entry: string): { host: string; port: string | undefined } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { host: bracketed[1]!, port: bracketed[2] };
  const parts = entry.split(':');
  if (parts.length === 2 && /^\d+$/.test(parts[1]!)) return { host: parts[0]!, port: parts[1] };
  return { host: entry, port: undefined };
}

/** Why an allow-list entry is malformed, or undefined when it is fine. */
export function describeInvalidAllowedHost(entry: unknown): string | undefined {
  if (types.isRegExp(entry)) return undefined;
  if (typeof entry !== 'string') return `expected a host name string or a RegExp, got ${typeof entry}`;
  if (entry.trim() === '') return 'an empty string allows nothing';
  if (/^[a-z]+:\/\//i.test(entry)) return `"${entry}" is a URL; list the host only (for example "${new URL(entry).host}")`;
  if (/\s/.test(entry)) return `"${entry}" contains white space`;
  return undefined;
}

/**
 * Whether a connection to `host` (and `port`) is allowed by `allowed`.
 *
 * @example
 * isAllowedHost('eu.api.internal', 443, ['*.api.internal']) // true
 */
export function isAllowedHost(host: string, port: number | string | undefined, allowed: readonly AllowedHost[]): boolean {
  const bareHost = stripBrackets(host.toLowerCase()).replace(/\.$/, '');
  const portText = port === undefined ? undefined : String(port);
  return allowed.some((entry) => {
    // types.isRegExp: a config file is loaded outside Jest's realm. A fresh copy: /g and /y keep state.
    if (types.isRegExp(entry))
      return new RegExp(entry.source, entry.flags.replace(/[gy]/g, '')).test(portText === undefined ? bareHost : `${bareHost}:${portText}`);
    const { host: entryHost, port: entryPort } = splitHostPort(entry.toLowerCase());
    if (entryPort !== undefined && entryPort !== portText) return false;
    if (entryHost.startsWith('*.')) return bareHost.endsWith(entryHost.slice(1));
    return stripBrackets(entryHost).replace(/\.$/, '') === bareHost;
  });
}
