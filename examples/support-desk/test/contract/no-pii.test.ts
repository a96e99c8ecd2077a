import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { captureLogs, contractMatchers, findPii, type LogCapture } from '@proving-ground/contract-helpers';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { setupServer, type SetupServer } from 'msw/node';
import { TENANT_HEADER } from '../../src/tenancy.ts';
import { mockPaymentsProvider } from '../mock-payments.ts';
import { buildDesk, openDeskDatabase, type DeskDatabase, type RunningSupportDesk } from '../support-desk.ts';

expect.extend(contractMatchers);

/** Not loopback: in mock mode only the msw handlers answer it. */
const PAYMENTS_BASE_URL = 'https://payments.support-desk.test/v1';

/**
 * Where the API returns personal data on purpose (openapi.yaml: a user's and a lead's email, name
 * and phone, alone or in a listing). Anything found elsewhere in a response is a leak.
 */
const INTENDED_RESPONSE_PII = [
  '$.email',
  '$.name',
  '$.phone',
  '$.users[*].email',
  '$.users[*].name',
  '$.leads[*].email',
  '$.leads[*].name',
  '$.leads[*].phone',
];

interface Exchange {
  route: string;
  status: number;
  body: unknown;
}

/** Keep every response the app sends, parsed, for the checks below. */
function recordResponses(into: Exchange[]): (app: FastifyInstance) => void {
  return (app) => {
    app.addHook('onSend', async (request, reply, payload) => {
      let body: unknown = payload;
      if (typeof payload === 'string') {
        try {
          body = JSON.parse(payload) as unknown;
        } catch {
          body = payload;
        }
      }
      into.push({ route: `${request.method} ${request.url}`, status: reply.statusCode, body });
      return payload;
    });
  };
}

describe('support-desk personal data in logs and responses', () => {
  let msw: SetupServer;
  let db: DeskDatabase;
  let desk: RunningSupportDesk;
  let logs: LogCapture;
  const exchanges: Exchange[] = [];

  // Personal data the journeys send: none of it may reach a log line.
  const people = {
    ann: { email: 'ann.smith@acme-mugs.example', name: 'Ann Smith' },
    bob: { email: 'bob.jones@acme-mugs.example', name: 'Bob Jones' },
    lead: { email: 'carla.reyes@prospect.example', name: 'Carla Reyes', phone: '+351912345678', company: 'Reyes Lda', source: 'web' },
  };
  const cardNumber = '4242424242424242';

  beforeAll(async () => {
    msw = setupServer();
    msw.listen({ onUnhandledFrame: 'bypass' }); // what msw does not answer goes on to the test-modes guard
    msw.use(...mockPaymentsProvider(PAYMENTS_BASE_URL).handlers);
    db = await openDeskDatabase();
    logs = captureLogs({ console: true });
    desk = await buildDesk(db.database, {
      payments: { baseURL: PAYMENTS_BASE_URL, apiKey: 'pk_test_desk', retries: 1 },
      logger: { stream: logs.stream, level: 'info' },
      decorate: recordResponses(exchanges),
    });

    const tenant = await desk.createTenant('Acme Mugs');
    const as = (options: InjectOptions) =>
      desk.app.inject({ ...options, headers: { ...options.headers, [TENANT_HEADER]: tenant.id } } as InjectOptions);
    const ann = await desk.createUser(tenant.id, people.ann);
    await desk.createUser(tenant.id, people.bob);
    await as({ method: 'POST', url: '/users', payload: { ...people.ann, name: 'Ann Again' } }); // 409: the email is taken
    await as({ method: 'POST', url: '/users', payload: { email: 'not an address', name: 'Nobody' } }); // 400
    await as({ method: 'GET', url: `/users/${ann.id}` });
    await as({ method: 'GET', url: '/users' });

    const lead = (await as({ method: 'POST', url: '/leads', payload: people.lead })).json<{ id: string }>();
    await as({ method: 'POST', url: '/leads', payload: people.lead }); // 409: already a lead
    await as({ method: 'POST', url: '/leads', payload: { ...people.lead, email: 'dan@prospect.example', phone: '912 345 678' } }); // 400
    await as({ method: 'PATCH', url: `/leads/${lead.id}`, payload: { status: 'contacted' } });
    await as({ method: 'PATCH', url: `/leads/${lead.id}`, payload: { status: 'new' } }); // 409: cannot move back
    await as({ method: 'GET', url: `/leads/${lead.id}` });
    await as({ method: 'GET', url: '/leads' });

    const order = await desk.createOrder(tenant.id, {
      userId: ann.id,
      currency: 'EUR',
      lines: [{ sku: 'MUG-BLUE', quantity: 2, unitPriceCents: 1250 }],
    });
    const pay = (token: string) => as({ method: 'POST', url: `/orders/${order.id}/payments`, payload: { token } });
    await pay(cardNumber); // 400: a card number where a token belongs
    await pay('tok_decline_insufficient_funds'); // 402
    await pay('tok_unavailable'); // 502 after a retry: the error path, logged with its cause
    await pay('tok_invalid'); // 422
    await pay('tok_visa'); // 201
    await as({ method: 'GET', url: `/orders/${order.id}` });
    await as({ method: 'GET', url: `/orders/${order.id}/payments` });
  });

  afterAll(async () => {
    logs?.restore();
    msw?.close();
    await desk?.close();
    await db?.close();
  });

  it('should log the journeys at info level, errors included', () => {
    const completed = logs.entries.filter(
      (entry): entry is { res: { statusCode: number } } =>
        typeof entry === 'object' && entry !== null && 'res' in entry && typeof entry.res === 'object',
    );
    const statuses = new Set(completed.map((entry) => entry.res.statusCode));
    const errors = logs.entries.filter((entry) => (entry as { level?: number }).level === 50);

    expect([...statuses].sort()).toEqual([200, 201, 400, 402, 409, 422, 502]);
    expect(errors.length).toBeGreaterThanOrEqual(1);
  });

  it('should log no personal data: no email, name, phone, card number or key, anywhere', () => {
    const everything = logs.lines.join('\n');

    expect(logs.entries).not.toContainPii();
    for (const value of [
      people.ann.email,
      people.bob.email,
      people.lead.email,
      people.lead.phone,
      people.ann.name,
      cardNumber,
      'pk_test_desk',
    ])
      expect(everything).not.toContain(value);
  });

  function leaksIn(selected: Exchange[]): string[] {
    return selected.flatMap((exchange) =>
      findPii(exchange.body, { allow: { paths: INTENDED_RESPONSE_PII } }).map(
        (finding) => `${exchange.route} -> ${exchange.status}: ${finding.path} (${finding.category}, ${finding.masked})`,
      ),
    );
  }

  const isDuplicateUser = (exchange: Exchange): boolean => exchange.route === 'POST /users' && exchange.status === 409;

  it('should return personal data only in the fields the API returns it on purpose', () => {
    const leaks = leaksIn(exchanges);

    expect(exchanges).toHaveLength(22);
    expect(leaks).toEqual([]);
  });

  it('should not echo the email in the problem details of a duplicate user', () => {
    const duplicates = exchanges.filter(isDuplicateUser);

    expect(duplicates).toHaveLength(1);
    expect(leaksIn(duplicates)).toEqual([]);
  });

  it('should find the intended personal data when nothing is allowed (the response check is not vacuous)', () => {
    const created = exchanges.find((exchange) => exchange.route === 'POST /leads' && exchange.status === 201);

    const findings = findPii(created?.body).map((finding) => `${finding.path}:${finding.category}`);

    expect(findings).toEqual(expect.arrayContaining(['$.email:email', '$.phone:phone']));
  });
});
