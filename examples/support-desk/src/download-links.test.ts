import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { DownloadLinks } from './download-links.ts';
import { Problem } from './problems.ts';

const SECRET = 'a-test-secret-that-is-32-bytes-long!';
const claims = { tenantId: '0b6c3f0e-8f5e-4c2a-9d8e-2f7f6f1d9a10', exportId: '6f1d9a10-8f5e-4c2a-9d8e-0b6c3f0e2f7f' };

function kindOf(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return error instanceof Problem ? error.kind : `not a problem: ${String(error)}`;
  }
}

describe('DownloadLinks', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('should give back the claims of a link it signed, until its expiry and leeway are over', () => {
    jest.useFakeTimers({ now: new Date('2026-12-05T12:00:00Z') });
    const links = new DownloadLinks({ secret: SECRET, ttlSeconds: 60, leewaySeconds: 30 });
    const { token, expiresAt } = links.sign(claims);

    jest.setSystemTime(new Date('2026-12-05T12:01:30Z'));
    const lastMoment = links.verify(token);
    jest.setSystemTime(new Date('2026-12-05T12:01:31Z'));

    expect(expiresAt).toBe('2026-12-05T12:01:00.000Z');
    expect(lastMoment).toEqual(claims);
    expect(kindOf(() => links.verify(token))).toBe('link-expired');
  });

  it.each([
    {
      name: 'a signature from another secret',
      token: (token: string) => `${token.split('.')[0]}.${new DownloadLinks({ secret: `${SECRET}x` }).sign(claims).token.split('.')[1]}`,
    },
    {
      name: 'a changed payload',
      token: (token: string) =>
        `${Buffer.from('{"tid":"x","eid":"y","iat":0,"exp":9999999999}').toString('base64url')}.${token.split('.')[1]}`,
    },
    { name: 'no signature', token: (token: string) => token.split('.')[0]! },
    { name: 'an extra part', token: (token: string) => `${token}.more` },
  ])('should refuse $name as link-invalid', ({ token }) => {
    const links = new DownloadLinks({ secret: SECRET });

    expect(kindOf(() => links.verify(token(links.sign(claims).token)))).toBe('link-invalid');
  });

  it('should refuse a secret shorter than 32 bytes', () => {
    expect(() => new DownloadLinks({ secret: 'short' })).toThrow('A download link secret must be at least 32 bytes long.');
  });
});
