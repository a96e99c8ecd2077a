import { bodyBytes } from './bodies.js';
import type { Cassette, Interaction, LlmUsage, RecordedRequest, RecordedResponse } from './format.js';

/** Price of a model in US dollars per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  /** Price of cached input tokens (cache reads); without it they cost as much as other input tokens. */
  cachedInput?: number;
}

/**
 * Built-in list prices (USD per million tokens) used when a model has no entry in `prices`. Model
 * names match by prefix, so dated snapshots (`gpt-4o-mini-2024-07-18`) find their family.
 */
export const DEFAULT_PRICES: Readonly<Record<string, ModelPrice>> = {
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1': { input: 2, output: 8 },
  'o4-mini': { input: 1.1, output: 4.4 },
  'claude-3-5-haiku': { input: 0.8, output: 4 },
  'claude-3-5-sonnet': { input: 3, output: 15 },
  'claude-sonnet-4': { input: 3, output: 15 },
  'claude-opus-4': { input: 15, output: 75 },
};

function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

interface FoundUsage {
  model?: string;
  input?: number;
  cached?: number;
  output?: number;
}

/**
 * Usage fields of one OpenAI- or Anthropic-style JSON object, if it has any: chat completions
 * (`prompt_tokens`, cached ones under `prompt_tokens_details`), the Responses API (`input_tokens`, and
 * its streamed `response.completed` event with usage under `response`), Anthropic messages (with
 * `cache_read_input_tokens` and `cache_creation_input_tokens` counted as input) and their
 * `message_start` event with usage under `message`.
 */
function usageOf(value: unknown): FoundUsage {
  if (value === null || typeof value !== 'object') return {};
  const record = value as Record<string, unknown>;
  const model = typeof record['model'] === 'string' ? record['model'] : undefined;
  let inner: FoundUsage = {};
  for (const key of ['message', 'response']) {
    const nested = record[key];
    if (nested !== null && typeof nested === 'object') inner = { ...inner, ...usageOf(nested) };
  }
  const usage = record['usage'];
  if (usage === null || typeof usage !== 'object') return { ...inner, ...(model === undefined ? {} : { model }) };
  const fields = usage as Record<string, unknown>;
  const details = (name: string): Record<string, unknown> => {
    const found = fields[name];
    return found !== null && typeof found === 'object' ? (found as Record<string, unknown>) : {};
  };
  const cacheRead = asNumber(fields['cache_read_input_tokens']);
  const cacheWrite = asNumber(fields['cache_creation_input_tokens']);
  const plain = asNumber(fields['prompt_tokens']) ?? asNumber(fields['input_tokens']);
  // Anthropic reports cache reads and writes apart from input_tokens; OpenAI counts cached tokens inside prompt/input tokens.
  const input =
    plain === undefined && cacheRead === undefined && cacheWrite === undefined
      ? undefined
      : (plain ?? 0) + (cacheRead ?? 0) + (cacheWrite ?? 0);
  const cached =
    cacheRead ?? asNumber(details('prompt_tokens_details')['cached_tokens']) ?? asNumber(details('input_tokens_details')['cached_tokens']);
  const output = asNumber(fields['completion_tokens']) ?? asNumber(fields['output_tokens']);
  return {
    ...inner,
    ...(model === undefined ? {} : { model }),
    ...(input === undefined ? {} : { input }),
    ...(cached === undefined ? {} : { cached }),
    ...(output === undefined ? {} : { output }),
  };
}

function streamedObjects(response: RecordedResponse): unknown[] {
  const stream = response.stream;
  if (stream === undefined) return [];
  const text = stream.chunks.map((chunk) => chunk.text ?? Buffer.from(chunk.base64 ?? '', 'base64').toString('utf8')).join('');
  const lines =
    stream.kind === 'sse'
      ? text
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trim())
      : text.split('\n');
  const objects: unknown[] = [];
  for (const line of lines) {
    if (line === '' || line === '[DONE]') continue;
    try {
      objects.push(JSON.parse(line));
    } catch {
      // Not JSON: not a usage report.
    }
  }
  return objects;
}

function requestModel(request: RecordedRequest): string | undefined {
  const body = request.body;
  if (body === undefined) return undefined;
  try {
    const parsed: unknown = 'json' in body ? body.json : JSON.parse(bodyBytes(body).toString('utf8'));
    const model = (parsed as Record<string, unknown> | null)?.['model'];
    return typeof model === 'string' ? model : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Token usage of one exchange, read from an OpenAI-style (`usage.prompt_tokens`/`completion_tokens`,
 * streamed or not; Responses API `usage.input_tokens`/`output_tokens`, streamed `response.completed`)
 * or Anthropic-style (`usage.input_tokens`/`output_tokens` plus cache reads and writes, `message_start`
 * and `message_delta` events) response; undefined when the response reports none. `inputTokens`
 * includes cached tokens; `cachedInputTokens` says how many of them were cache reads.
 *
 * @example
 * readUsage(interaction.request, interaction.response) // { model: 'gpt-4o-mini', inputTokens: 42, outputTokens: 7 }
 */
export function readUsage(request: RecordedRequest, response: RecordedResponse): LlmUsage | undefined {
  const objects = response.body !== undefined && 'json' in response.body ? [response.body.json] : streamedObjects(response);
  let model: string | undefined;
  let input: number | undefined;
  let cached: number | undefined;
  let output: number | undefined;
  for (const object of objects) {
    const found = usageOf(object);
    model ??= found.model;
    if (found.input !== undefined && found.input > 0) {
      input = found.input;
      cached = found.cached;
    }
    if (found.output !== undefined) output = found.output;
  }
  if (input === undefined && output === undefined) return undefined;
  model ??= requestModel(request);
  return {
    ...(model === undefined ? {} : { model }),
    inputTokens: input ?? 0,
    ...(cached === undefined || cached === 0 ? {} : { cachedInputTokens: cached }),
    outputTokens: output ?? 0,
  };
}

/** Usage and estimated cost of a cassette. */
export interface CassetteCost {
  inputTokens: number;
  outputTokens: number;
  /** Estimated US dollars; undefined when a model has no known price. */
  usd: number | undefined;
  /** Models seen without a price (add them to `prices`). */
  unpricedModels: string[];
  /** Interactions that reported usage. */
  calls: number;
}

function priceOf(model: string | undefined, prices: Readonly<Record<string, ModelPrice>>): ModelPrice | undefined {
  if (model === undefined) return undefined;
  if (prices[model] !== undefined) return prices[model];
  const prefix = Object.keys(prices)
    .filter((name) => model.startsWith(name))
    .sort((a, b) => b.length - a.length)[0];
  return prefix === undefined ? undefined : prices[prefix];
}

/**
 * Total token usage and estimated cost of some interactions (a cassette's, or a test's).
 *
 * @param prices - per-model prices (USD per million tokens), on top of {@link DEFAULT_PRICES}
 * @example
 * estimateCost(readCassette(path)!.interactions, { 'my-model': { input: 1, output: 2 } }).usd
 */
export function estimateCost(
  interactions: readonly Pick<Interaction, 'usage'>[] | Cassette,
  prices: Readonly<Record<string, ModelPrice>> = {},
): CassetteCost {
  const list: readonly Pick<Interaction, 'usage'>[] = 'interactions' in interactions ? interactions.interactions : interactions;
  const table = { ...DEFAULT_PRICES, ...prices };
  let inputTokens = 0;
  let outputTokens = 0;
  let usd: number | undefined = 0;
  let calls = 0;
  const unpriced = new Set<string>();
  for (const { usage } of list) {
    if (usage === undefined) continue;
    calls += 1;
    inputTokens += usage.inputTokens;
    outputTokens += usage.outputTokens;
    const price = priceOf(usage.model, table);
    if (price === undefined) {
      unpriced.add(usage.model ?? '(unnamed model)');
      usd = undefined;
    } else if (usd !== undefined) {
      const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
      usd +=
        ((usage.inputTokens - cached) * price.input + cached * (price.cachedInput ?? price.input) + usage.outputTokens * price.output) /
        1_000_000;
    }
  }
  return { inputTokens, outputTokens, usd, unpricedModels: [...unpriced], calls };
}
