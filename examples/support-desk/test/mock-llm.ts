import { http, HttpResponse, type RequestHandler } from 'msw';
import { chatCompletionChunks } from '../src/chat-chunks.ts';
import { formatServerSentEvent } from '../src/sse.ts';

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

/** Tokens the mocked completions report, when the request asks for usage. */
export const MOCK_USAGE = { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 };

/**
 * A `text/event-stream` body in the shape of OpenAI's streamed chat completions
 * ({@link chatCompletionChunks}): a role chunk, one chunk per piece, a finishing chunk, a usage
 * chunk only when `includeUsage` is set (as OpenAI does for `stream_options.include_usage`), then
 * `data: [DONE]`.
 *
 * @example
 * new HttpResponse(chatCompletionStream({ pieces: ['Hello', ' world'] }), { headers: { 'content-type': 'text/event-stream' } })
 */
export function chatCompletionStream(script: ChatStreamScript, includeUsage = false): ReadableStream<Uint8Array> {
  const context = { id: 'chatcmpl-mock', created: 1_700_000_000, model: script.model ?? 'mock-model' };
  const chunks = chatCompletionChunks(context, script.pieces, includeUsage ? MOCK_USAGE : undefined);
  const encoder = new TextEncoder();
  const pause = () => new Promise<void>((resolve) => setTimeout(resolve, script.delayMs ?? 0));
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      for (const [index, chunk] of chunks.entries()) {
        controller.enqueue(encoder.encode(formatServerSentEvent(chunk)));
        // Chunks 1..pieces.length carry the pieces; the pauses and the hold come after those.
        if (index < 1 || index > script.pieces.length) continue;
        if (index === 1 && script.afterFirstPiece !== undefined) await script.afterFirstPiece;
        await pause();
      }
      controller.enqueue(encoder.encode(formatServerSentEvent('[DONE]')));
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
    const body = (await request.json()) as { stream_options?: { include_usage?: unknown } | null };
    received.push(body);
    return new HttpResponse(chatCompletionStream(script, body.stream_options?.include_usage === true), {
      headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
    });
  });
}
