import { describeErrorMapping } from '@proving-ground/contract-helpers';
import { PROBLEM_KINDS, PROBLEM_TYPE_BASE, problem, problemDetailsOf, type ProblemKind } from '../../src/problems.ts';

const type = (kind: ProblemKind): string => `${PROBLEM_TYPE_BASE}${kind}`;
const validationError = Object.assign(new Error('body/name must NOT have fewer than 1 characters'), {
  validation: [{ instancePath: '/name', message: 'must NOT have fewer than 1 characters', params: {} }],
  validationContext: 'body',
});

// Every domain error the service raises, and the RFC 9457 problem it must become. The last rows
// check that unexpected errors reveal nothing (no stack trace, no message) beyond a generic 500.
describeErrorMapping(
  'the support desk error mapping',
  [
    { name: 'a schema validation failure', error: validationError, status: 400, type: type('validation-failed') },
    { error: problem('tenant-required', 'Send x-tenant-id.'), status: 400, type: type('tenant-required') },
    { error: problem('unknown-tenant', 'No tenant has this id.'), status: 404, type: type('unknown-tenant') },
    { error: problem('invalid-credentials', 'The API key is not valid.'), status: 401, type: type('invalid-credentials') },
    { error: problem('not-found', 'No order has this id.'), status: 404, type: type('not-found') },
    {
      error: problem('conflict', 'A lead with this email already exists.', { pointer: '/body/email' }),
      status: 409,
      type: type('conflict'),
    },
    {
      error: problem('unknown-reference', 'No user has this id.', { pointer: '/body/userId' }),
      status: 422,
      type: type('unknown-reference'),
    },
    { error: problem('invalid-transition', 'A won lead cannot move back.'), status: 409, type: type('invalid-transition') },
    { error: problem('upstream-unavailable', 'The model did not answer.'), status: 502, type: type('upstream-unavailable') },
    { error: problem('payment-declined', 'The card was declined.'), status: 402, type: type('payment-declined') },
    { error: problem('already-paid', 'The order is paid in full.'), status: 409, type: type('already-paid') },
    { error: problem('payment-rejected', 'The provider refused the amount.'), status: 422, type: type('payment-rejected') },
    {
      error: problem('idempotency-key-reused', 'The key was sent with another order.', { pointer: '/headers/idempotency-key' }),
      status: 422,
      type: type('idempotency-key-reused'),
    },
    { error: problem('database-unavailable', 'The connection was lost.'), status: 503, type: type('database-unavailable') },
    { error: problem('queue-unavailable', 'The event was not queued.'), status: 503, type: type('queue-unavailable') },
    { error: problem('insufficient-storage', 'The disk is full.'), status: 507, type: type('insufficient-storage') },
    {
      error: problem('rate-limited', 'Too many requests.', { plan: 'starter', limit: 10, retryAfterSeconds: 1 }),
      status: 429,
      type: type('rate-limited'),
    },
    {
      error: problem('quota-exceeded', 'No orders left today.', { plan: 'starter', limit: 100, retryAfterSeconds: 3600 }),
      status: 429,
      type: type('quota-exceeded'),
    },
    { error: problem('link-expired', 'The download link expired.'), status: 403, type: type('link-expired') },
    { error: problem('link-invalid', 'The download link is not valid.'), status: 403, type: type('link-invalid') },
    {
      name: 'an unexpected TypeError',
      error: new TypeError("Cannot read properties of undefined (reading 'id')"),
      status: 500,
      type: 'about:blank',
    },
  ],
  (error) => problemDetailsOf(error, '/orders'),
  { types: [...Object.keys(PROBLEM_KINDS).map((kind) => type(kind as ProblemKind)), 'about:blank'] },
);
