import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChatModelOptions } from './chat-model-options.ts';
import OpenAI, { APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { ChatCompletionChunk, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { Database } from './database.ts';
import { tenantFaqEntries } from './faq-entries.ts';
import { answerFaq, FAQ_ENTRIES, tenantKnowledge, type FaqEntry } from './faq-knowledge.ts';
import { observeFaqAnswer } from './observability/llm-telemetry.ts';
import { ServiceObservability } from './observability/service-observability.ts';
import { Problem, problemDetailsOf } from './problems.ts';
import { EVENT_STREAM_CONTENT_TYPE, formatServerSentEvent } from './sse.ts';
import { inTenant } from './tenancy.ts';

/** The model asked when `OPENAI_MODEL` is not set. */
export const DEFAULT_FAQ_MODEL = 'gpt-4o-mini';

/**
 * Options of {@link FaqAssistant}: the model ({@link DEFAULT_FAQ_MODEL} by default), retries (the
 * SDK's 2 by default) and the time allowed for the model to start answering (30 s by default).
 */
export type FaqAssistantOptions = ChatModelOptions;

/** Tokens an upstream reported for one answer. */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/** An answer streaming in from the upstream: iterate it for text deltas, in order. */
export interface FaqAnswer extends AsyncIterable<string> {
  /** The model that answers, as the upstream names it once the first chunk arrived. */
  readonly model: string;
  /** The usage the upstream reported, once the stream has ended (if it reports any). */
  readonly usage: TokenUsage | undefined;
  /** Stop receiving: the upstream request is aborted. */
  abort(): void;
}

/**
 * The problem for a failed upstream exchange. The detail stays generic: upstream messages can
 * carry keys or internal addresses. The SDK error is kept as `cause` for the log.
 */
function upstreamProblem(error: unknown): Problem {
  const status = error instanceof APIError && error.status !== undefined ? ` (upstream status ${error.status})` : '';
  return new Problem(
    'upstream-unavailable',
    `The FAQ assistant could not get an answer from its language model${status}. Try again later.`,
    {},
    { cause: error },
  );
}

/**
 * The language model did not start answering within the assistant's timeout. `POST /faq` answers
 * from the knowledge base instead, marked `degraded`; elsewhere it is an `upstream-unavailable` problem.
 */
export class FaqTimeoutError extends Problem {
  constructor(timeoutMs: number, cause: unknown) {
    super(
      'upstream-unavailable',
      `The FAQ assistant's language model did not answer within ${timeoutMs} ms. Try again later.`,
      {},
      { cause },
    );
    this.name = 'FaqTimeoutError';
  }
}

/** The `model` of an answer taken from the knowledge base because the language model timed out. */
export const KNOWLEDGE_BASE_MODEL = 'faq-knowledge-base';

/** Why an answer is degraded: the language model did not answer in time. */
export type DegradedReason = 'network_timeout';

/** An FAQ answer as `POST /faq` sends it (the `done` event, or the JSON body). */
export interface FaqReply {
  answer: string;
  model: string;
  usage: TokenUsage | null;
  /** Present, and true, only when the answer comes from the knowledge base instead of the model. */
  degraded?: true;
  /** Why the answer is degraded. */
  reason?: DegradedReason;
}

/** The system prompt: who is asking, and the only answers the model may give. */
function instructionsFor(tenantName: string, entries: readonly FaqEntry[]): string {
  // With the shared base alone the prompt is byte for byte what the cassettes recorded.
  const knowledge = entries.map((entry) => `Q: ${entry.question}\nA: ${entry.answer}`).join('\n\n');
  return `You are the support desk of ${tenantName}. Answer the customer's question in plain text, using only these answers:\n\n${knowledge}\n\nIf none applies, say that a support agent will reply by email.`;
}

/**
 * Answers support questions with a chat model through the official OpenAI SDK, streaming.
 *
 * @example
 * const assistant = new FaqAssistant({ baseURL: process.env.OPENAI_BASE_URL!, apiKey: process.env.OPENAI_API_KEY! })
 * const answer = await assistant.ask('How long does shipping take?', { tenantName: 'Acme' })
 * for await (const text of answer) process.stdout.write(text)
 */
export class FaqAssistant {
  /** The chat model asked. */
  readonly model: string;
  /** Time allowed for the model to start answering, retries included, in milliseconds. */
  readonly timeoutMs: number;
  readonly #client: OpenAI;

  constructor(options: FaqAssistantOptions) {
    this.model = options.model ?? DEFAULT_FAQ_MODEL;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.#client = new OpenAI({
      baseURL: options.baseURL,
      apiKey: options.apiKey,
      maxRetries: options.maxRetries ?? 2,
      timeout: this.timeoutMs,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    });
  }

  /**
   * Ask `question` for the tenant `tenantName`. Resolves once the upstream has accepted the
   * request and started streaming. Aborting `options.signal` (for instance when the client has
   * gone) aborts the upstream request, whether it is still waiting for the first chunk or streaming.
   *
   * @throws FaqTimeoutError when the upstream has not started answering within `timeoutMs` (after the retries)
   * @throws Problem `upstream-unavailable` when the upstream cannot be reached or refuses
   */
  async ask(
    question: string,
    audience: { tenantName: string; knowledge?: readonly FaqEntry[] | undefined },
    options: { signal?: AbortSignal | undefined } = {},
  ): Promise<FaqAnswer> {
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: instructionsFor(audience.tenantName, audience.knowledge ?? FAQ_ENTRIES) },
      { role: 'user', content: question },
    ];
    // The service's own deadline for the model to start answering, retries included. It does not
    // rely on how the SDK classifies an aborted fetch: under an HTTP interceptor from another realm
    // (a test's network guard) its timeout arrives as a bare connection error.
    const upstream = new AbortController();
    const clientGone = () => upstream.abort();
    if (options.signal?.aborted === true) upstream.abort();
    options.signal?.addEventListener('abort', clientGone, { once: true });
    let timedOut = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      upstream.abort();
    }, this.timeoutMs);
    let stream: AsyncIterable<ChatCompletionChunk> & { controller: AbortController };
    try {
      stream = await this.#client.chat.completions.create(
        { model: this.model, messages, stream: true, stream_options: { include_usage: true } },
        { signal: upstream.signal },
      );
    } catch (error) {
      if (timedOut || error instanceof APIConnectionTimeoutError) throw new FaqTimeoutError(this.timeoutMs, error);
      throw upstreamProblem(error);
    } finally {
      clearTimeout(deadline);
    }

    let model = this.model;
    let usage: TokenUsage | undefined;
    return {
      get model() {
        return model;
      },
      get usage() {
        return usage;
      },
      abort: () => stream.controller.abort(),
      async *[Symbol.asyncIterator]() {
        let finished = false;
        try {
          for await (const chunk of stream) {
            model = chunk.model || model;
            if (chunk.choices[0]?.finish_reason) finished = true;
            if (chunk.usage) {
              usage = {
                promptTokens: chunk.usage.prompt_tokens,
                completionTokens: chunk.usage.completion_tokens,
                totalTokens: chunk.usage.total_tokens,
              };
            }
            const text = chunk.choices[0]?.delta.content;
            if (text) yield text;
          }
        } catch (error) {
          if (error instanceof APIUserAbortError) return;
          throw upstreamProblem(error);
        }
        // A stream can end cleanly and still be cut short: only a finish reason says the answer is whole.
        if (!finished) throw upstreamProblem(new Error('The upstream stream ended before a choice finished.'));
      },
    };
  }
}

/** Body of `POST /faq`. */
export interface AskFaqBody {
  question: string;
}

const askSchema = {
  body: {
    type: 'object',
    additionalProperties: false,
    required: ['question'],
    properties: { question: { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S' } },
  },
} as const;

function wantsJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes(EVENT_STREAM_CONTENT_TYPE);
}

async function streamAnswer(request: FastifyRequest, reply: FastifyReply, answer: FaqAnswer): Promise<void> {
  reply.hijack();
  const response = reply.raw;
  response.writeHead(200, {
    'content-type': `${EVENT_STREAM_CONTENT_TYPE}; charset=utf-8`,
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  let text = '';
  try {
    for await (const delta of answer) {
      text += delta;
      response.write(formatServerSentEvent({ text: delta }, 'delta'));
    }
    response.write(formatServerSentEvent({ answer: text, model: answer.model, usage: answer.usage ?? null }, 'done'));
  } catch (error) {
    // The status line is gone already: the failure travels as an event with a problem inside.
    request.log.error({ err: error }, 'FAQ answer stream failed');
    response.write(formatServerSentEvent(problemDetailsOf(error, request.url), 'error'));
  } finally {
    response.end();
  }
}

/** Answer from the knowledge base, marked degraded, in the form the client asked for. */
function sendDegraded(
  request: FastifyRequest,
  reply: FastifyReply,
  question: string,
  knowledge: readonly FaqEntry[],
): FaqReply | Promise<void> {
  const degraded: FaqReply = {
    answer: answerFaq(question, knowledge),
    model: KNOWLEDGE_BASE_MODEL,
    usage: null,
    degraded: true,
    reason: 'network_timeout',
  };
  if (wantsJson(request)) return degraded;
  reply.hijack();
  reply.raw.writeHead(200, {
    'content-type': `${EVENT_STREAM_CONTENT_TYPE}; charset=utf-8`,
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  reply.raw.write(formatServerSentEvent({ text: degraded.answer }, 'delta'));
  reply.raw.end(formatServerSentEvent(degraded, 'done'));
  return Promise.resolve();
}

/**
 * Register `POST /faq` `{ question }`, scoped to the tenant of the `x-tenant-id` header. The answer
 * streams as server-sent events: `delta` events `{ text }`, then one `done` event
 * `{ answer, model, usage }` (or an `error` event holding problem details). A client that sends
 * `Accept: application/json` gets `{ answer, model, usage }` in one piece instead.
 *
 * The knowledge base, in the model's instructions and in the fallback, is the tenant's own entries
 * (`POST /faq/entries`) first, then the shared ones: never another tenant's.
 *
 * When the model does not start answering within the assistant's timeout, the answer comes from
 * the knowledge base (`answerFaq()`), as `{ answer, model: 'faq-knowledge-base', usage: null,
 * degraded: true, reason: 'network_timeout' }`, in the same form: not a 502.
 *
 * @example
 * registerFaqRoutes(app, database, new FaqAssistant({ baseURL, apiKey }))
 */
export function registerFaqRoutes(
  app: FastifyInstance,
  database: Database,
  assistant: FaqAssistant,
  observability: ServiceObservability = new ServiceObservability(),
): void {
  app.post<{ Body: AskFaqBody }>('/faq', { schema: askSchema }, async (request, reply) => {
    // Listen before anything is awaited: a client that leaves while the model is still thinking, or
    // in the middle of the answer, aborts the upstream request on both the SSE and the JSON path.
    const clientGone = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) clientGone.abort();
    });
    // The tenant transaction ends before the model is asked: no connection is held while it streams.
    // The knowledge base is read in the tenant's transaction: row level security keeps every other
    // tenant's entries out of the prompt and out of the fallback.
    const { tenant, knowledge } = await inTenant(database, request, async (sql, found) => ({
      tenant: found,
      knowledge: tenantKnowledge(await tenantFaqEntries(sql)),
    }));
    let answer: FaqAnswer;
    try {
      answer = await observeFaqAnswer(observability, assistant.model, () =>
        assistant.ask(request.body.question, { tenantName: tenant.name, knowledge }, { signal: clientGone.signal }),
      );
    } catch (error) {
      if (!(error instanceof FaqTimeoutError)) throw error;
      observability.metrics.faqAnswered('knowledge_base');
      request.log.warn({ err: error }, 'FAQ answered from the knowledge base: the language model timed out');
      return sendDegraded(request, reply, request.body.question, knowledge);
    }
    if (!wantsJson(request)) return streamAnswer(request, reply, answer);
    let text = '';
    for await (const delta of answer) text += delta;
    return { answer: text, model: answer.model, usage: answer.usage ?? null } satisfies FaqReply;
  });
}
