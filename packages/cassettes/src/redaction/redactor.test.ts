import { describe, expect, it } from '@jest/globals';
import { Redactor } from './redactor.js';

describe('Redactor', () => {
  it('should replace a listed environment value with a named placeholder, the same on every machine', () => {
    const redactor = new Redactor({ secretEnv: ['MY_UPSTREAM'] }, { MY_UPSTREAM: 'live-value-123456' });

    expect(redactor.header('authorization', 'Bearer live-value-123456')).toBe('Bearer [redacted:env:MY_UPSTREAM]');
    expect(redactor.text('echo live-value-123456 back')).toBe('echo [redacted:env:MY_UPSTREAM] back');
  });

  it('should keep a good key and a bad key apart with keyed fingerprints, without the keys', () => {
    const redactor = new Redactor({}, {});

    const good = redactor.header('x-api-key', 'good-key-aaaaaaaa');
    const bad = redactor.header('x-api-key', 'bad-key-bbbbbbbbb');

    expect(good).toMatch(/^\[redacted:[0-9a-f]{8}\]$/);
    expect(bad).toMatch(/^\[redacted:[0-9a-f]{8}\]$/);
    expect(good).not.toBe(bad);
    expect(new Redactor({}, {}).header('x-api-key', 'good-key-aaaaaaaa')).toBe(good);
  });

  it('should redact cookies, token query parameters, secret JSON fields and known token shapes, but not token counts', () => {
    const redactor = new Redactor({}, {});

    const cookie = redactor.header('cookie', 'theme=dark; session=abc123456789');
    const setCookie = redactor.header('set-cookie', 'sid=s3cr3t-value; Path=/; HttpOnly');
    const url = redactor.url('https://api.test/v1?access_token=tok-123456789&page=2');
    const json = redactor.json({
      password: 'hunter22',
      nested: { apiKey: 'k-123456789' },
      usage: { prompt_tokens: 12 },
      note: 'key sk-ant-abcdefghijklmnopqrstuvwxyz',
    });
    const text = redactor.text(
      'AKIAABCDEFGHIJKLMNOP ghp_abcdefghijklmnopqrstuvwxyz0123456789 xoxb-1234567890-abc eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
    );

    expect(cookie).toMatch(/^theme=\[redacted:[0-9a-f]{8}\]; session=\[redacted:[0-9a-f]{8}\]$/);
    expect(setCookie).toMatch(/^sid=\[redacted:[0-9a-f]{8}\]; Path=\/; HttpOnly$/);
    expect(url).toMatch(/^https:\/\/api\.test\/v1\?access_token=\[redacted:[0-9a-f]{8}\]&page=2$/);
    expect(json).toEqual({
      password: expect.stringMatching(/^\[redacted:/),
      nested: { apiKey: expect.stringMatching(/^\[redacted:/) },
      usage: { prompt_tokens: 12 },
      note: expect.stringMatching(/^key \[redacted:[0-9a-f]{8}\]$/),
    });
    expect(text).not.toMatch(/AKIA|ghp_|xoxb|eyJ/);
  });

  it('should find secrets that survived, raw, URL-encoded or base64, by kind and line, never printing them', () => {
    const redactor = new Redactor({}, { OPENAI_API_KEY: 'sk-live-abcdefghijklmnopqrstuvwx' });
    redactor.header('authorization', 'Basic dXNlcjpwYXNzd29yZA==');

    const leaks = redactor.findLeaks(
      [
        '{',
        `"a": "${encodeURIComponent('dXNlcjpwYXNzd29yZA==')}",`,
        `"b": "${Buffer.from('sk-live-abcdefghijklmnopqrstuvwx').toString('base64')}"`,
        '}',
      ].join('\n'),
    );

    expect(leaks).toEqual([
      'a value of $OPENAI_API_KEY (line 3)',
      expect.stringMatching(/^the secret redacted as \[redacted:[0-9a-f]{8}\] \(line 2\)$/),
    ]);
    expect(leaks.join(' ')).not.toContain('sk-live');
  });

  it('should redact GitLab, Stripe live and Google API key shapes anywhere in text', () => {
    // Arrange
    const redactor = new Redactor({}, {});
    const shapes = [
      'glpat-Abcdefghij1234567890',
      'sk_live_51HAbCdEfGhIjKlMnOp',
      'rk_live_51HAbCdEfGhIjKlMnOp',
      'AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q',
    ];

    // Act
    const text = redactor.text(shapes.join(' and '));

    // Assert
    expect(text).toMatch(
      /^\[redacted:[0-9a-f]{8}\] and \[redacted:[0-9a-f]{8}\] and \[redacted:[0-9a-f]{8}\] and \[redacted:[0-9a-f]{8}\]$/,
    );
    expect(new Redactor({}, {}).findLeaks(shapes.join('\n'))).toEqual([
      'a GitLab token (line 1)',
      'a Stripe live key (line 2)',
      'a Google API key (line 4)',
    ]);
  });

  it('should redact a short secret in its encoded forms as whole tokens only, and leave random short strings alone', () => {
    // Arrange
    const redactor = new Redactor(
      { secretEnv: ['SHORT_PIN'] },
      { SHORT_PIN: 'x9!', DB_PASSWORD: 'pw12345', FEATURE_TOKEN_ENABLED: 'true' },
    );
    const b64 = (value: string): string => Buffer.from(value).toString('base64');

    // Act
    const listed = redactor.text(`pin x9! or ${encodeURIComponent('x9!')} or ${b64('x9!')}`);
    const named = redactor.text(`${b64('pw12345')} ${Buffer.from('pw12345').toString('base64url')} but pw12345 stays raw`);
    const unrelated = redactor.text(`true ${b64('true')}x abc${b64('pw12345')} x9!z zzcHcxMjM0NQ`);

    // Assert
    expect(listed).toBe('pin [redacted:env:SHORT_PIN] or [redacted:env:SHORT_PIN] or [redacted:env:SHORT_PIN]');
    expect(named).toBe('[redacted:env:DB_PASSWORD] [redacted:env:DB_PASSWORD] but pw12345 stays raw');
    expect(unrelated).toBe(`true ${b64('true')}x abc${b64('pw12345')} x9!z zzcHcxMjM0NQ`);
    expect(redactor.findLeaks(`"auth": "${b64('pw12345')}"`)).toEqual(['a value of $DB_PASSWORD (line 1)']);
  });
});
