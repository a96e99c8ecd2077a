import { describe, expect, it } from '@jest/globals';
import { parseApiKey, secretHash } from './api-key-credentials.ts';

const TENANT = '0b6c3f0e-8f5e-4c2a-9d8e-2f7f6f1d9a10';
const SECRET = 'A'.repeat(40) + '_-z';
const KEY = `sdk_${TENANT.replaceAll('-', '')}_${SECRET}`;

describe('parseApiKey', () => {
  it('should take the tenant and the secret out of a bearer key', () => {
    expect(parseApiKey(`Bearer ${KEY}`)).toEqual({ tenantId: TENANT, secret: SECRET });
    expect(parseApiKey(`bearer   ${KEY}`)).toEqual({ tenantId: TENANT, secret: SECRET });
  });

  it.each([
    ['no header', undefined],
    ['another scheme', `Basic ${KEY}`],
    ['another prefix', `Bearer sk_${TENANT.replaceAll('-', '')}_${SECRET}`],
    ['a short secret', `Bearer sdk_${TENANT.replaceAll('-', '')}_${SECRET.slice(1)}`],
    ['a tenant that is not hex', `Bearer sdk_${'g'.repeat(32)}_${SECRET}`],
    ['two keys', `Bearer ${KEY} ${KEY}`],
  ])('should not take %s for a key', (_name, header) => {
    expect(parseApiKey(header)).toBeUndefined();
  });
});

describe('secretHash', () => {
  it('should hash a secret to 64 hex digits, never to the secret itself', () => {
    expect(secretHash(SECRET)).toMatch(/^[0-9a-f]{64}$/);
    expect(secretHash(SECRET)).not.toContain(SECRET);
  });
});
