import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { LookupFunction } from 'node:net';
import { currentMode, isTestModesError, live, networkGuard } from '@proving-ground/test-modes';
import { http, HttpResponse } from 'msw';
import { Agent, fetch as undiciFetch } from 'undici';
import { chatCompletionChunk } from '../../src/chat-chunks.ts';
import { FaqAssistant } from '../../src/faq.ts';
import { answerFaq, findFaqEntry } from '../../src/faq-knowledge.ts';
import { startLlmUpstream, type LlmUpstream } from '../../src/llm-upstream.ts';
import { Problem, PROBLEM_CONTENT_TYPE } from '../../src/problems.ts';
import { formatServerSentEvent } from '../../src/sse.ts';
import { TENANT_HEADER, type Tenant } from '../../src/tenancy.ts';
import { setupServer, type SetupServer } from 'msw/node';
import { MOCK_USAGE, streamingChatCompletion } from '../mock-llm.ts';
import { parseServerSentEvents, readServerSentEvents, type ServerSentEvent } from '../sse-events.ts';
import { startSupportDesk, type RunningSupportDesk } from '../support-desk.ts';

/** Not loopback: in mock mode only an msw handler may answer it. */
const MOCK_LLM_BASE_URL = 'https://llm.support-desk.test/v1';

async function askOverHttp(origin: string, tenantId: string, question: string): Promise<Response> {
  return fetch(`${origin}/faq`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', [TENANT_HEADER]: tenantId },
    body: JSON.stringify({ question }),
  });
}

function within<T>(promise: Promise<T>, ms: number, failure: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(failure)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolve once `condition` holds, checking every few milliseconds; reject after `ms`. */
async function until(condition: () => boolean, ms: number, failure: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(failure);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function causesOf(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (
    let current = error;
    current !== undefined && current !== null && chain.length < 10;
    current = (current as { cause?: unknown }).cause
  ) {
    chain.push(current);
  }
  return chain;
}

describe('FAQ in mock mode', () => {
  // What no handler answers goes on to the test-modes network guard, which blocks it.
  let msw: SetupServer;

  beforeAll(() => {
    msw = setupServer();
    msw.listen({ onUnhandledFrame: 'bypass' }); // what msw does not answer goes on to the test-modes guard
  });

  afterEach(() => msw.resetHandlers());

  afterAll(() => msw?.close());

  describe('with msw handlers answering the LLM', () => {
    let desk: RunningSupportDesk;
    let origin: string;
    let tenant: Tenant;
    const received: unknown[] = [];

    beforeAll(async () => {
      desk = await startSupportDesk({ llm: { baseURL: MOCK_LLM_BASE_URL, apiKey: 'test-key', model: 'mock-model', maxRetries: 0 } });
      tenant = await desk.createTenant('Acme Mugs');
      origin = await desk.app.listen({ host: '127.0.0.1', port: 0 });
    });

    afterEach(() => {
      received.length = 0;
    });

    afterAll(async () => {
      await desk?.close();
    });

    it('should stream the answer to the client while the LLM is still streaming it', async () => {
      // Arrange: the LLM holds back everything after its first piece until the client has seen it.
      let firstDeltaSeen!: () => void;
      const clientSawFirstDelta = new Promise<void>((resolve) => {
        firstDeltaSeen = resolve;
      });
      msw.use(
        streamingChatCompletion(
          MOCK_LLM_BASE_URL,
          {
            pieces: ['Refunds ', 'take ', '5 business days.'],
            model: 'mock-model-2026',
            afterFirstPiece: within(clientSawFirstDelta, 5_000, 'The client did not get the first delta while the LLM was streaming.'),
          },
          received,
        ),
      );

      // Act
      const response = await askOverHttp(origin, tenant.id, 'How do refunds work?');
      const events: ServerSentEvent[] = [];
      for await (const event of readServerSentEvents(response.body!)) {
        events.push(event);
        if (event.event === 'delta') firstDeltaSeen();
      }

      // Assert
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(events.map((event) => [event.event, JSON.parse(event.data) as unknown])).toEqual([
        ['delta', { text: 'Refunds ' }],
        ['delta', { text: 'take ' }],
        ['delta', { text: '5 business days.' }],
        [
          'done',
          {
            answer: 'Refunds take 5 business days.',
            model: 'mock-model-2026',
            usage: {
              promptTokens: MOCK_USAGE.prompt_tokens,
              completionTokens: MOCK_USAGE.completion_tokens,
              totalTokens: MOCK_USAGE.total_tokens,
            },
          },
        ],
      ]);
      expect(received).toEqual([
        expect.objectContaining({
          model: 'mock-model',
          stream: true,
          messages: [
            { role: 'system', content: expect.stringContaining('You are the support desk of Acme Mugs.') },
            { role: 'user', content: 'How do refunds work?' },
          ],
        }),
      ]);
    });

    it('should answer with the joined text when the client accepts JSON', async () => {
      msw.use(
        streamingChatCompletion(MOCK_LLM_BASE_URL, { pieces: ['Standard ', 'shipping ', 'takes 3 to 5 days.'], delayMs: 5 }, received),
      );

      const response = await desk.http({
        method: 'POST',
        url: '/faq',
        headers: { accept: 'application/json', [TENANT_HEADER]: tenant.id },
        payload: { question: 'How long does shipping take?' },
      });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        answer: 'Standard shipping takes 3 to 5 days.',
        model: 'mock-model',
        usage: { promptTokens: 42, completionTokens: 7, totalTokens: 49 },
      });
      expect(received).toHaveLength(1);
    });

    it("should answer 502 problem+json, without the upstream's message, when the LLM refuses", async () => {
      msw.use(
        http.post(`${MOCK_LLM_BASE_URL}/chat/completions`, () =>
          HttpResponse.json(
            { error: { message: 'internal shard db-7 overloaded', type: 'server_error', param: null, code: null } },
            { status: 503 },
          ),
        ),
      );

      const response = await desk.http({
        method: 'POST',
        url: '/faq',
        headers: { [TENANT_HEADER]: tenant.id },
        payload: { question: 'Refund?' },
      });

      expect(response.statusCode).toBe(502);
      expect(response.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
      expect(response.json()).toEqual({
        type: 'https://support-desk.example/problems/upstream-unavailable',
        title: 'The answering service is unavailable',
        status: 502,
        detail: 'The FAQ assistant could not get an answer from its language model (upstream status 503). Try again later.',
        instance: '/faq',
      });
    });

    it('should end the event stream with an error event when the LLM stream breaks off', async () => {
      msw.use(
        http.post(`${MOCK_LLM_BASE_URL}/chat/completions`, () => {
          const encoder = new TextEncoder();
          const body = new ReadableStream<Uint8Array>({
            start(controller) {
              const piece = chatCompletionChunk({ id: 'c', created: 1, model: 'mock-model' }, { content: 'Refunds ' }, null);
              controller.enqueue(encoder.encode(formatServerSentEvent(piece)));
              setTimeout(() => controller.error(new Error('connection reset by the LLM')), 10);
            },
          });
          return new HttpResponse(body, { headers: { 'content-type': 'text/event-stream' } });
        }),
      );

      const response = await desk.http({
        method: 'POST',
        url: '/faq',
        headers: { [TENANT_HEADER]: tenant.id },
        payload: { question: 'Refund?' },
      });
      const events = parseServerSentEvents(response.body);

      expect(response.statusCode).toBe(200);
      expect(events.map((event) => event.event)).toEqual(['delta', 'error']);
      expect(JSON.parse(events[1]!.data)).toMatchObject({
        type: 'https://support-desk.example/problems/upstream-unavailable',
        status: 502,
        instance: '/faq',
      });
    });

    it.each([
      { name: 'no tenant header', headers: {}, status: 400, type: 'tenant-required' },
      {
        name: 'a tenant that does not exist',
        headers: { [TENANT_HEADER]: '00000000-0000-4000-8000-000000000000' },
        status: 404,
        type: 'unknown-tenant',
      },
    ])('should answer $name with a $status problem before asking the LLM', async ({ headers, status, type }) => {
      msw.use(streamingChatCompletion(MOCK_LLM_BASE_URL, { pieces: ['Refunds ', 'take ', '5 business days.'] }, received));

      const response = await desk.http({ method: 'POST', url: '/faq', headers, payload: { question: 'Refund?' } });

      expect(response.statusCode).toBe(status);
      expect(response.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
      expect(response.json()).toMatchObject({ type: `https://support-desk.example/problems/${type}`, status });
      expect(received).toEqual([]);
    });
  });

  describe('with msw answering nothing', () => {
    const UNANSWERED_HOST = 'unanswered.support-desk.test';
    let witness: LlmUpstream;
    let agent: Agent;
    let assistant: FaqAssistant;

    beforeAll(async () => {
      // If the guard ever let the request out, every name resolves to 127.0.0.1, where the witness
      // listens on the URL's port: the request would land there, never on a real host.
      witness = await startLlmUpstream();
      const port = new URL(witness.baseURL).port;
      const toLoopback: LookupFunction = (_hostname, options, callback) => {
        if (options.all === true)
          (callback as unknown as (error: null, addresses: { address: string; family: number }[]) => void)(null, [
            { address: '127.0.0.1', family: 4 },
          ]);
        else callback(null, '127.0.0.1', 4);
      };
      agent = new Agent({ connect: { lookup: toLoopback } });
      assistant = new FaqAssistant({
        baseURL: `http://${UNANSWERED_HOST}:${port}/v1`,
        apiKey: 'test-key',
        maxRetries: 0,
        // The SDK always passes a URL string; a Request is reduced to its URL to satisfy undici's types.
        fetch: (input, init) =>
          undiciFetch(input instanceof Request ? input.url : input, {
            ...(init as Parameters<typeof undiciFetch>[1]),
            dispatcher: agent,
          }),
      });
    });

    afterAll(async () => {
      await agent?.close();
      await witness?.close();
    });

    it('should fail a request that no msw handler answers with the [test-modes] Blocked error, before it leaves the process', async () => {
      const target = `http://${UNANSWERED_HOST}:${new URL(witness.baseURL).port}/v1/chat/completions`;

      const outcome = await assistant.ask('How long does shipping take?', { tenantName: 'Acme Mugs' }).then(
        () => undefined,
        (error: unknown) => error,
      );
      const blocked = networkGuard().takeViolations();

      // The guard's error comes from outside Jest's sandbox, so undici (loaded inside it) does not
      // take it for an Error and wraps it in one: match the message, not the class.
      const messages = causesOf(outcome).map((error) => String((error as Error).message));
      expect(outcome).toBeInstanceOf(Problem);
      expect((outcome as Problem).kind).toBe('upstream-unavailable');
      expect(messages).toContainEqual(expect.stringContaining(`[test-modes] Blocked POST ${target} in ${currentMode()} mode`));
      expect(blocked).toHaveLength(1);
      expect(isTestModesError(blocked[0]!.error)).toBe(true);
      expect(blocked[0]).toMatchObject({ method: 'POST', target, error: { code: 'TEST_MODES_NETWORK_BLOCKED' } });
      expect(witness.requests).toEqual([]);
    });

    it('should let the same request reach the witness once the host is allowed, so the witness would have seen a leak', async () => {
      const allowed = networkGuard().allowHost(UNANSWERED_HOST);
      try {
        const answer = await assistant.ask('How long does shipping take?', { tenantName: 'Acme Mugs' });
        let text = '';
        for await (const delta of answer) text += delta;

        expect(text).toBe(findFaqEntry('shipping')!.answer);
        expect(witness.requests).toHaveLength(1);
      } finally {
        allowed();
      }
    });
  });
});

describe('FAQ when the client goes away', () => {
  // A slow local model: it thinks before answering, then sends a chunk every 50 ms (about a second
  // for the whole shipping answer). Whatever the client does, only 127.0.0.1 is ever dialled.
  const question = 'How long does shipping take?';
  let upstream: LlmUpstream;
  let desk: RunningSupportDesk;
  let origin: string;
  let tenant: Tenant;

  beforeAll(async () => {
    upstream = await startLlmUpstream({ firstChunkDelayMs: 200, chunkDelayMs: 50 });
    desk = await startSupportDesk({ llm: { baseURL: upstream.baseURL, apiKey: 'local', model: 'support-desk-faq-1', maxRetries: 0 } });
    tenant = await desk.createTenant('Leaving Early Ltd');
    origin = await desk.app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await desk?.close();
    await upstream?.close();
  });

  function ask(accept: string, signal: AbortSignal): Promise<Response> {
    return fetch(`${origin}/faq`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept, [TENANT_HEADER]: tenant.id },
      body: JSON.stringify({ question }),
      signal,
    });
  }

  it('should abort the upstream request when the client leaves while the model is still thinking', async () => {
    // Arrange
    const client = new AbortController();
    const before = upstream.streams.length;
    const response = ask('text/event-stream', client.signal).catch((error: unknown) => error);
    await until(() => upstream.streams.length > before, 5_000, 'The upstream never received the question.');
    const stream = upstream.streams[before]!;

    // Act
    client.abort();

    // Assert
    expect(await response).toMatchObject({ name: 'AbortError' });
    expect(await within(stream.ended, 5_000, 'The upstream stream was never closed.')).toBe('client-closed');
    expect(stream.writtenChunks).toBe(0);
  });

  it('should abort the upstream stream when the client leaves after the first delta', async () => {
    // Arrange
    const client = new AbortController();
    const before = upstream.streams.length;
    const response = await ask('text/event-stream', client.signal);
    const events = readServerSentEvents(response.body!);
    const first = await events.next();
    const stream = upstream.streams[before]!;

    // Act
    client.abort();

    // Assert
    expect(first.value).toMatchObject({ event: 'delta' });
    expect(await within(stream.ended, 5_000, 'The upstream stream was never closed.')).toBe('client-closed');
    expect(stream.writtenChunks).toBeLessThan(stream.plannedChunks / 2);
  });

  it('should abort the upstream stream when a JSON client leaves before the answer is whole', async () => {
    // Arrange
    const client = new AbortController();
    const before = upstream.streams.length;
    const response = ask('application/json', client.signal).catch((error: unknown) => error);
    await until(() => (upstream.streams[before]?.writtenChunks ?? 0) >= 2, 5_000, 'The upstream never started streaming.');
    const stream = upstream.streams[before]!;

    // Act
    client.abort();

    // Assert
    expect(await response).toMatchObject({ name: 'AbortError' });
    expect(await within(stream.ended, 5_000, 'The upstream stream was never closed.')).toBe('client-closed');
    expect(stream.writtenChunks).toBeLessThan(stream.plannedChunks / 2);
  });
});

live.describe('FAQ against the local OpenAI-compatible upstream', () => {
  let upstream: LlmUpstream;
  let desk: RunningSupportDesk;
  let origin: string;

  beforeAll(async () => {
    upstream = await startLlmUpstream({ chunkDelayMs: 2 });
    desk = await startSupportDesk({ llm: { baseURL: upstream.baseURL, apiKey: 'live-smoke-key', model: 'support-desk-faq-1' } });
    origin = await desk.app.listen({ host: '127.0.0.1', port: 0 });
  });

  afterAll(async () => {
    await desk?.close();
    await upstream?.close();
  });

  it('should stream the knowledge base answer through the real SDK streaming path', async () => {
    const tenant = await desk.createTenant('Live Smoke Ltd');
    const question = 'When will my parcel arrive?';

    const response = await askOverHttp(origin, tenant.id, question);
    const events: ServerSentEvent[] = [];
    for await (const event of readServerSentEvents(response.body!)) events.push(event);

    const deltas = events.filter((event) => event.event === 'delta').map((event) => (JSON.parse(event.data) as { text: string }).text);
    const done = JSON.parse(events.at(-1)!.data) as { answer: string; model: string; usage: { completionTokens: number } };
    expect(response.status).toBe(200);
    expect(events.at(-1)!.event).toBe('done');
    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.join('')).toBe(answerFaq(question));
    expect(done).toMatchObject({ answer: answerFaq(question), model: 'support-desk-faq-1' });
    expect(done.usage.completionTokens).toBe(answerFaq(question).split(' ').length);
    expect(upstream.requests).toEqual([
      expect.objectContaining({ method: 'POST', path: '/v1/chat/completions', body: expect.objectContaining({ stream: true }) }),
    ]);
  });
});
