import { SpanKind, type Span } from '@opentelemetry/api';
import type { FaqAnswer } from '../faq.ts';
import type { ServiceObservability } from './service-observability.ts';
import { failSpan } from './service-tracing.ts';

function finish(observability: ServiceObservability, span: Span, answer: FaqAnswer): void {
  span.setAttribute('gen_ai.response.model', answer.model);
  const usage = answer.usage;
  if (usage !== undefined) {
    span.setAttributes({ 'gen_ai.usage.input_tokens': usage.promptTokens, 'gen_ai.usage.output_tokens': usage.completionTokens });
    observability.metrics.llmUsage(answer.model, usage);
  }
  observability.metrics.faqAnswered('model');
}

/**
 * Ask the FAQ's language model through `ask` inside a client span `chat <model>` (OpenAI's GenAI
 * conventions: model, token usage; never the question or the answer), a child of the request's
 * span. The span lasts until the answer has streamed to its end, fails with the exception when the
 * model cannot be reached, times out or breaks off, and its usage feeds `llm_tokens_total` and
 * `llm_cost_dollars_total`.
 *
 * @example
 * const answer = await observeFaqAnswer(observability, assistant.model, () => assistant.ask(question, audience))
 */
export async function observeFaqAnswer(
  observability: ServiceObservability,
  model: string,
  ask: () => Promise<FaqAnswer>,
): Promise<FaqAnswer> {
  const { tracing } = observability;
  const span = tracing.startChildSpan(`chat ${model}`, {
    kind: SpanKind.CLIENT,
    attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'openai', 'gen_ai.request.model': model },
  });
  let answer: FaqAnswer;
  try {
    answer = await tracing.runWithSpan(span, ask);
  } catch (error) {
    failSpan(span, error);
    span.end();
    throw error;
  }
  let ended = false;
  const end = (error?: unknown) => {
    if (ended) return;
    ended = true;
    if (error === undefined) finish(observability, span, answer);
    else failSpan(span, error);
    span.end();
  };
  return {
    get model() {
      return answer.model;
    },
    get usage() {
      return answer.usage;
    },
    abort: () => answer.abort(),
    async *[Symbol.asyncIterator]() {
      try {
        yield* answer;
      } catch (error) {
        end(error);
        throw error;
      } finally {
        end(); // also when the reader stops early (the client left)
      }
    },
  };
}
