import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import OpenAI from 'openai';
import {
  cassetteMatchers,
  currentCassette,
  estimateCost,
  readCassette,
  withCassette,
  type CassetteInfo,
  type CassetteMatchers,
  type CassetteOptions,
} from '../src/index.js';
import { sleep, startScriptedServer, type ScriptedServer } from './fixtures/scripted-server.js';

declare module 'expect' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- adds the cassette matchers to expect()
  interface Matchers<R> extends CassetteMatchers<R> {}
}

expect.extend(cassetteMatchers);

const tmpRoot = resolve(import.meta.dirname, '..', '.tmp');
mkdirSync(tmpRoot, { recursive: true });
const dir = mkdtempSync(join(tmpRoot, 'llm-usage-'));
const cassette = (name: string): string => join(dir, `${name}.json`);

const OPENAI_MODEL = 'gpt-4o-mini-2024-07-18';
const ANTHROPIC_MODEL = 'claude-3-5-haiku-20241022';
const UNPRICED_MODEL = 'house-llm-7b';
const ALIAS = 'http://llm.usage.test';

const sse = (event: string | undefined, data: unknown): string =>
  `${event === undefined ? '' : `event: ${event}\n`}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

/** An OpenAI-compatible chat completions endpoint and an Anthropic-compatible messages endpoint. */
async function startLlmServer(): Promise<ScriptedServer> {
  return startScriptedServer(async ({ request, body, response }) => {
    const parsed = JSON.parse(body.toString('utf8')) as {
      model: string;
      stream?: boolean;
      stream_options?: { include_usage?: boolean };
      messages: { content: string }[];
    };
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path === '/v1/chat/completions') {
      const model = parsed.model === UNPRICED_MODEL ? UNPRICED_MODEL : OPENAI_MODEL;
      if (parsed.stream !== true) {
        response.setHeader('content-type', 'application/json');
        response.end(
          JSON.stringify({
            id: 'chatcmpl-usage',
            object: 'chat.completion',
            created: 1_700_000_000,
            model,
            choices: [{ index: 0, message: { role: 'assistant', content: 'Refunds take 5 days.' }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500 },
          }),
        );
        return;
      }
      const includeUsage = parsed.stream_options?.include_usage === true;
      const chunk = (delta: object, finish: string | null): object => ({
        id: 'chatcmpl-usage',
        object: 'chat.completion.chunk',
        created: 1_700_000_000,
        model,
        choices: [{ index: 0, delta, finish_reason: finish }],
        // With include_usage, OpenAI sends usage: null on every chunk but the last one.
        ...(includeUsage ? { usage: null } : {}),
      });
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(sse(undefined, chunk({ role: 'assistant', content: '' }, null)));
      for (const piece of ['Parcels ', 'arrive ', 'in 3 days.']) {
        await sleep(5);
        response.write(sse(undefined, chunk({ content: piece }, null)));
      }
      response.write(sse(undefined, chunk({}, 'stop')));
      if (includeUsage) {
        response.write(
          sse(undefined, {
            id: 'chatcmpl-usage',
            object: 'chat.completion.chunk',
            created: 1_700_000_000,
            model,
            choices: [],
            usage: { prompt_tokens: 2000, completion_tokens: 500, total_tokens: 2500 },
          }),
        );
      }
      response.end(sse(undefined, '[DONE]'));
      return;
    }
    if (path === '/v1/messages') {
      if (parsed.stream !== true) {
        response.setHeader('content-type', 'application/json');
        response.end(
          JSON.stringify({
            id: 'msg_usage',
            type: 'message',
            role: 'assistant',
            model: ANTHROPIC_MODEL,
            content: [{ type: 'text', text: 'Refunds take 5 days.' }],
            stop_reason: 'end_turn',
            usage: { input_tokens: 4000, output_tokens: 1000 },
          }),
        );
        return;
      }
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(
        sse('message_start', {
          type: 'message_start',
          message: {
            id: 'msg_usage',
            type: 'message',
            role: 'assistant',
            model: ANTHROPIC_MODEL,
            content: [],
            usage: { input_tokens: 3000, output_tokens: 1 },
          },
        }),
      );
      response.write(sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }));
      for (const text of ['Parcels ', 'arrive ', 'in 3 days.']) {
        await sleep(5);
        response.write(sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }));
      }
      response.write(sse('content_block_stop', { type: 'content_block_stop', index: 0 }));
      response.write(sse('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 600 } }));
      response.end(sse('message_stop', { type: 'message_stop' }));
      return;
    }
    response.statusCode = 404;
    response.end('not found');
  });
}

/** Every client call the tests make, with the official openai SDK and plain fetch for Anthropic. */
function llmCalls(origin: string): {
  openaiJson: (model?: string) => Promise<string>;
  openaiStream: (includeUsage: boolean) => Promise<string>;
  anthropicJson: () => Promise<string>;
  anthropicStream: () => Promise<string>;
} {
  const client = new OpenAI({ baseURL: `${origin}/v1`, apiKey: 'sk-usage-test-0123456789abcdefghij', maxRetries: 0 });
  const anthropic = (stream: boolean): Promise<Response> =>
    fetch(`${origin}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'anthropic-usage-key-0123456789', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: 'claude-3-5-haiku-latest',
        max_tokens: 256,
        stream,
        messages: [{ role: 'user', content: 'When will my parcel arrive?' }],
      }),
    });
  return {
    openaiJson: async (model = 'gpt-4o-mini') => {
      const completion = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'How do refunds work?' }] });
      return completion.choices[0]?.message.content ?? '';
    },
    openaiStream: async (includeUsage) => {
      const stream = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: includeUsage ? 'When will my parcel arrive?' : 'Where is my parcel?' }],
        stream: true,
        ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      return text;
    },
    anthropicJson: async () => {
      const message = (await (await anthropic(false)).json()) as { content: { text: string }[] };
      return message.content.map((block) => block.text).join('');
    },
    anthropicStream: async () => {
      let text = '';
      for (const line of (await (await anthropic(true)).text()).split('\n')) {
        if (!line.startsWith('data: ')) continue;
        const event = JSON.parse(line.slice(6)) as { type: string; delta?: { text?: string } };
        if (event.type === 'content_block_delta') text += event.delta?.text ?? '';
      }
      return text;
    },
  };
}

/** Dollars for `input` and `output` tokens at a price per million tokens. */
const dollars = (input: number, output: number, price: { input: number; output: number }): number =>
  (input * price.input + output * price.output) / 1_000_000;

const GPT_4O_MINI = { input: 0.15, output: 0.6 };
const CLAUDE_3_5_HAIKU = { input: 0.8, output: 4 };

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('LLM usage read from recorded responses', () => {
  let server: ScriptedServer;
  const mixed = cassette('mixed');
  const options = (): CassetteOptions => ({ aliases: { [server.origin]: ALIAS } });
  let answers: string[];
  let costWhileRecording: CassetteInfo['cost'] | undefined;

  beforeAll(async () => {
    server = await startLlmServer();
    const calls = llmCalls(server.origin);
    answers = await withCassette(
      mixed,
      async () => {
        const result = [
          await calls.openaiJson(),
          await calls.openaiStream(true),
          await calls.openaiStream(false),
          await calls.anthropicJson(),
          await calls.anthropicStream(),
        ];
        costWhileRecording = currentCassette()?.cost;
        return result;
      },
      { ...options(), mode: 'record-all' },
    );
  });

  afterAll(() => server.close());

  it('should read prompt and completion tokens from a non-streamed OpenAI chat completion', () => {
    const interaction = readCassette(mixed)!.interactions[0]!;

    expect(answers[0]).toBe('Refunds take 5 days.');
    expect(interaction.request.url).toBe(`${ALIAS}/v1/chat/completions`);
    expect(interaction.usage).toEqual({ model: OPENAI_MODEL, inputTokens: 1200, outputTokens: 300 });
  });

  it('should read usage from the last chunk of an OpenAI stream sent with stream_options.include_usage', () => {
    const interaction = readCassette(mixed)!.interactions[1]!;

    expect(answers[1]).toBe('Parcels arrive in 3 days.');
    expect(interaction.response.stream?.kind).toBe('sse');
    expect(interaction.usage).toEqual({ model: OPENAI_MODEL, inputTokens: 2000, outputTokens: 500 });
  });

  it('should report no usage (rather than invent one) for an OpenAI stream without include_usage', () => {
    const interaction = readCassette(mixed)!.interactions[2]!;

    expect(answers[2]).toBe('Parcels arrive in 3 days.');
    expect(interaction.usage).toBeUndefined();
  });

  it('should read input_tokens and output_tokens from a non-streamed Anthropic message', () => {
    const interaction = readCassette(mixed)!.interactions[3]!;

    expect(answers[3]).toBe('Refunds take 5 days.');
    expect(interaction.usage).toEqual({ model: ANTHROPIC_MODEL, inputTokens: 4000, outputTokens: 1000 });
  });

  it('should read input tokens from message_start and the final output tokens from message_delta of an Anthropic stream', () => {
    const interaction = readCassette(mixed)!.interactions[4]!;

    expect(answers[4]).toBe('Parcels arrive in 3 days.');
    // message_start reports output_tokens: 1; the count that is billed is message_delta's.
    expect(interaction.usage).toEqual({ model: ANTHROPIC_MODEL, inputTokens: 3000, outputTokens: 600 });
  });

  it('should sum usage and estimated cost per cassette, the same while recording, from the file and on replay with the server stopped', async () => {
    // Arrange
    const expected = {
      calls: 4,
      inputTokens: 1200 + 2000 + 4000 + 3000,
      outputTokens: 300 + 500 + 1000 + 600,
      usd: dollars(1200 + 2000, 300 + 500, GPT_4O_MINI) + dollars(4000 + 3000, 1000 + 600, CLAUDE_3_5_HAIKU),
    };
    const replayServer = await startLlmServer();
    await replayServer.close(); // a port where nothing listens: only the cassette can answer
    const calls = llmCalls(replayServer.origin);

    // Act
    const { replayed, costOnReplay } = await withCassette(
      mixed,
      async () => {
        const result = [
          await calls.openaiJson(),
          await calls.openaiStream(true),
          await calls.openaiStream(false),
          await calls.anthropicJson(),
          await calls.anthropicStream(),
        ];
        return { replayed: result, costOnReplay: currentCassette()?.cost };
      },
      { aliases: { [replayServer.origin]: ALIAS }, mode: 'replay' },
    );
    const fromFile = estimateCost(readCassette(mixed)!);

    // Assert
    expect(replayed).toEqual(answers);
    for (const cost of [costWhileRecording, fromFile, costOnReplay]) {
      expect(cost).toMatchObject({
        calls: expected.calls,
        inputTokens: expected.inputTokens,
        outputTokens: expected.outputTokens,
        unpricedModels: [],
      });
      expect(cost?.usd).toBeCloseTo(expected.usd, 12);
    }
  });

  it('should count only what the test replayed so far in currentCassette().cost', async () => {
    const calls = llmCalls(server.origin);
    let stderr = '';
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });

    const partial = await withCassette(
      mixed,
      async () => {
        await calls.openaiJson();
        return currentCassette()?.cost;
      },
      { ...options(), mode: 'replay' },
    );
    spy.mockRestore();

    expect(partial).toMatchObject({ calls: 1, inputTokens: 1200, outputTokens: 300 });
    expect(stderr).toContain('4 recorded interaction(s) in');
    expect(partial?.usd).toBeCloseTo(dollars(1200, 300, GPT_4O_MINI), 12);
  });
});

describe('toCostAtMost', () => {
  let server: ScriptedServer;
  const path = cassette('ceiling');
  // Recorded: 1200 + 300 tokens of gpt-4o-mini, 0.00036 USD at list price.
  const cost = dollars(1200, 300, GPT_4O_MINI);

  beforeAll(async () => {
    server = await startLlmServer();
    await withCassette(path, () => llmCalls(server.origin).openaiJson(), { aliases: { [server.origin]: ALIAS }, mode: 'record-all' });
  });

  afterAll(() => server.close());

  it('should pass for a cassette file whose estimated cost is under the ceiling', () => {
    expect(path).toCostAtMost(0.001);
    expect(path).toCostAtMost(cost);
  });

  it('should fail above the ceiling with a message naming the cassette, the ceiling, the tokens and the estimate', () => {
    let message = '';
    try {
      expect(path).toCostAtMost(0.0001);
    } catch (error) {
      message = (error as Error).message;
    }

    expect(message).toBe(
      `[cassettes] ${path} costs more than the ceiling of $0.0001: 1 call(s), 1200 input + 300 output tokens ≈ $0.000360.`,
    );
  });

  it('should judge the cassette in use through currentCassette(), inside the test', async () => {
    const calls = llmCalls(server.origin);

    const outcome = await withCassette(
      path,
      async () => {
        await calls.openaiJson();
        expect(currentCassette()).toCostAtMost(0.001);
        return (() => {
          try {
            expect(currentCassette()).toCostAtMost(0.0002);
            return 'passed';
          } catch (error) {
            return (error as Error).message;
          }
        })();
      },
      { aliases: { [server.origin]: ALIAS }, mode: 'replay' },
    );

    expect(outcome).toBe(
      `[cassettes] ${path} costs more than the ceiling of $0.0002: 1 call(s), 1200 input + 300 output tokens ≈ $0.000360.`,
    );
  });

  it('should tell with .not that the cassette costs less than expected', () => {
    expect(() => expect(path).not.toCostAtMost(0.001)).toThrow(
      `[cassettes] expected ${path} to cost more than $0.001, it costs 1 call(s), 1200 input + 300 output tokens ≈ $0.000360.`,
    );
  });

  it('should fail when a model has no price, naming it and the prices option, and pass once the prices option gives one', async () => {
    // Arrange
    const calls = llmCalls(server.origin);
    const unpricedPath = cassette('unpriced');
    await withCassette(unpricedPath, () => calls.openaiJson(UNPRICED_MODEL), { aliases: { [server.origin]: ALIAS }, mode: 'record-all' });

    // Act
    const priced = await withCassette(
      unpricedPath,
      async () => {
        await calls.openaiJson(UNPRICED_MODEL);
        return currentCassette();
      },
      { aliases: { [server.origin]: ALIAS }, mode: 'replay', prices: { [UNPRICED_MODEL]: { input: 1, output: 2 } } },
    );

    // Assert
    expect(() => expect(unpricedPath).toCostAtMost(1)).toThrow(
      `[cassettes] toCostAtMost: the cost of ${unpricedPath} cannot be estimated: no price for ${UNPRICED_MODEL}. Add them to the prices option (USD per million tokens).`,
    );
    expect(unpricedPath).toCostAtMost(0.0019, { [UNPRICED_MODEL]: { input: 1, output: 2 } });
    expect(priced?.cost.usd).toBeCloseTo(dollars(1200, 300, { input: 1, output: 2 }), 12);
    expect(priced).toCostAtMost(0.0019);
    expect(() => expect(priced).toCostAtMost(0.0017)).toThrow(
      'costs more than the ceiling of $0.0017: 1 call(s), 1200 input + 300 output tokens ≈ $0.001800.',
    );
  });

  it('should apply the prices argument to currentCassette(), as it does to a cassette path', async () => {
    // Arrange
    const calls = llmCalls(server.origin);
    const unpricedPath = cassette('unpriced-current');
    await withCassette(unpricedPath, () => calls.openaiJson(UNPRICED_MODEL), { aliases: { [server.origin]: ALIAS }, mode: 'record-all' });

    // Act
    const info = await withCassette(
      unpricedPath,
      async () => {
        await calls.openaiJson(UNPRICED_MODEL);
        return currentCassette();
      },
      { aliases: { [server.origin]: ALIAS }, mode: 'replay' },
    );

    // Assert
    expect(info).toCostAtMost(1, { [UNPRICED_MODEL]: { input: 1, output: 2 } });
    expect(() => expect(info).toCostAtMost(0.0017, { [UNPRICED_MODEL]: { input: 1, output: 2 } })).toThrow('≈ $0.001800');
  });

  it('should fail readably when no cassette is in use', () => {
    expect(() => expect(currentCassette()).toCostAtMost(1)).toThrow(
      '[cassettes] toCostAtMost: expected a cassette path or currentCassette(), got undefined (no cassette is in use).',
    );
    expect(() => expect(join(dir, 'missing.json')).toCostAtMost(1)).toThrow(
      `[cassettes] toCostAtMost: no cassette exists at ${join(dir, 'missing.json')}.`,
    );
  });
});

describe('interaction ids', () => {
  let server: ScriptedServer;
  const SECRET_ENV = 'PG_CASSETTES_USAGE_UPSTREAM_AUTH';
  const previous = process.env[SECRET_ENV];

  beforeAll(async () => {
    server = await startLlmServer();
  });

  afterAll(async () => {
    if (previous === undefined) delete process.env[SECRET_ENV];
    else process.env[SECRET_ENV] = previous;
    await server.close();
  });

  const ask = async (
    question: string,
    init: { keyOrder?: 'model-first' | 'messages-first'; userAgent?: string; auth?: string } = {},
  ): Promise<void> => {
    const message = [{ role: 'user', content: question }];
    const body =
      init.keyOrder === 'messages-first' ? { messages: message, model: 'gpt-4o-mini' } : { model: 'gpt-4o-mini', messages: message };
    const response = await fetch(`${server.origin}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': init.userAgent ?? 'client/1.0',
        authorization: `Bearer ${init.auth ?? process.env[SECRET_ENV] ?? 'none'}`,
      },
      body: JSON.stringify(body),
    });
    await response.arrayBuffer();
  };

  const idsOf = async (name: string, fn: () => Promise<void>): Promise<string[]> => {
    await withCassette(cassette(name), fn, {
      aliases: { [server.origin]: ALIAS },
      mode: 'record-all',
      redact: { secretEnv: [SECRET_ENV] },
    });
    return readCassette(cassette(name))!.interactions.map((interaction) => interaction.id);
  };

  it('should give the same request the same id when it is recorded again, even with another key order, user agent and listed API key value', async () => {
    // Arrange: two developers, each with their own key in the listed environment variable.
    process.env[SECRET_ENV] = 'first-developer-credential-1111';
    const first = await idsOf('ids-first', () => ask('How do refunds work?', { keyOrder: 'model-first', userAgent: 'client/1.0' }));
    process.env[SECRET_ENV] = 'second-developer-credential-2222';

    // Act
    const second = await idsOf('ids-second', () => ask('How do refunds work?', { keyOrder: 'messages-first', userAgent: 'client/2.0' }));

    // Assert
    expect(first).toEqual([expect.stringMatching(/^[0-9a-f]{12}$/)]);
    expect(second).toEqual(first);
    expect(readFileSync(cassette('ids-second'), 'utf8')).not.toContain('second-developer-credential-2222');
  });

  it('should give a different request a different id', async () => {
    const [refunds] = await idsOf('ids-refunds', () => ask('How do refunds work?'));
    const [parcels] = await idsOf('ids-parcels', () => ask('When will my parcel arrive?'));

    expect(parcels).not.toBe(refunds);
  });

  it('should give repeats of one request distinct ids, stable from one recording to the next', async () => {
    const twice = async (): Promise<void> => {
      await ask('How do refunds work?');
      await ask('How do refunds work?');
      await ask('When will my parcel arrive?');
    };

    const first = await idsOf('ids-repeats-1', twice);
    const second = await idsOf('ids-repeats-2', twice);

    expect(new Set(first).size).toBe(3);
    expect(second).toEqual(first);
  });
});
