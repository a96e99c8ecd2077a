import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { classifyAsModel, ROUTING_MODEL } from './routing-model.ts';

/** A running local OpenAI-compatible upstream that answers routing prompts. */
export interface RoutingUpstream {
  /** The `baseURL` for the OpenAI SDK, ending in `/v1`. */
  readonly baseURL: string;
  /** How many chat completions it answered. */
  readonly answered: number;
  close(): Promise<void>;
}

interface ChatRequest {
  model?: unknown;
  messages?: { role?: unknown; content?: unknown }[];
}

function words(text: string): number {
  return text.match(/\S+/g)?.length ?? 0;
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  response.end(payload);
}

/**
 * Start, on 127.0.0.1, the upstream the router's cassettes are recorded from: `POST
 * /v1/chat/completions` answers the last user message with the JSON a routing model would give
 * (`{"intent","confidence"}` from {@link classifyAsModel}), with a usage block counting words as
 * tokens. The same request always gets the same answer.
 *
 * @example
 * const upstream = await startRoutingUpstream()
 * const router = new IntentRouter({ llm: { baseURL: upstream.baseURL, apiKey: 'local', model: ROUTING_MODEL } })
 */
export async function startRoutingUpstream(): Promise<RoutingUpstream> {
  let answered = 0;
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== 'POST' || !request.url?.endsWith('/v1/chat/completions')) {
      return send(response, 404, { error: { message: 'Unknown route.', type: 'invalid_request_error', param: null, code: 'unknown_url' } });
    }
    const chat = (await readBody(request)) as ChatRequest;
    const messages = Array.isArray(chat.messages) ? chat.messages : [];
    const question = messages.findLast((message) => message.role === 'user')?.content;
    const content = JSON.stringify(classifyAsModel(typeof question === 'string' ? question : ''));
    const promptTokens = messages.reduce((sum, message) => sum + (typeof message.content === 'string' ? words(message.content) : 0), 0);
    const completionTokens = words(content);
    answered += 1;
    send(response, 200, {
      id: `chatcmpl-routing-${answered}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: typeof chat.model === 'string' ? chat.model : ROUTING_MODEL,
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    });
  };
  const server = createServer((request, response) => {
    handle(request, response).catch(() => send(response, 400, { error: { message: 'Bad request.', type: 'invalid_request_error' } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    get answered() {
      return answered;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
