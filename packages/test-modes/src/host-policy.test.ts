import { describe, expect, it } from '@jest/globals';
import { runInNewContext } from 'node:vm';
import { describeInvalidAllowedHost, isAllowedHost, isLoopbackHost } from './host-policy.js';

describe('isLoopbackHost', () => {
  it.each([
    'localhost',
    'LOCALHOST',
    'localhost.',
    '127.0.0.1',
    '127.1.2.3',
    '::1',
    '[::1]',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    new URL('http://[::ffff:127.0.0.2]/').hostname.slice(1, -1),
    '0.0.0.0',
    undefined,
    '',
  ])('should treat %p as loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each([
    'api.openai.com',
    '10.0.0.1',
    '192.168.1.10',
    '128.0.0.1',
    '::ffff:10.0.0.1',
    '::ffff:a00:1',
    '2001:db8::1',
    'localhost.example.com',
    'mylocalhost',
    'api.localhost',
  ])('should treat %p as remote', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('isAllowedHost', () => {
  it('should match exact hosts case-insensitively', () => {
    expect(isAllowedHost('API.Internal', 443, ['api.internal'])).toBe(true);
    expect(isAllowedHost('api.internal.evil.com', 443, ['api.internal'])).toBe(false);
  });

  it('should match subdomains with a wildcard but not the bare domain or look-alikes', () => {
    expect(isAllowedHost('eu.api.internal', 443, ['*.api.internal'])).toBe(true);
    expect(isAllowedHost('api.internal', 443, ['*.api.internal'])).toBe(false);
    expect(isAllowedHost('evilapi.internal', 443, ['*.api.internal'])).toBe(false);
  });

  it('should honour a port when given', () => {
    expect(isAllowedHost('db.internal', 5432, ['db.internal:5432'])).toBe(true);
    expect(isAllowedHost('db.internal', 5433, ['db.internal:5432'])).toBe(false);
    expect(isAllowedHost('::1', 5432, ['[::1]:5432'])).toBe(true);
  });

  it('should test a RegExp against host:port', () => {
    expect(isAllowedHost('s3.eu-west-1.amazonaws.com', 443, [/^s3\.[a-z0-9-]+\.amazonaws\.com:443$/])).toBe(true);
    expect(isAllowedHost('s3.eu-west-1.amazonaws.com', 80, [/^s3\.[a-z0-9-]+\.amazonaws\.com:443$/])).toBe(false);
  });
});

describe('isAllowedHost with RegExps and odd spellings', () => {
  it('should give the same answer every time for a /g RegExp', () => {
    const entry = /api\.internal/g;

    expect([1, 2, 3, 4].map(() => isAllowedHost('api.internal', 443, [entry]))).toEqual([true, true, true, true]);
  });

  it('should accept a RegExp from another realm (a config file is loaded outside Jest)', () => {
    const foreign = runInNewContext('/\\.internal:443$/') as RegExp;

    expect(foreign instanceof RegExp).toBe(false);
    expect(isAllowedHost('db.internal', 443, [foreign])).toBe(true);
    expect(describeInvalidAllowedHost(foreign)).toBeUndefined();
  });

  it('should ignore a trailing dot on either side', () => {
    expect(isAllowedHost('api.internal.', 443, ['api.internal'])).toBe(true);
    expect(isAllowedHost('api.internal', 443, ['api.internal.'])).toBe(true);
  });
});

describe('describeInvalidAllowedHost', () => {
  it('should explain URLs, blanks and wrong types, and accept hosts', () => {
    expect(describeInvalidAllowedHost('https://api.example.com/v1')).toBe(
      '"https://api.example.com/v1" is a URL; list the host only (for example "api.example.com")',
    );
    expect(describeInvalidAllowedHost('  ')).toBe('an empty string allows nothing');
    expect(describeInvalidAllowedHost(42)).toBe('expected a host name string or a RegExp, got number');
    expect(describeInvalidAllowedHost('api.example.com')).toBeUndefined();
    expect(describeInvalidAllowedHost(/x/)).toBeUndefined();
  });
});
