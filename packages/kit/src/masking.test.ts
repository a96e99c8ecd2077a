import { describe, expect, it } from '@jest/globals';
import { maskUrlCredentials, maskValue } from './masking.js';

describe('maskUrlCredentials', () => {
  it.each([
    ['postgres://admin:hunter2@db:5432/app', 'postgres://admin:***@db:5432/app'],
    ['DATABASE_URL="postgres:/admin:hunter2@db:5432/app"', 'DATABASE_URL="postgres:/admin:***@db:5432/app"'],
    ['amqp://:s3cret@mq', 'amqp://:***@mq'],
    ['mongodb+srv://svc:p@ss/w0rd@cluster0.example.net/db', 'mongodb+srv://svc:***@cluster0.example.net/db'],
    ['two: redis://a:x1@r1 and nats://b:x2@n1', 'two: redis://a:***@r1 and nats://b:***@n1'],
    ['DATABASE_URL=admin:hunter2@db.internal:5432/app', 'DATABASE_URL=admin:***@db.internal:5432/app'],
    ['"admin:hunter2@10.0.0.5"', '"admin:***@10.0.0.5"'],
    ['postgres//admin:hunter2@db', 'postgres//admin:***@db'],
    ['postgres//admin:hunter2@db:5432/app?sslmode=require', 'postgres//admin:***@db:5432/app?sslmode=require'],
    [
      'GET /connect?dsn=postgres%3A%2F%2Fadmin%3Ahunter2%40db%3A5432%2Fapp&x=1',
      'GET /connect?dsn=postgres%3A%2F%2Fadmin%3A***%40db%3A5432%2Fapp&x=1',
    ],
    ['body: url=postgres%3a%2f%2fadmin%3ahunter2%40db', 'body: url=postgres%3a%2f%2fadmin%3a***%40db'],
    ['dsn=admin%3Ahunter2%40db.internal%3A5432', 'dsn=admin%3A***%40db.internal%3A5432'],
    ['dsn=postgres%3A%2F%2Fadmin%3Ap%2540ss%40db', 'dsn=postgres%3A%2F%2Fadmin%3A***%40db'],
  ])('should mask the password in %s', (input, expected) => {
    expect(maskUrlCredentials(input)).toBe(expected);
  });

  it.each([
    'https://api.example.com/v1/chat?x=1',
    'ssh://git@github.com/org/repo',
    'mail jane@example.com at 12:30',
    'Error: something failed at 10:42',
    'mailto:jane@example.com',
    'sent 12:30 jane@example.com',
    'installed npm:typescript@~5.9.3',
    'q=hello%3Aworld%40',
    'redirect=https%3A%2F%2Fapi.example.com%2Fv1',
    'expected user@example.com, got admin@example.com',
    'http://127.0.0.1:9091/metrics/job/x/shard@base64/Mi80',
    'https://registry.example.com:8443/@scope/pkg',
  ])('should leave %s alone', (input) => {
    expect(maskUrlCredentials(input)).toBe(input);
  });
});

describe('maskValue', () => {
  it('should describe a value by its type and size, never its content', () => {
    expect(maskValue('4111111111111111')).toBe('"411…" (string, 16 characters)');
    expect(maskValue('hunter2')).toBe('(string, 7 characters)');
    expect(maskValue(4111111111111111)).toBe('number (16 digits)');
    expect(maskValue({ number: '4111111111111111', cvc: '123' })).toBe('object (2 keys)');
    expect(maskValue(['a'])).toBe('array (1 item)');
    expect(maskValue(null)).toBe('null');
  });
});
