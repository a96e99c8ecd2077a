import { describe, expect, it } from '@jest/globals';
import { problem, problemDetailsOf } from './problems.ts';

describe('problemDetailsOf', () => {
  it('should keep the standard members ahead of extensions and never let an extension replace them', () => {
    const details = problemDetailsOf(problem('conflict', 'The email is taken.', { status: 200, field: 'email' }), '/users');

    expect(details).toEqual({
      type: 'https://support-desk.example/problems/conflict',
      title: 'The resource already exists',
      status: 409,
      detail: 'The email is taken.',
      instance: '/users',
      field: 'email',
    });
  });

  it('should hide what an unexpected error says', () => {
    const details = problemDetailsOf(new Error('password authentication failed for user "postgres" at 10.0.0.7'), '/orders');

    expect(details).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'The server failed to handle the request. It has been logged.',
      instance: '/orders',
    });
  });

  it("should pass a client error's own status and message through", () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });

    expect(problemDetailsOf(tooLarge, '/faq')).toEqual({
      type: 'about:blank',
      title: 'Payload Too Large',
      status: 413,
      detail: 'Request body is too large',
      instance: '/faq',
    });
  });
});
