import { MetricsRegistry, type Counter, type Histogram } from './metrics-registry.ts';

/** A chat model's list price, in US dollars per million tokens. */
export interface LlmPrice {
  input: number;
  output: number;
}

/**
 * What the FAQ's models cost, in US dollars per million tokens: the default model's list price, and
 * the local upstream's model (`src/llm-upstream.ts`) priced the same, so the cassettes' cost ceiling
 * and this counter agree.
 */
export const LLM_PRICES: Readonly<Record<string, LlmPrice>> = {
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'support-desk-faq-1': { input: 0.15, output: 0.6 },
};

/** Upper bounds of the request duration buckets, in seconds: 5 ms to 10 s. */
export const DURATION_BUCKETS_SECONDS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The `route` label of a request no route matched: never the raw URL, which holds ids. */
export const UNMATCHED_ROUTE = 'unmatched';

/** One answered HTTP request, as the metrics count it. */
export interface ObservedRequest {
  method: string;
  /** The route template (`/orders/:id`), or {@link UNMATCHED_ROUTE}. */
  route: string;
  status: number;
  durationSeconds: number;
}

/**
 * The cost of one answer in US dollars at {@link LLM_PRICES}, or undefined for a model without a price.
 *
 * @example
 * llmCostDollars('gpt-4o-mini', { promptTokens: 1000, completionTokens: 100 }) // 0.00021
 */
export function llmCostDollars(model: string, usage: { promptTokens: number; completionTokens: number }): number | undefined {
  const price = LLM_PRICES[model];
  if (price === undefined) return undefined;
  return (usage.promptTokens * price.input + usage.completionTokens * price.output) / 1_000_000;
}

/**
 * The service's own metrics on a {@link MetricsRegistry}: HTTP requests by method, route template
 * and status with their durations, and the domain counters (orders placed, payments retried, LLM
 * tokens and cost). Label values are templates and enumerations only: never ids or personal data.
 *
 * @example
 * const metrics = new ServiceMetrics()
 * metrics.observeRequest({ method: 'GET', route: '/health', status: 200, durationSeconds: 0.003 })
 * metrics.render()
 */
export class ServiceMetrics {
  readonly registry = new MetricsRegistry();
  readonly #requests: Counter;
  readonly #durations: Histogram;
  readonly #ordersPlaced: Counter;
  readonly #paymentsRetried: Counter;
  readonly #llmTokens: Counter;
  readonly #llmCost: Counter;
  readonly #faqAnswers: Counter;

  constructor() {
    this.#requests = this.registry.counter('http_requests_total', 'HTTP requests answered, by method, route template and status.', [
      'method',
      'route',
      'status',
    ]);
    this.#durations = this.registry.histogram(
      'http_request_duration_seconds',
      'Time from receiving an HTTP request to the end of its response, by method and route template.',
      ['method', 'route'],
      DURATION_BUCKETS_SECONDS,
    );
    this.#ordersPlaced = this.registry.counter('orders_placed_total', 'Orders placed (idempotent replays not counted), by currency.', [
      'currency',
    ]);
    this.#paymentsRetried = this.registry.counter(
      'payments_retried_total',
      'Calls to the payments provider retried after a failed attempt, by operation and reason.',
      ['operation', 'reason'],
    );
    this.#llmTokens = this.registry.counter('llm_tokens_total', 'Tokens the FAQ language model reported, by model and direction.', [
      'model',
      'direction',
    ]);
    this.#llmCost = this.registry.counter('llm_cost_dollars_total', 'Estimated cost of the FAQ language model, in US dollars, by model.', [
      'model',
    ]);
    this.#faqAnswers = this.registry.counter('faq_answers_total', 'FAQ answers given, by source (model or knowledge_base).', ['source']);
  }

  /** Count and time one answered request. */
  observeRequest(request: ObservedRequest): void {
    this.#requests.inc({ method: request.method, route: request.route, status: String(request.status) });
    this.#durations.observe({ method: request.method, route: request.route }, request.durationSeconds);
  }

  /** Count an order placed in `currency` (ISO 4217). */
  orderPlaced(currency: string): void {
    this.#ordersPlaced.inc({ currency: /^[A-Z]{3}$/.test(currency) ? currency : 'other' });
  }

  /** Count a retried call to the payments provider. */
  paymentRetried(operation: string, reason: 'unavailable' | 'unreachable'): void {
    this.#paymentsRetried.inc({ operation, reason });
  }

  /** Count the tokens and cost of one answer of `model`. */
  llmUsage(model: string, usage: { promptTokens: number; completionTokens: number }): void {
    this.#llmTokens.inc({ model, direction: 'input' }, usage.promptTokens);
    this.#llmTokens.inc({ model, direction: 'output' }, usage.completionTokens);
    const cost = llmCostDollars(model, usage);
    if (cost !== undefined) this.#llmCost.inc({ model }, cost);
  }

  /** Count an FAQ answer by where it came from. */
  faqAnswered(source: 'model' | 'knowledge_base'): void {
    this.#faqAnswers.inc({ source });
  }

  /** The metrics in the Prometheus text format 0.0.4. */
  render(): string {
    return this.registry.render();
  }
}
