import { describe, expect, it } from '@jest/globals';
import { createGuardPolicy } from './policy.js';

describe('createGuardPolicy', () => {
  it.each([
    ['a URL-encoded DSN in the query', 'https://api.example.com/connect?dsn=postgres%3A%2F%2Fadmin%3Ahunter2%40db%3A5432%2Fapp'],
    ['a DSN without a scheme in the query', 'https://api.example.com/connect?dsn=admin:hunter2@db.internal:5432/app'],
    ['a DSN with a broken scheme in the path', 'https://api.example.com/postgres//admin:hunter2@db'],
  ])('should mask the password of %s in a blocked request message and target', (_what, url) => {
    // Arrange
    const policy = createGuardPolicy();

    // Act
    const error = policy.judgeRequest('GET', url);

    // Assert
    expect(error?.message).toMatch(/^\[test-modes\] Blocked GET https:\/\/api\.example\.com\/.*admin(:|%3A)\*\*\*(@|%40)db/);
    expect(`${error?.message} ${error?.target}`).not.toContain('hunter2');
    expect(error?.code).toBe('TEST_MODES_NETWORK_BLOCKED');
  });
});
