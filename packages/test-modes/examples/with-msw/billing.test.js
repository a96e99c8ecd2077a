import { afterAll, afterEach, beforeAll, expect, test } from '@jest/globals';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { networkGuard } from '@proving-ground/test-modes';

// msw answers what the suite registers; the guard blocks whatever msw lets through.
const server = setupServer(
  http.get('https://billing.example.com/v1/invoices/:id', ({ params }) => HttpResponse.json({ id: params.id, cents: 4200 })),
);
beforeAll(() => server.listen({ onUnhandledFrame: 'bypass' }));
afterAll(() => server.close());
afterEach(() => networkGuard().takeViolations()); // these tests expect blocks; don't fail them afterwards

test('msw answers a registered route', async () => {
  const invoice = await fetch('https://billing.example.com/v1/invoices/7').then((response) => response.json());

  expect(invoice).toEqual({ id: '7', cents: 4200 });
});

test('what msw lets through over HTTPS is blocked by host', async () => {
  const error = await fetch('https://billing.example.com/v2/refunds', { method: 'POST' }).catch((failure) => failure.cause);

  expect(error.code).toBe('TEST_MODES_NETWORK_BLOCKED');
  expect(error.message).toMatch(/^\[test-modes\] Blocked TLS connection to billing\.example\.com:443 in (mock|golden) mode: /);
});

test('what msw lets through over HTTP is blocked with its method and URL', async () => {
  const error = await fetch('http://billing.example.com/v2/refunds', { method: 'POST' }).catch((failure) => failure.cause);

  expect(error.message).toMatch(/^\[test-modes\] Blocked POST http:\/\/billing\.example\.com\/v2\/refunds in (mock|golden) mode: /);
});
