import { describe, expect, it } from '@jest/globals';
import { isSecretKey } from './key-hints.js';
import { findPii } from './pii-scan.js';
import { redactPii } from './redaction.js';

const categories = (value: unknown): string[] => findPii(value).map((finding) => `${finding.path} ${finding.category}`);

describe('findPii in payment card objects', () => {
  it('should read a number under a generic key as a card next to an expiry, a CVC, a network or under a card parent', () => {
    const value = {
      card: { number: '4111 1111 1111 1111' },
      method: { accountNumber: 5555555555554444, expMonth: 4, expYear: 2030 },
      wallet: [{ primaryAccountNumber: '378282246310005', brand: 'amex' }],
      saved: new Map([['pan', { number: '6011111111111117', cvc: '123' }]]),
    };

    expect(categories(value)).toEqual([
      '$.card.number card',
      '$.method.accountNumber card',
      '$.wallet[0].primaryAccountNumber card',
      '$.saved.pan.number card',
    ]);
  });

  it('should still read a number under an id-like key outside a card object as an id', () => {
    const value = {
      order: { number: '4539578763621486' },
      invoice: { accountNumber: '4111111111111111' },
      product: { number: '6011111111111117', brand: 'Acme' },
    };

    expect(findPii(value)).toEqual([]);
  });
});

describe('findPii and redactPii on one value', () => {
  it('should report a JWT under a token key once, as a JWT', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

    expect(categories({ token: jwt, authorization: `Bearer ${jwt}`, body: `{"access_token":"${jwt}"}` })).toEqual([
      '$.token jwt',
      '$.authorization jwt',
      '$.body jwt',
    ]);
  });

  it('should find and redact a password in JSON inside a log line alike', () => {
    const line = '2025-01-04T10:00:00Z WARN login failed payload={"user":"jdoe","pass":"Spring2024!"}';

    expect(categories(line)).toEqual(['$ secret']);
    expect(redactPii(line)).toBe('2025-01-04T10:00:00Z WARN login failed payload={"user":"jdoe","pass":"[REDACTED:secret]"}');
  });

  it('should redact the whole of a multi-line private key block, not only its first line', () => {
    const log = [
      'key loaded:',
      '-----BEGIN RSA PRIVATE KEY-----',
      'MIIEowIBAAKCAQEAx9Zq3',
      'b7Yt0kQwLpV2',
      '-----END RSA PRIVATE KEY-----',
      'ready',
    ].join('\n');

    const redacted = redactPii(log);

    expect(redacted).toBe('key loaded:\n[REDACTED:secret]\nready');
    expect(findPii(redacted)).toEqual([]);
  });

  it('should redact JSON lines value by value around a private key block', () => {
    const log = '{"msg":"start","to":"jane@corp.example"}\n-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIE\n-----END PRIVATE KEY-----';

    expect(redactPii(log)).toBe('{"msg":"start","to":"[REDACTED:email]"}\n[REDACTED:secret]');
  });
});

describe('findPii on text that looks like personal data but is not', () => {
  it('should not take the user of a connection URL or an scp remote for an e-mail address', () => {
    const text = 'db postgres://app@db.prod.example.com:5432/orders, git@github.com:acme/widgets.git, ssh://deploy@build.example.org';

    expect(findPii(text)).toEqual([]);
    expect(categories('mailto:jane@corp.example')).toEqual(['$ email']);
  });

  it('should report an SSN-shaped number in text only where an SSN is named', () => {
    expect(findPii(['Part 412-33-1098 replaced', 'DWG 523-71-4410 rev C', { partNumber: '318-44-2290' }])).toEqual([]);
    expect(categories(['SSN: 412-33-1098', 'taxpayer id 523-71-4410', '318-44-2290'])).toEqual(['$[0] ssn', '$[1] ssn', '$[2] ssn']);
  });
});

describe('isSecretKey', () => {
  it.each([
    'password',
    'pass',
    'passwd',
    'pwd',
    'db_pass',
    'smtpPassword',
    'AWS_SECRET_ACCESS_KEY',
    'secretAccessKey',
    'webhookSigningSecret',
    'apiKey',
    'token',
  ])('should read %s as naming a secret', (key) => {
    expect(isSecretKey(key)).toBe(true);
  });

  it.each(['passwordPolicy', 'tokenType', 'secretName', 'boardingPass', 'bypass', 'compass', 'passwordUpdatedAt', 'apiKeyId'])(
    'should not read %s as naming a secret',
    (key) => {
      expect(isSecretKey(key)).toBe(false);
    },
  );
});
