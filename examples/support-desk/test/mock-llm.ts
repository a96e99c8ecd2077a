import { http, HttpResponse, type RequestHandler } from 'msw';

/** How a mocked chat completion streams. */
export interface ChatStreamScript {
  /** The content deltas, in order. */
  pieces: readonly string[];
  /** The model named in every chunk. */
  model?: string;
  /** Sent after the first piece; the rest waits until it settles (proves the client reads as it streams). */
  afterFirstPiece?: Promise<void>;
  /** Pause between chunks, in milliseconds. */
  delayMs?: number;
}

/** Tokens the mocked completions report. */
export const MOCK_USAGE = { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 };

function chunk(model: string, delta: Record<string, unknown>, finishReason: string | null): string {
  const body = {
    id: 'chatcmpl-mock',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

/**
 * A `text/event-stream` body in the shape of OpenAI's streamed chat completions: a role chunk, one
 * chunk per piece, a finishing chunk, a usage chunk, then `data: [DONE]`.
 *
 * @example
 * new HttpResponse(chatCompletionStream({ pieces: ['Hello', ' world'] }), { headers: { 'content-type': 'text/event-stream' } })
 */
export function chatCompletionStream(script: ChatStreamScript): ReadableStream<Uint8Array> {
  const model = script.model ?? 'mock-model';
  const encoder = new TextEncoder();
  const pause = () => new Promise<void>((resolve) => setTimeout(resolve, script.delayMs ?? 0));
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(encoder.encode(chunk(model, { role: 'assistant', content: '' }, null)));
      for (const [index, piece] of script.pieces.entries()) {
        controller.enqueue(encoder.encode(chunk(model, { content: piece }, null)));
        if (index === 0 && script.afterFirstPiece !== undefined) await script.afterFirstPiece;
        await pause();
      }
      controller.enqueue(encoder.encode(chunk(model, {}, 'stop')));
      const usage = { id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: 1_700_000_000, model, choices: [], usage: MOCK_USAGE };
      controller.enqueue(encoder.encode(`data: ${JSON.stringify(usage)}\n\n`));
      controller.enqueue(encoder.encode('data: [DONE]\n\n'));
      controller.close();
    },
  });
}

/**
 * An msw handler for `POST <baseURL>/chat/completions` that streams `script` and keeps each
 * request body it receives in `received`.
 *
 * @example
 * const received: unknown[] = []
 * msw.use(streamingChatCompletion('https://llm.example.test/v1', { pieces: ['Hi'] }, received))
 */
export function streamingChatCompletion(baseURL: string, script: ChatStreamScript, received: unknown[] = []): RequestHandler {
  return http.post(`${baseURL}/chat/completions`, async ({ request }) => {
    received.push(await request.json());
    return new HttpResponse(chatCompletionStream(script), {
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
    });
  });
}
