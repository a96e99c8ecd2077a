import { describe, expect, it } from '@jest/globals';
import type { RecordedRequest } from './format.js';
import { diffShapes, requestKey, requestShape, similarity } from './matching.js';

const request = (url: string, json: unknown): RecordedRequest => ({
  method: 'POST',
  url,
  headers: { 'content-type': 'application/json' },
  body: { json },
});

describe('request matching', () => {
  it('should ignore query order and JSON key order', () => {
    const a = requestShape(request('https://x.test/a?b=2&a=1', { x: 1, y: 2 }));
    const b = requestShape(request('https://x.test/a?a=1&b=2', { y: 2, x: 1 }));

    expect(requestKey(a)).toBe(requestKey(b));
  });

  it('should leave out ignored query parameters and body paths, wildcards included', () => {
    const options = { ignoreQuery: ['_'], ignoreBodyPaths: ['meta.at', 'items[*].id'] };
    const a = requestShape(request('https://x.test/a?_=1', { meta: { at: 1, v: 1 }, items: [{ id: 'a', n: 1 }] }), options);
    const b = requestShape(request('https://x.test/a?_=2', { meta: { at: 2, v: 1 }, items: [{ id: 'b', n: 1 }] }), options);

    expect(requestKey(a)).toBe(requestKey(b));
  });

  it('should be blind to UUIDs and timestamps with the similar strategy only', () => {
    const first = request('https://x.test/a', { id: '0b9c6c1e-4c7e-4d7e-9d5e-1f2a3b4c5d6e', at: '2026-01-02T03:04:05Z' });
    const second = request('https://x.test/a', { id: '9f1e2d3c-4b5a-4c6d-8e7f-0a1b2c3d4e5f', at: '2027-05-06T07:08:09Z' });

    expect(requestKey(requestShape(first))).not.toBe(requestKey(requestShape(second)));
    expect(requestKey(requestShape(first, { strategy: 'similar' }))).toBe(requestKey(requestShape(second, { strategy: 'similar' })));
  });

  it('should be blind to epoch timestamps sent as JSON numbers, in milliseconds and seconds, with the similar strategy', () => {
    // Arrange
    const first = request('https://x.test/a', { sentAt: 1_767_322_800_123, expires: 1_767_326_400, at: 1_767_322_800.5, page: 1 });
    const second = request('https://x.test/a', { sentAt: 1_798_858_800_456, expires: 1_798_862_400, at: 1_798_858_800.25, page: 1 });
    const otherPage = request('https://x.test/a', { sentAt: 1_798_858_800_456, expires: 1_798_862_400, at: 1_798_858_800.25, page: 2 });

    // Act
    const similar = (recorded: RecordedRequest): string => requestKey(requestShape(recorded, { strategy: 'similar' }));

    // Assert
    expect(similar(first)).toBe(similar(second));
    expect(similar(first)).not.toBe(similar(otherPage));
    expect(requestKey(requestShape(first))).not.toBe(requestKey(requestShape(second)));
  });

  it('should describe differences field by field and score similarity', () => {
    const recorded = requestShape(request('https://x.test/chat', { model: 'm', messages: [{ role: 'user', content: 'Refund?' }] }));
    const incoming = requestShape(request('https://x.test/chat', { model: 'm', messages: [{ role: 'user', content: 'Refunds?' }] }));

    expect(diffShapes(recorded, incoming)).toEqual([{ path: 'body.messages[0].content', recorded: 'Refund?', incoming: 'Refunds?' }]);
    expect(similarity(recorded, incoming)).toBeCloseTo(0.8, 1);
  });
});
