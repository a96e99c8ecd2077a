import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';

/** What every chunk of one streamed chat completion repeats. */
export interface ChatChunkContext {
  id: string;
  /** Unix time, in seconds. */
  created: number;
  model: string;
}

/** A `chat.completion.chunk` with one choice carrying `delta`. */
export function chatCompletionChunk(
  context: ChatChunkContext,
  delta: ChatCompletionChunk.Choice.Delta,
  finishReason: ChatCompletionChunk.Choice['finish_reason'],
): ChatCompletionChunk {
  return {
    id: context.id,
    object: 'chat.completion.chunk',
    created: context.created,
    model: context.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

/**
 * The chunks of a streamed chat completion in the shape OpenAI sends them: a role chunk, one chunk
 * per piece of content, a finishing chunk, and a usage chunk without choices when `usage` is given
 * (OpenAI sends one only when the request set `stream_options.include_usage`). Each goes out as one
 * SSE `data:` event, followed by `data: [DONE]`.
 *
 * @example
 * chatCompletionChunks({ id: 'chatcmpl-1', created: 0, model: 'm' }, ['Hello ', 'world']).length // 4
 */
export function chatCompletionChunks(context: ChatChunkContext, pieces: readonly string[], usage?: CompletionUsage): ChatCompletionChunk[] {
  return [
    chatCompletionChunk(context, { role: 'assistant', content: '' }, null),
    ...pieces.map((piece) => chatCompletionChunk(context, { content: piece }, null)),
    chatCompletionChunk(context, {}, 'stop'),
    ...(usage === undefined
      ? []
      : [{ id: context.id, object: 'chat.completion.chunk' as const, created: context.created, model: context.model, choices: [], usage }]),
  ];
}
