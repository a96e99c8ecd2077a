import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { networkGuard } from '@proving-ground/test-modes';

// A request handler on the guard answers before the guard judges a request: cassettes replay this way.
let removeHandler;
beforeAll(() => {
  removeHandler = networkGuard().addRequestHandler(({ request, controller }) => {
    if (request.url === 'https://rates.example.com/eur') controller.respondWith(Response.json({ usd: 1.08 }));
  });
});
afterAll(() => removeHandler());

test('a guard request handler answers a request', async () => {
  const rates = await fetch('https://rates.example.com/eur').then((response) => response.json());

  expect(rates).toEqual({ usd: 1.08 });
});

test('a request no handler answers is blocked with its method, URL and mode', async () => {
  const error = await fetch('https://rates.example.com/gbp').catch((failure) => failure.cause);

  expect(error.message).toMatch(/^\[test-modes\] Blocked GET https:\/\/rates\.example\.com\/gbp in (mock|golden) mode: /);
  expect(networkGuard().takeViolations()).toHaveLength(1);
});
