import { describe, expect, it } from '@jest/globals';
import { isSensitiveHeader, isSensitiveName } from './rules.js';

describe('redaction rules', () => {
  it('should find sensitive names by their words, in any spelling, and leave token counts and descriptions alone', () => {
    // Arrange
    const sensitive = [
      'aws_secret_access_key',
      'PRIVATE-TOKEN',
      'private_token',
      'auth_token',
      'access-token',
      'x-auth',
      'sessionKey',
      'clientSecret',
      'db.password',
      'X-Amz-Signature',
      'sig',
      'apiKey',
      'api_key',
      'privateKey',
    ];
    const readable = [
      'prompt_tokens',
      'completion_tokens',
      'total_tokens',
      'max_tokens',
      'input_tokens',
      'output_tokens',
      'completion_tokens_details',
      'prompt_tokens_details',
      'token_type',
      'author',
      'signed',
      'page',
    ];

    // Act
    const flagged = [...sensitive, ...readable].filter((name) => isSensitiveName(name));

    // Assert
    expect(flagged).toEqual(sensitive);
    expect(isSensitiveHeader('access-control-allow-credentials')).toBe(false);
    expect(isSensitiveHeader('x-ratelimit-remaining-tokens')).toBe(false);
  });
});
