import { describe, expect, it } from '@jest/globals';
import { contractMatchers } from '../src/index.js';

expect.extend(contractMatchers);

const response = (status: number, body: unknown, contentType = 'application/problem+json; charset=utf-8'): object => ({
  status,
  headers: { 'content-type': contentType },
  body,
});

describe('toBeProblemDetails', () => {
  it('should accept RFC 9457 problem details with a charset and an extension member', () => {
    const ok = response(409, { type: 'https://api.example/problems/conflict', title: 'Conflict', status: 409, order_id: 'o-1' });

    expect(ok).toBeProblemDetails({ status: 409, type: 'https://api.example/problems/conflict' });
  });

  it('should report the content type, the status mismatch and missing type and title together', () => {
    const bad = response(404, { status: 400, detail: 'nope' }, 'application/json');

    const run = (): void => expect(bad).toBeProblemDetails({ status: 404 });

    expect(run).toThrow(/content-type is "application\/json", not application\/problem\+json/);
    expect(run).toThrow(/"type" is missing/);
    expect(run).toThrow(/"title" is missing/);
    expect(run).toThrow(/"status" is 400 but the HTTP status is 404/);
  });

  it('should reject a problem details document sent with a success status', () => {
    // Arrange
    const onOk = response(200, { type: 'https://api.example/problems/conflict', title: 'Conflict', status: 200 });
    const bodyOnly = { type: 'about:blank', title: 'Created', status: 201 };

    // Act
    const run = (): void => expect(onOk).toBeProblemDetails();
    const runBodyOnly = (): void => expect(bodyOnly).toBeProblemDetails();

    // Assert
    expect(run).toThrow('HTTP status is 200: a problem details document reports an error, so it must carry a 4xx or 5xx status');
    expect(runBodyOnly).toThrow('"status" is 201: a problem details document must carry a 4xx or 5xx status');
  });

  it('should reject a stack trace and personal data in detail, printing only masked values', () => {
    const stack = 'TypeError: x is undefined\n    at handler (/srv/app/src/orders.js:42:13)';
    const leaky = response(500, {
      type: 'about:blank',
      title: 'Internal',
      status: 500,
      detail: `failed for jane.doe@corp.example: ${stack}`,
    });

    let message = '';
    try {
      expect(leaky).toBeProblemDetails({ status: 500 });
    } catch (error) {
      message = (error as Error).message;
    }

    expect(message).toContain('$.detail holds a stack trace or source location');
    expect(message).toContain('$.detail holds personal data (email, j***@c***.example)');
    expect(message).not.toContain('jane.doe');
  });
});
