import { describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { captureLogs } from './log-capture.js';
import { findPii } from './pii-scan.js';
import { redactPii } from './redaction.js';

describe('findPii', () => {
  it('should not take timestamps, UUIDs, order ids or versions for personal data', () => {
    const value = {
      at: 1731000000000,
      id: '9f1c2d3e-4b5a-4c6d-8e7f-446655440000',
      orderId: '4539578763621486',
      version: '10.4.3.1',
      sha: 'd41d8cd98f00b204e9800998ecf8427e',
    };

    expect(findPii(value)).toEqual([]);
  });

  it('should take a redaction marker under a secret key for a placeholder in text as in JSON, in any case', () => {
    const redacted = ['GET /exports/1?token=[redacted]', 'password=REDACTED', 'api_key=[Redacted]', 'token: [redacted]', 'secret=masked'];

    expect(redacted.flatMap((text) => findPii(text))).toEqual([]);
    expect(findPii({ token: '[redacted]', password: 'REDACTED' })).toEqual([]);
    expect(findPii('GET /exports/1?token=eyJhbGciOiJIUzI1NiJ9.e30.abc').map((finding) => finding.category)).toEqual(['secret']);
  });

  it('should give each finding a category, a JSONPath, a risk and a masked sample', () => {
    const findings = findPii({ customer: { cards: ['4111-1111-1111-1111'], dob: '1985-04-12' } });

    expect(findings).toEqual([
      expect.objectContaining({ category: 'card', path: '$.customer.cards[0]', masked: '**** 1111', evidence: 'value' }),
      expect.objectContaining({ category: 'date-of-birth', path: '$.customer.dob', masked: '****-**-**', evidence: 'key' }),
    ]);
    expect(findings.every((finding) => finding.risk > 0.5 && finding.risk <= 1)).toBe(true);
  });
});

describe('redactPii', () => {
  it('should return a redacted copy, leave the input untouched and be idempotent', () => {
    const input = { user: { email: 'jane.doe@corp.example', password: 'hunter2!x' }, note: 'call +44 20 7946 0958', at: 1731000000000 };
    const snapshot = structuredClone(input);

    const once = redactPii(input);
    const twice = redactPii(once);

    expect(input).toEqual(snapshot);
    expect(once).toEqual({
      user: { email: '[REDACTED:email]', password: '[REDACTED:secret]' },
      note: 'call [REDACTED:phone]',
      at: 1731000000000,
    });
    expect(twice).toEqual(once);
    expect(findPii(once)).toEqual([]);
  });

  it('should keep JSON text valid, also one document per line, numbers included', () => {
    const text = '{"card":4111111111111111,"msg":"paid"}\n{"to":"jane@corp.example"}';

    const redacted = redactPii(text);

    expect(redacted.split('\n').map((line) => JSON.parse(line) as unknown)).toEqual([
      { card: '[REDACTED:card]', msg: 'paid' },
      { to: '[REDACTED:email]' },
    ]);
  });
});

describe('captureLogs', () => {
  it('should capture console and pino output so a test can assert it holds no personal data', () => {
    const logs = captureLogs();
    const logger = pino({ base: undefined }, logs.stream);

    console.warn('login failed for %s', 'jane@corp.example');
    logger.info({ ip: '203.0.113.9', userId: 42 }, 'signed in');
    logs.restore();

    expect(logs.lines).toHaveLength(2);
    expect(findPii(logs.entries).map((finding) => [finding.path, finding.category])).toEqual([
      ['$[0]', 'email'],
      ['$[1].ip', 'ipv4'],
    ]);
  });
});
