import { isDeepStrictEqual } from 'node:util';
import type { MatcherContext, MatcherOutcome } from '../matchers.js';
import { printSafe } from '../safe-print.js';
import {
  describeSpan,
  formatSpanTree,
  readSpan,
  readSpans,
  type SpanKindName,
  type SpanLike,
  type SpanRecord,
  type SpanStatusName,
  type SpansInput,
} from './span-records.js';
import { maskText } from './telemetry-text.js';

/** Jest's matcher context with its `equals`, so attribute expectations may be asymmetric matchers. */
interface EqualsContext extends MatcherContext {
  equals?(actual: unknown, expected: unknown): boolean;
}

/** What {@link toHaveSpan} expects of a span. */
export interface SpanExpectation {
  kind?: SpanKindName;
  /** Its status, or its status with a message. */
  status?: SpanStatusName | { code: SpanStatusName; message?: string | RegExp };
  /** Attributes it must have (others may be there): values compared with Jest's equality, patterns tested on strings. */
  attributes?: Readonly<Record<string, unknown>>;
  /** Names of events it must have. */
  events?: readonly string[];
  /** It recorded an exception (an `exception` event), of this type and message when given. */
  exception?: boolean | { type?: string | RegExp; message?: string | RegExp };
  /** Its parent: the parent span, or the parent's name. */
  parent?: string | RegExp | SpanLike;
  /** Exactly this many spans match (default: at least one). */
  count?: number;
}

const MAX_CANDIDATES = 8;

function hint(context: MatcherContext | undefined, name: string, expected: string): string {
  return context?.utils?.matcherHint(name, undefined, expected, { isNot: context.isNot, promise: context.promise }) ?? name;
}

function textMatches(actual: unknown, expected: string | RegExp): boolean {
  if (typeof actual !== 'string') return false;
  return typeof expected === 'string' ? actual === expected : new RegExp(expected.source, expected.flags.replace('g', '')).test(actual);
}

function describeText(expected: string | RegExp): string {
  return typeof expected === 'string' ? printSafe(expected) : String(expected);
}

function valueEquals(context: EqualsContext | undefined, actual: unknown, expected: unknown): boolean {
  if (expected instanceof RegExp) return textMatches(actual, expected);
  return context?.equals !== undefined ? context.equals(actual, expected) : isDeepStrictEqual(actual, expected);
}

function describeExpected(name: string | RegExp, expected: SpanExpectation): string {
  const parts: string[] = [];
  if (expected.kind !== undefined) parts.push(`kind ${expected.kind}`);
  if (expected.status !== undefined) {
    parts.push(
      typeof expected.status === 'string'
        ? `status ${expected.status}`
        : `status ${expected.status.code}${expected.status.message === undefined ? '' : ` (${describeText(expected.status.message)})`}`,
    );
  }
  if (expected.attributes !== undefined) parts.push(`attributes ${Object.keys(expected.attributes).join(', ')}`);
  if (expected.events !== undefined) parts.push(`events ${expected.events.join(', ')}`);
  if (expected.exception !== undefined && expected.exception !== false) parts.push('a recorded exception');
  if (expected.parent !== undefined)
    parts.push(
      `parent ${typeof expected.parent === 'object' && !(expected.parent instanceof RegExp) ? JSON.stringify(maskText(expected.parent.name)) : describeText(expected.parent)}`,
    );
  const title = typeof name === 'string' ? JSON.stringify(maskText(name)) : String(name);
  return `${expected.count === undefined ? 'a span' : `${expected.count} ${expected.count === 1 ? 'span' : 'spans'}`} ${title}${parts.length === 0 ? '' : ` with ${parts.join(', ')}`}`;
}

function exceptionMismatch(span: SpanRecord, expected: NonNullable<SpanExpectation['exception']>): string | undefined {
  const exceptions = span.events.filter((event) => event.name === 'exception');
  if (expected === false) return exceptions.length === 0 ? undefined : 'it recorded an exception';
  if (exceptions.length === 0) return 'it recorded no exception (no "exception" event: call span.recordException(error))';
  if (expected === true) return undefined;
  const fits = exceptions.some(
    (event) =>
      (expected.type === undefined || textMatches(event.attributes['exception.type'], expected.type)) &&
      (expected.message === undefined || textMatches(event.attributes['exception.message'], expected.message)),
  );
  if (fits) return undefined;
  const seen = exceptions.map(
    (event) => `${printSafe(event.attributes['exception.type'])}: ${printSafe(event.attributes['exception.message'])}`,
  );
  return `its exceptions are ${seen.join('; ')}, not ${expected.type === undefined ? '' : describeText(expected.type)}${expected.message === undefined ? '' : `: ${describeText(expected.message)}`}`;
}

function mismatches(
  context: EqualsContext | undefined,
  span: SpanRecord,
  expected: SpanExpectation,
  byId: Map<string, SpanRecord>,
): string[] {
  const found: string[] = [];
  if (expected.kind !== undefined && span.kind !== expected.kind) found.push(`kind is ${span.kind}, not ${expected.kind}`);
  if (expected.status !== undefined) {
    const status = typeof expected.status === 'string' ? { code: expected.status } : expected.status;
    if (span.status !== status.code) found.push(`status is ${span.status}, not ${status.code}`);
    else if (status.message !== undefined && !textMatches(span.statusMessage ?? '', status.message)) {
      found.push(`status message is ${printSafe(span.statusMessage ?? '')}, not ${describeText(status.message)}`);
    }
  }
  for (const [key, value] of Object.entries(expected.attributes ?? {})) {
    if (!Object.hasOwn(span.attributes, key)) found.push(`attribute ${key} is missing`);
    else if (!valueEquals(context, span.attributes[key], value)) {
      found.push(
        `attribute ${key} is ${printSafe(span.attributes[key], key)}, not ${value instanceof RegExp ? String(value) : printSafe(value, key)}`,
      );
    }
  }
  for (const event of expected.events ?? []) {
    if (!span.events.some((candidate) => candidate.name === event)) found.push(`event ${JSON.stringify(event)} is missing`);
  }
  if (expected.exception !== undefined) {
    const problem = exceptionMismatch(span, expected.exception);
    if (problem !== undefined) found.push(problem);
  }
  if (expected.parent !== undefined) {
    const parent = span.parentSpanId === undefined ? undefined : byId.get(`${span.traceId}/${span.parentSpanId}`);
    const wanted = expected.parent;
    const ok =
      typeof wanted === 'object' && !(wanted instanceof RegExp)
        ? parent !== undefined && parent.spanId === readSpan(wanted).spanId && parent.traceId === readSpan(wanted).traceId
        : parent !== undefined && textMatches(parent.name, wanted);
    if (!ok)
      found.push(
        parent === undefined
          ? span.parentSpanId === undefined
            ? 'it is a root span'
            : 'its parent is not among the spans'
          : `its parent is ${JSON.stringify(maskText(parent.name))}`,
      );
  }
  return found;
}

/**
 * `expect(spans).toHaveSpan(name, { kind, status, attributes, events, exception, parent, count }?)`:
 * a finished span named `name` (a string or pattern) has all of it. `spans` is an array of
 * OpenTelemetry `ReadableSpan`s or the `InMemorySpanExporter` itself. Failures say what each span
 * of that name lacks and print the span tree; attribute values are masked when they look personal.
 *
 * @param this - Jest's matcher context
 * @param received - spans or an in-memory exporter
 * @param name - the span's name
 * @param expected - what it must have
 * @example
 * expect(exporter).toHaveSpan('POST /orders', { kind: 'server', status: 'error', attributes: { 'http.response.status_code': 502 }, exception: { type: 'UpstreamError' } })
 */
export function toHaveSpan(
  this: EqualsContext | undefined,
  received: unknown,
  name: string | RegExp,
  expected: SpanExpectation = {},
): MatcherOutcome {
  const spans = readSpans(received as SpansInput);
  const byId = new Map(spans.map((span) => [`${span.traceId}/${span.spanId}`, span] as const));
  const named = spans.filter((span) => textMatches(span.name, name));
  const results = named.map((span) => ({ span, problems: mismatches(this, span, expected, byId) }));
  const matching = results.filter((result) => result.problems.length === 0);
  const pass = expected.count === undefined ? matching.length > 0 : matching.length === expected.count;
  const head = hint(this, 'toHaveSpan', 'name, expected');
  const tree = (): string =>
    formatSpanTree(spans, { mark: new Set(named.map((span) => span.spanId)) })
      .split('\n')
      .map((line) => `  ${line}`)
      .join('\n');
  const what = describeExpected(name, expected);
  return {
    pass,
    message: () => {
      if (pass)
        return `${head}\n\nExpected no ${what.replace(/^a span /, 'span ')}, but ${matching.length} ${matching.length === 1 ? 'matches' : 'match'}. The spans (← marks the ones named so):\n${tree()}`;
      const why =
        named.length === 0
          ? `no span is named so (${spans.length} ${spans.length === 1 ? 'span' : 'spans'} exported)`
          : expected.count !== undefined && matching.length > 0
            ? `${matching.length} ${matching.length === 1 ? 'matches' : 'match'}`
            : `none of the ${named.length} ${named.length === 1 ? 'span' : 'spans'} named so matches:\n${results
                .slice(0, MAX_CANDIDATES)
                .map((result) => `  ${describeSpan(result.span)}: ${result.problems.join('; ')}`)
                .join('\n')}`;
      return `${head}\n\nExpected ${what}, but ${why}.\nThe spans (← marks the ones named so):\n${tree()}`;
    },
  };
}

/**
 * `expect(span).toBeChildOf(parent, spans?)`: `span`'s parent is `parent` (same trace, its parent
 * span id is `parent`'s span id). Give all the spans (or the exporter) as `spans` to have the
 * failure print the tree with both marked.
 *
 * @param this - Jest's matcher context
 * @param received - the child span
 * @param parent - the span it should hang under
 * @param spans - every span, for the tree in the failure message
 * @example
 * const [query, request] = ['pg.query', 'POST /orders'].map((name) => exporter.getFinishedSpans().find((span) => span.name === name)!)
 * expect(query).toBeChildOf(request, exporter)
 */
export function toBeChildOf(this: MatcherContext | undefined, received: unknown, parent: SpanLike, spans?: SpansInput): MatcherOutcome {
  const child = readSpan(received as SpanLike);
  const expectedParent = readSpan(parent);
  const pass = child.traceId === expectedParent.traceId && child.parentSpanId === expectedParent.spanId;
  const head = hint(this, 'toBeChildOf', 'parent');
  const all = spans === undefined ? undefined : readSpans(spans);
  const actualParent = all?.find((span) => span.traceId === child.traceId && span.spanId === child.parentSpanId);
  const tree =
    all === undefined
      ? ''
      : `\nThe spans (← marks the two):\n${formatSpanTree(all, { mark: new Set([child.spanId, expectedParent.spanId]) })
          .split('\n')
          .map((line) => `  ${line}`)
          .join('\n')}`;
  const childName = JSON.stringify(maskText(child.name));
  const parentName = JSON.stringify(maskText(expectedParent.name));
  const actual =
    child.parentSpanId === undefined
      ? 'it is a root span'
      : child.traceId !== expectedParent.traceId
        ? `it is in another trace (${child.traceId.slice(0, 8)}…, not ${expectedParent.traceId.slice(0, 8)}…)`
        : `its parent is ${actualParent === undefined ? `span ${child.parentSpanId}` : JSON.stringify(maskText(actualParent.name))}`;
  return {
    pass,
    message: () =>
      pass
        ? `${head}\n\nExpected ${childName} not to be a child of ${parentName}, but it is.${tree}`
        : `${head}\n\nExpected ${childName} to be a child of ${parentName} (span ${expectedParent.spanId}), but ${actual}.${tree}`,
  };
}
