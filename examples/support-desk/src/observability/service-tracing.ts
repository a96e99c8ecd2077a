import { AsyncLocalStorage } from 'node:async_hooks';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';

/** The instrumentation scope of every span the service starts. */
export const TRACER_NAME = 'support-desk';

/** What a child span is about. */
export interface ChildSpanOptions {
  kind?: SpanKind | undefined;
  attributes?: Attributes | undefined;
}

/**
 * Record `error` on `span` as an `exception` event and mark the span failed. The status message is
 * the error's class and code only: messages can carry values a request sent.
 *
 * @example
 * failSpan(span, new Error('connection reset'))
 */
export function failSpan(span: Span, error: unknown): void {
  const failure = error instanceof Error ? error : new Error(String(error));
  span.recordException(failure);
  const code = (failure as { code?: unknown }).code;
  span.setStatus({ code: SpanStatusCode.ERROR, message: typeof code === 'string' ? `${failure.name} ${code}` : failure.name });
}

/**
 * The service's tracing: a tracer from an OpenTelemetry `TracerProvider`, and the context of the
 * request being handled, carried through `await`s by an `AsyncLocalStorage` of its own (no global
 * context manager: several apps in one process, as in the tests, never see each other's spans).
 *
 * @example
 * const tracing = new ServiceTracing(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }))
 * const rows = await tracing.inSpan('SELECT orders', { kind: SpanKind.CLIENT }, () => sql.query('SELECT 1'))
 */
export class ServiceTracing {
  readonly tracer: Tracer;
  readonly #active = new AsyncLocalStorage<Context>();

  constructor(provider: TracerProvider = trace.getTracerProvider()) {
    this.tracer = provider.getTracer(TRACER_NAME);
  }

  /** The context of the request being handled here, or the root context outside one. */
  activeContext(): Context {
    return this.#active.getStore() ?? ROOT_CONTEXT;
  }

  /** The span of the operation being handled here, if any. */
  activeSpan(): Span | undefined {
    return trace.getSpan(this.activeContext());
  }

  /** Whether the code running now is handling a request of this service (not another app's). */
  isActive(): boolean {
    return this.#active.getStore() !== undefined;
  }

  /** Run `work` with `span` as the active span: spans started inside become its children. */
  runWithSpan<T>(span: Span, work: () => T): T {
    return this.#active.run(trace.setSpan(this.activeContext(), span), work);
  }

  /** Start a server span for a request: the root of the request's trace. */
  startServerSpan(name: string, attributes: Attributes): Span {
    return this.tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, ROOT_CONTEXT);
  }

  /** Start a span that is a child of the active one; the caller ends it. */
  startChildSpan(name: string, options: ChildSpanOptions = {}): Span {
    return this.tracer.startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, this.activeContext());
  }

  /**
   * Run `work` in a child span of the active one: ended when `work` settles, failed (error status
   * and an `exception` event) when it throws, and active inside `work`.
   */
  async inSpan<T>(name: string, options: ChildSpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
    const span = this.startChildSpan(name, options);
    try {
      return await this.runWithSpan(span, () => work(span));
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  }
}
