import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { FALLBACK_ANSWER, findFaqEntry } from './faq-knowledge.ts';
import { LLM_UPSTREAM_MODEL, startLlmUpstream, type LlmUpstream } from './llm-upstream.ts';

describe('startLlmUpstream', () => {
  let upstream: LlmUpstream;
  let client: OpenAI;
  const shipping = findFaqEntry('shipping')!;

  beforeAll(async () => {
    upstream = await startLlmUpstream({ now: () => 1_767_225_600_000 });
    client = new OpenAI({ baseURL: upstream.baseURL, apiKey: 'local', maxRetries: 0 });
  });

  afterAll(async () => {
    await upstream?.close();
  });

  it('should listen on 127.0.0.1', () => {
    expect(upstream.baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  });

  it('should stream the knowledge base answer word by word through the OpenAI SDK, with usage and a finish reason', async () => {
    const stream = await client.chat.completions.create({
      model: LLM_UPSTREAM_MODEL,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'How long does shipping take?' },
      ],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(shipping.answer);
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length).toBe(shipping.answer.split(' ').length);
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason).filter(Boolean)).toEqual(['stop']);
    expect(chunks.at(-1)).toMatchObject({
      object: 'chat.completion.chunk',
      created: 1_767_225_600,
      model: LLM_UPSTREAM_MODEL,
      choices: [],
      usage: {
        prompt_tokens: 7,
        completion_tokens: shipping.answer.split(' ').length,
        total_tokens: 7 + shipping.answer.split(' ').length,
      },
    });
  });

  it('should send each chunk as it is made, not the whole answer at the end', async () => {
    // Arrange: 50 ms between chunks, so the whole shipping answer takes about a second to write.
    const slow = await startLlmUpstream({ chunkDelayMs: 50 });
    const slowClient = new OpenAI({ baseURL: slow.baseURL, apiKey: 'local', maxRetries: 0 });
    try {
      const stream = await slowClient.chat.completions.create({
        model: LLM_UPSTREAM_MODEL,
        messages: [{ role: 'user', content: 'How long does shipping take?' }],
        stream: true,
      });

      // Act
      const chunks = stream[Symbol.asyncIterator]();
      await chunks.next(); // the role chunk
      const first = (await chunks.next()).value as ChatCompletionChunk;
      const writtenWhenFirstDeltaArrived = slow.streams[0]!.writtenChunks;
      stream.controller.abort();

      // Assert
      expect(first.choices[0]?.delta.content).toBe('Standard ');
      expect(writtenWhenFirstDeltaArrived).toBeLessThan(slow.streams[0]!.plannedChunks / 2);
    } finally {
      await slow.close();
    }
  });

  it('should send a usage chunk only when the request asks for one', async () => {
    const stream = await client.chat.completions.create({
      model: LLM_UPSTREAM_MODEL,
      messages: [{ role: 'user', content: 'How long does shipping take?' }],
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks.at(-1)!.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.filter((chunk) => chunk.usage)).toEqual([]);
  });

  it('should end a raw stream with data: [DONE]', async () => {
    const response = await fetch(`${upstream.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer local', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'cancel?' }] }),
    });
    const body = await response.text();

    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(body.startsWith('data: {')).toBe(true);
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('should answer without streaming, the same way every time', async () => {
    const ask = () =>
      client.chat.completions.create({ model: 'any-model', messages: [{ role: 'user', content: 'What is the meaning of life?' }] });

    const first = await ask();
    const second = await ask();

    expect(first).toMatchObject({
      object: 'chat.completion',
      model: 'any-model',
      choices: [{ index: 0, message: { role: 'assistant', content: FALLBACK_ANSWER }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 6, completion_tokens: FALLBACK_ANSWER.split(' ').length },
    });
    expect(second).toEqual(first);
  });

  it('should refuse a request without a bearer token, the way OpenAI does', async () => {
    const response = await fetch(`${upstream.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
    });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: { message: 'A bearer token is required (any value).', type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
    });
  });

  it('should reject a request without messages through the SDK as a 400', async () => {
    const failure = client.chat.completions.create({ model: 'm', messages: [] });

    await expect(failure).rejects.toMatchObject({ status: 400, code: 'invalid_messages' });
  });

  it('should list its model', async () => {
    const models = await client.models.list();

    expect(models.data.map((model) => model.id)).toEqual([LLM_UPSTREAM_MODEL]);
  });

  it('should record the requests it receives', () => {
    expect(upstream.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /v1/chat/completions',
      'POST /v1/chat/completions',
      'POST /v1/chat/completions',
      'POST /v1/chat/completions',
      'POST /v1/chat/completions',
      'POST /v1/chat/completions',
      'POST /v1/chat/completions',
      'GET /v1/models',
    ]);
  });
});
