import { describe, expect, it } from '@jest/globals';
import type { RecordedRequest, RecordedResponse } from './format.js';
import { estimateCost, readUsage } from './llm-usage.js';

const request: RecordedRequest = {
  method: 'POST',
  url: 'https://llm.test/v1/x',
  headers: {},
  body: { json: { model: 'claude-3-5-haiku-latest' } },
};
const sse = (events: unknown[]): RecordedResponse => ({
  status: 200,
  headers: { 'content-type': 'text/event-stream' },
  stream: {
    kind: 'sse',
    end: { kind: 'complete' },
    chunks: events.map((event, index) => ({ atMs: index, text: `data: ${JSON.stringify(event)}\n\n` })),
  },
});

describe('readUsage', () => {
  it('should count Anthropic cache reads and cache writes as input tokens, and say how many were cache reads', () => {
    // Arrange
    const response: RecordedResponse = {
      status: 200,
      headers: {},
      body: {
        json: {
          model: 'claude-3-5-haiku-20241022',
          usage: { input_tokens: 100, cache_read_input_tokens: 1000, cache_creation_input_tokens: 200, output_tokens: 50 },
        },
      },
    };

    // Act
    const usage = readUsage(request, response);

    // Assert
    expect(usage).toEqual({ model: 'claude-3-5-haiku-20241022', inputTokens: 1300, cachedInputTokens: 1000, outputTokens: 50 });
  });

  it('should read cache tokens from the message_start event of an Anthropic stream', () => {
    const response = sse([
      {
        type: 'message_start',
        message: { model: 'claude-3-5-haiku-20241022', usage: { input_tokens: 10, cache_read_input_tokens: 500, output_tokens: 1 } },
      },
      { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 40 } },
    ]);

    expect(readUsage(request, response)).toEqual({
      model: 'claude-3-5-haiku-20241022',
      inputTokens: 510,
      cachedInputTokens: 500,
      outputTokens: 40,
    });
  });

  it('should read usage under response in the response.completed event of an OpenAI Responses API stream', () => {
    const response = sse([
      { type: 'response.created', response: { model: 'gpt-4o-mini-2024-07-18', usage: null } },
      { type: 'response.output_text.delta', delta: 'Hi' },
      {
        type: 'response.completed',
        response: {
          model: 'gpt-4o-mini-2024-07-18',
          usage: { input_tokens: 900, input_tokens_details: { cached_tokens: 600 }, output_tokens: 70 },
        },
      },
    ]);

    expect(readUsage(request, response)).toEqual({
      model: 'gpt-4o-mini-2024-07-18',
      inputTokens: 900,
      cachedInputTokens: 600,
      outputTokens: 70,
    });
  });
});

describe('estimateCost', () => {
  it('should price cached input tokens as input tokens unless the model has a cachedInput price', () => {
    // Arrange
    const usage = { model: 'house-llm', inputTokens: 1_000_000, cachedInputTokens: 800_000, outputTokens: 0 };

    // Act
    const atInputPrice = estimateCost([{ usage }], { 'house-llm': { input: 1, output: 2 } });
    const withCachedPrice = estimateCost([{ usage }], { 'house-llm': { input: 1, output: 2, cachedInput: 0.1 } });

    // Assert
    expect(atInputPrice.usd).toBeCloseTo(1, 12);
    expect(withCachedPrice.usd).toBeCloseTo(0.2 + 0.08, 12);
  });
});
