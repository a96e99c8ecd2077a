import { describe, expect, it } from '@jest/globals';
import { suggestIgnore } from './ignore-suggestion.js';

describe('suggestIgnore', () => {
  it('should name every volatile query parameter, header and body field in one match option, array items as one wildcard path', () => {
    // Arrange
    const differences = [
      { path: 'query._', recorded: '1767322800123', incoming: '1772600767456' },
      { path: 'headers.x-request-id', recorded: 'req-0.8123', incoming: 'req-0.1234' },
      { path: 'body.messages[0].id', recorded: '0b9c6c1e-4c7e-4d7e-9d5e-1f2a3b4c5d6e', incoming: '9f1e2d3c-4b5a-4c6d-8e7f-0a1b2c3d4e5f' },
      { path: 'body.messages[1].id', recorded: '1b9c6c1e-4c7e-4d7e-9d5e-1f2a3b4c5d6e', incoming: '8f1e2d3c-4b5a-4c6d-8e7f-0a1b2c3d4e5f' },
      { path: 'body.messages[1].content', recorded: 'Refund?', incoming: 'Refunds?' },
    ];

    // Act
    const suggestion = suggestIgnore(differences);

    // Assert
    expect(suggestion?.text).toBe(
      'If query parameter "_", header "x-request-id" and body field messages[*].id change on every run, ignore them: ' +
        'match: { ignoreQuery: ["_"], ignoreHeaders: ["x-request-id"], ignoreBodyPaths: ["messages[*].id"] }',
    );
  });

  it('should fall back to the first difference when none looks volatile, and nothing when only the route differs', () => {
    expect(suggestIgnore([{ path: 'query.page', recorded: '1', incoming: '2' }])?.text).toBe(
      'If query parameter "page" changes on every run, ignore it: match: { ignoreQuery: ["page"] }',
    );
    expect(suggestIgnore([{ path: 'route', recorded: 'https://a.test/x', incoming: 'https://a.test/y' }])).toBeUndefined();
  });
});
