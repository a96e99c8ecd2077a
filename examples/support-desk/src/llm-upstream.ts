import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { chatCompletionChunks } from './chat-chunks.ts';
import { answerFaq } from './faq-knowledge.ts';
import { EVENT_STREAM_CONTENT_TYPE, formatServerSentEvent } from './sse.ts';

/** The model name the upstream reports when a request names none. */
export const LLM_UPSTREAM_MODEL = 'support-desk-faq-1';

/** Options of {@link startLlmUpstream}. */
export interface LlmUpstreamOptions {
  /** Port on 127.0.0.1; 0 (the default) lets the system pick a free one. */
  port?: number | undefined;
  /** Pause between streamed chunks, in milliseconds (default 0). */
  chunkDelayMs?: number | undefined;
  /** Pause before a streamed answer starts, headers included (the model's time to first token), in milliseconds (default 0). */
  firstChunkDelayMs?: number | undefined;
  /** The clock for `created`, in milliseconds (default `Date.now`). */
  now?: (() => number) | undefined;
}

/** A request the upstream received, for assertions. */
export interface UpstreamRequest {
  method: string;
  path: string;
  body: unknown;
}

/** How a streamed answer ended: sent up to `data: [DONE]`, or cut short because the client went away. */
export type UpstreamStreamOutcome = 'completed' | 'client-closed';

/** A streamed answer the upstream is sending or has sent, for assertions. */
export interface UpstreamStream {
  /** Chunks the whole answer has (role, one per word, finish, usage when asked), `data: [DONE]` aside. */
  readonly plannedChunks: number;
  /** Chunks written so far. */
  readonly writtenChunks: number;
  /** Settles once the response is over, the moment the upstream sees it. */
  readonly ended: Promise<UpstreamStreamOutcome>;
}

/** A running local OpenAI-compatible upstream. */
export interface LlmUpstream {
  /** The `baseURL` for the OpenAI SDK (and `OPENAI_BASE_URL`), ending in `/v1`. */
  readonly baseURL: string;
  /** Every request received so far, oldest first. */
  readonly requests: readonly UpstreamRequest[];
  /** Every streamed answer started so far, oldest first (one per `stream: true` request). */
  readonly streams: readonly UpstreamStream[];
  /** Stop listening and drop open connections. */
  close(): Promise<void>;
}

interface ChatMessage {
  role: string;
  content: unknown;
}

interface ChatCompletionRequest {
  model?: unknown;
  messages?: unknown;
  stream?: unknown;
  stream_options?: { include_usage?: unknown } | null;
}

const MAX_BODY_BYTES = 1_000_000;

class UpstreamError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string | null;

  constructor(status: number, type: string, code: string | null, message: string) {
    super(message);
    this.status = status;
    this.type = type;
    this.code = code;
  }
}

/** Rough and deterministic: whitespace-separated words stand in for tokens. */
function countTokens(text: string): number {
  return text.match(/\S+/g)?.length ?? 0;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part: unknown) =>
        typeof part === 'object' && part !== null && 'text' in part && typeof part.text === 'string' ? part.text : '',
      )
      .join(' ');
  }
  return '';
}

function parseChatRequest(body: unknown): { model: string; messages: ChatMessage[]; stream: boolean; includeUsage: boolean } {
  if (typeof body !== 'object' || body === null) {
    throw new UpstreamError(400, 'invalid_request_error', null, 'The body must be a JSON object.');
  }
  const request = body as ChatCompletionRequest;
  const messages = request.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new UpstreamError(400, 'invalid_request_error', 'invalid_messages', "'messages' must be a non-empty array.");
  }
  for (const message of messages as unknown[]) {
    if (typeof message !== 'object' || message === null || typeof (message as ChatMessage).role !== 'string') {
      throw new UpstreamError(400, 'invalid_request_error', 'invalid_messages', "Every message needs a string 'role'.");
    }
  }
  return {
    model: typeof request.model === 'string' && request.model !== '' ? request.model : LLM_UPSTREAM_MODEL,
    messages: messages as ChatMessage[],
    stream: request.stream === true,
    includeUsage: request.stream_options?.include_usage === true,
  };
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new UpstreamError(413, 'invalid_request_error', null, 'The body is too large.');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new UpstreamError(400, 'invalid_request_error', null, 'The body is not valid JSON.');
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  response.end(payload);
}

/**
 * Start a small OpenAI-compatible server on 127.0.0.1 that answers chat completions from the FAQ
 * knowledge base ({@link answerFaq} of the last user message), streamed (`stream: true`: one SSE
 * `data:` chunk per word, then `data: [DONE]`) or whole, with a `usage` block counting words as
 * tokens. The same request always gets the same answer and the same id.
 *
 * It serves `POST /v1/chat/completions` and `GET /v1/models`, and requires a bearer token (any).
 *
 * @example
 * const upstream = await startLlmUpstream()
 * const client = new OpenAI({ baseURL: upstream.baseURL, apiKey: 'local' })
 * await upstream.close()
 */
export async function startLlmUpstream(options: LlmUpstreamOptions = {}): Promise<LlmUpstream> {
  const chunkDelayMs = options.chunkDelayMs ?? 0;
  const firstChunkDelayMs = options.firstChunkDelayMs ?? 0;
  const now = options.now ?? Date.now;
  const requests: UpstreamRequest[] = [];
  const streams: UpstreamStream[] = [];

  const completeChat = async (response: ServerResponse, body: unknown): Promise<void> => {
    const chat = parseChatRequest(body);
    const question = textOf(chat.messages.findLast((message) => message.role === 'user')?.content);
    const answer = answerFaq(question);
    const id = `chatcmpl-${createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 24)}`;
    const created = Math.floor(now() / 1000);
    const promptTokens = chat.messages.reduce((sum, message) => sum + countTokens(textOf(message.content)), 0);
    const completionTokens = countTokens(answer);
    const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };

    if (!chat.stream) {
      sendJson(response, 200, {
        id,
        object: 'chat.completion',
        created,
        model: chat.model,
        choices: [{ index: 0, message: { role: 'assistant', content: answer, refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage,
      });
      return;
    }

    const pieces = answer.match(/\S+\s*/g) ?? [];
    const events = chatCompletionChunks({ id, created, model: chat.model }, pieces, chat.includeUsage ? usage : undefined);
    let clientGone = false;
    const stream = {
      plannedChunks: events.length,
      writtenChunks: 0,
      ended: new Promise<UpstreamStreamOutcome>((resolve) => {
        response.once('close', () => {
          clientGone = !response.writableFinished;
          resolve(clientGone ? 'client-closed' : 'completed');
        });
      }),
    };
    streams.push(stream);

    if (firstChunkDelayMs > 0) await sleep(firstChunkDelayMs);
    if (clientGone) return;
    response.writeHead(200, { 'content-type': EVENT_STREAM_CONTENT_TYPE, 'cache-control': 'no-cache', connection: 'keep-alive' });
    for (const event of events) {
      if (clientGone) return;
      response.write(formatServerSentEvent(event));
      stream.writtenChunks += 1;
      if (chunkDelayMs > 0) await sleep(chunkDelayMs);
    }
    if (clientGone) return;
    response.end(formatServerSentEvent('[DONE]'));
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const method = request.method ?? 'GET';
    try {
      const body = method === 'POST' ? await readJson(request) : undefined;
      requests.push({ method, path, body });
      const authorization = request.headers.authorization ?? '';
      if (!/^Bearer \S+/.test(authorization)) {
        throw new UpstreamError(401, 'invalid_request_error', 'invalid_api_key', 'A bearer token is required (any value).');
      }
      if (method === 'POST' && path === '/v1/chat/completions') return await completeChat(response, body);
      if (method === 'GET' && path === '/v1/models') {
        return sendJson(response, 200, {
          object: 'list',
          data: [{ id: LLM_UPSTREAM_MODEL, object: 'model', created: 0, owned_by: 'support-desk' }],
        });
      }
      throw new UpstreamError(404, 'invalid_request_error', 'unknown_url', `Unknown request URL: ${method} ${path}.`);
    } catch (error) {
      const failure = error instanceof UpstreamError ? error : new UpstreamError(500, 'server_error', null, 'The upstream failed.');
      if (response.headersSent) {
        response.destroy();
        return;
      }
      sendJson(response, failure.status, { error: { message: failure.message, type: failure.type, param: null, code: failure.code } });
    }
  };

  const server: Server = createServer((request, response) => {
    void handle(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    streams,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
