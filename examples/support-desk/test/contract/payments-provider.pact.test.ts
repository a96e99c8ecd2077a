import { describe, expect, it } from '@jest/globals';
import { checkPactAgainstSpec, loadApiSpec } from '@proving-ground/contract-helpers';
import { consumerPact } from '@proving-ground/contract-helpers/pact';
import { MatchersV3 } from '@pact-foundation/pact';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { PaymentsProvider, PaymentsProviderError, type Charge } from '../../src/payments-provider.ts';

const { like, regex, uuid, integer, datetime, nullValue } = MatchersV3;

const SPEC_FILE = fileURLToPath(new URL('payments-provider.openapi.yaml', import.meta.url));
/** The provider's OpenAPI document, loaded once: a broken document fails here, before any test. */
const providerApi = loadApiSpec(SPEC_FILE);

/** Written to examples/support-desk/pacts/support-desk-payments-provider.json (committed, so the provider can verify it). */
const pact = consumerPact({
  consumer: 'support-desk',
  provider: 'payments-provider',
  dir: fileURLToPath(new URL('../../pacts', import.meta.url)),
});

const API_KEY = 'pk_test_desk';
const ORDER_ID = '6f1c1f0e-4b1a-4c52-9b51-0e6e4c3b2a10';
const IDEMPOTENCY_KEY = '0b7d5a52-1c7e-4f0a-8a43-9d3f1e2c4b55';
const CREATED = '2026-11-21T09:30:00.000Z';

/** What every request of the client carries: JSON, our key as bearer token. */
const authorized = { accept: 'application/json', authorization: regex(/^Bearer \S+$/, `Bearer ${API_KEY}`) };

// jsonBody() adds the JSON content type to requests and responses: naming it again would repeat the header in the pact.
const chargeRequestHeaders = { ...authorized, 'idempotency-key': uuid(IDEMPOTENCY_KEY) };

function chargeBody(source: string) {
  return { amount: integer(2500), currency: regex(/^[A-Z]{3}$/, 'EUR'), source, reference: uuid(ORDER_ID) };
}

/** A charge as the provider answers it, with matchers where the provider picks the values. */
function chargeResponse(status: 'succeeded' | 'declined', declineCode: string | null) {
  return {
    id: regex(/^ch_[A-Za-z0-9]+$/, 'ch_3Pq8mZ1xYtR4'),
    status,
    amount: integer(2500),
    currency: regex(/^[A-Z]{3}$/, 'EUR'),
    reference: uuid(ORDER_ID),
    declineCode: declineCode === null ? nullValue() : declineCode,
    created: datetime("yyyy-MM-dd'T'HH:mm:ss.SSSX", CREATED),
  };
}

function errorBody(code: string) {
  return { error: { code, message: like('What went wrong, in words.') } };
}

/** The client under test, pointed at the mock server, counting the requests it sends. */
function clientFor(url: string): { client: PaymentsProvider; attempts: () => number } {
  let sent = 0;
  const client = new PaymentsProvider({
    baseURL: `${url}/v1`,
    apiKey: API_KEY,
    retries: 1,
    timeoutMs: 5_000,
    fetch: (input, init) => {
      sent += 1;
      return fetch(input, init);
    },
  });
  return { client, attempts: () => sent };
}

const charge = (client: PaymentsProvider, token: string): Promise<Charge> =>
  client.createCharge({ amountCents: 2500, currency: 'EUR', token, reference: ORDER_ID, idempotencyKey: IDEMPOTENCY_KEY });

describe('payments-provider client (Pact consumer)', () => {
  it('should read a succeeded charge', async () => {
    // Arrange
    const interaction = pact
      .addInteraction()
      .given('the card token is valid')
      .uponReceiving('a charge of a valid card token')
      .withRequest('POST', '/v1/charges', (request) => request.headers(chargeRequestHeaders).jsonBody(chargeBody('tok_visa')))
      .willRespondWith(201, (response) => response.jsonBody(chargeResponse('succeeded', null)));

    // Act
    const result = await interaction.executeTest(async (server) => charge(clientFor(server.url).client, 'tok_visa'));

    // Assert
    expect(result).toEqual({
      id: 'ch_3Pq8mZ1xYtR4',
      status: 'succeeded',
      amount: 2500,
      currency: 'EUR',
      reference: ORDER_ID,
      declineCode: null,
      created: CREATED,
    });
  });

  it('should read a declined charge with its decline code, not as an error', async () => {
    // Arrange
    const interaction = pact
      .addInteraction()
      .given('the card is declined for insufficient funds')
      .uponReceiving('a charge of a card the issuer declines')
      .withRequest('POST', '/v1/charges', (request) =>
        request.headers(chargeRequestHeaders).jsonBody(chargeBody('tok_decline_insufficient_funds')),
      )
      .willRespondWith(201, (response) => response.jsonBody(chargeResponse('declined', 'insufficient_funds')));

    // Act
    const result = await interaction.executeTest(async (server) => charge(clientFor(server.url).client, 'tok_decline_insufficient_funds'));

    // Assert
    expect(result).toMatchObject({ status: 'declined', declineCode: 'insufficient_funds', amount: 2500 });
  });

  it('should retry a 5xx once with the same idempotency key, then report the provider unavailable', async () => {
    // Arrange
    const interaction = pact
      .addInteraction()
      .given('the provider is failing')
      .uponReceiving('a charge while the provider fails')
      .withRequest('POST', '/v1/charges', (request) => request.headers(chargeRequestHeaders).jsonBody(chargeBody('tok_visa')))
      .willRespondWith(503, (response) => response.jsonBody(errorBody('service_unavailable')));

    // Act
    const outcome = await interaction.executeTest(async (server) => {
      const { client, attempts } = clientFor(server.url);
      const error = await charge(client, 'tok_visa').catch((caught: unknown) => caught);
      return { error, attempts: attempts() };
    });

    // Assert
    expect(outcome.attempts).toBe(2);
    expect(outcome.error).toBeInstanceOf(PaymentsProviderError);
    expect(outcome.error).toMatchObject({ failure: 'unavailable', status: 503, providerCode: 'service_unavailable' });
  });

  it('should reject a token the provider refuses (4xx) without retrying', async () => {
    // Arrange
    const interaction = pact
      .addInteraction()
      .given('the card token is unknown')
      .uponReceiving('a charge with a token the provider does not know')
      .withRequest('POST', '/v1/charges', (request) => request.headers(chargeRequestHeaders).jsonBody(chargeBody('tok_invalid')))
      .willRespondWith(400, (response) => response.jsonBody(errorBody('invalid_source')));

    // Act
    const outcome = await interaction.executeTest(async (server) => {
      const { client, attempts } = clientFor(server.url);
      const error = await charge(client, 'tok_invalid').catch((caught: unknown) => caught);
      return { error, attempts: attempts() };
    });

    // Assert
    expect(outcome.attempts).toBe(1);
    expect(outcome.error).toMatchObject({
      name: 'PaymentsProviderError',
      failure: 'rejected',
      status: 400,
      providerCode: 'invalid_source',
    });
  });

  it('should read a charge back by id', async () => {
    // Arrange
    const interaction = pact
      .addInteraction()
      .given('a succeeded charge exists', { id: 'ch_3Pq8mZ1xYtR4' })
      .uponReceiving('a request for a charge')
      .withRequest('GET', '/v1/charges/ch_3Pq8mZ1xYtR4', (request) => request.headers(authorized))
      .willRespondWith(200, (response) => response.jsonBody(chargeResponse('succeeded', null)));

    // Act
    const result = await interaction.executeTest(async (server) => clientFor(server.url).client.getCharge('ch_3Pq8mZ1xYtR4'));

    // Assert
    expect(result).toMatchObject({ id: 'ch_3Pq8mZ1xYtR4', status: 'succeeded', created: CREATED });
  });

  it('should report an unknown charge as rejected with status 404', async () => {
    // Arrange
    const interaction = pact
      .addInteraction()
      .given('no charge has the id ch_missing0')
      .uponReceiving('a request for a charge that does not exist')
      .withRequest('GET', '/v1/charges/ch_missing0', (request) => request.headers(authorized))
      .willRespondWith(404, (response) => response.jsonBody(errorBody('not_found')));

    // Act
    const error = await interaction.executeTest(async (server) =>
      clientFor(server.url)
        .client.getCharge('ch_missing0')
        .catch((caught: unknown) => caught),
    );

    // Assert
    expect(error).toMatchObject({ failure: 'rejected', status: 404, providerCode: 'not_found' });
  });

  // Runs last (Jest runs a file's tests in order): it writes the pact of the interactions above.
  it("should write a pact that the provider's OpenAPI document accepts, offline", () => {
    // Act
    const written = pact.write();
    const report = checkPactAgainstSpec(pact.file, providerApi);

    // Assert
    expect(written).toBe(6);
    expect(report.interactions).toBe(6);
    expect(report.problems).toEqual([]);
  });

  it('should catch a pact that the provider document does not back (the check is not vacuous)', () => {
    // Arrange: the same document without `declineCode`, which the three charges in the pact carry.
    const document = YAML.parse(readFileSync(SPEC_FILE, 'utf8')) as {
      components: { schemas: { Charge: { properties: Record<string, unknown>; required: string[] } } };
    };
    delete document.components.schemas.Charge.properties['declineCode'];
    document.components.schemas.Charge.required = document.components.schemas.Charge.required.filter((name) => name !== 'declineCode');

    // Act
    const report = checkPactAgainstSpec(pact.file, loadApiSpec(document));

    // Assert
    expect(report.problems.map((problem) => problem.interaction).sort()).toEqual([
      'a charge of a card the issuer declines',
      'a charge of a valid card token',
      'a request for a charge',
    ]);
    expect(report.problems.every((problem) => problem.side === 'response' && problem.message.includes('declineCode'))).toBe(true);
  });
});
