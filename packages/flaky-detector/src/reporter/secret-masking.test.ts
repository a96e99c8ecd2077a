import { describe, expect, it } from '@jest/globals';
import { maskFailureSecrets } from './secret-masking.js';

describe('maskFailureSecrets', () => {
  it('should mask URL passwords, named secrets, bearer tokens and e-mail local parts', () => {
    const masked = maskFailureSecrets(
      'POST https://api:hunter2@pay.example/v1 failed for jane.doe@example.com, password=hunter2 "apiKey": "abc123def" Authorization: Bearer eyAbCdEf123456',
    );

    expect(masked).toBe(
      'POST https://api:***@pay.example/v1 failed for ***@example.com, password=*** "apiKey": "***" Authorization: Bearer ***',
    );
    expect(masked).not.toContain('hunter2');
    expect(masked).not.toContain('jane.doe');
  });

  it('should mask tokens by their prefix, JSON Web Tokens, private keys and card numbers that pass the Luhn check', () => {
    const token = `ghp_${'a1B2'.repeat(9)}`;
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl';
    const key = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----';
    const masked = maskFailureSecrets(`${token} ${jwt} AKIAIOSFODNN7EXAMPLE ${key} card 4111 1111 1111 1111 order 1234567890123`);

    expect(masked).toBe('*** *** *** *** card *** order 1234567890123');
  });

  it('should leave ordinary failure text alone', () => {
    const text = 'Expected: 200\nReceived: 404 at 12:30 for order 42 (npm:pkg@~1.2)';

    expect(maskFailureSecrets(text)).toBe(text);
  });
});
