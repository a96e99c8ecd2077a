import { ContractError } from '../errors.js';
import { printSafe } from '../safe-print.js';
import { maskText } from './telemetry-text.js';

/** The ids of a span (OpenTelemetry's `SpanContext`). */
export interface SpanContextLike {
  traceId: string;
  spanId: string;
}

/**
 * A finished span as OpenTelemetry's `ReadableSpan` has it (what `InMemorySpanExporter`
 * returns), read by shape so the package needs no OpenTelemetry dependency. Plain records with
 * `traceId`/`spanId` fields (exported JSON) work too; SDK 1.x's `parentSpanId` as well as 2.x's
 * `parentSpanContext`.
 */
export interface SpanLike {
  name: string;
  /** `SpanKind`: 0 internal, 1 server, 2 client, 3 producer, 4 consumer (or the name). */
  kind?: number | string;
  spanContext?: () => SpanContextLike;
  traceId?: string;
  spanId?: string;
  parentSpanContext?: SpanContextLike;
  parentSpanId?: string;
  /** `SpanStatus`: code 0 unset, 1 ok, 2 error (or the name). */
  status?: { code: number | string; message?: string };
  attributes?: Readonly<Record<string, unknown>>;
  events?: ReadonlyArray<{ name: string; attributes?: Readonly<Record<string, unknown>> }>;
  ended?: boolean;
}

/** Spans as the helpers take them: an array, or an exporter with `getFinishedSpans()`. */
export type SpansInput = readonly SpanLike[] | { getFinishedSpans(): readonly SpanLike[] };

/** A span kind by name. */
export type SpanKindName = 'internal' | 'server' | 'client' | 'producer' | 'consumer';
/** A span status by name. */
export type SpanStatusName = 'unset' | 'ok' | 'error';

/** A span read into one plain shape. */
export interface SpanRecord {
  name: string;
  kind: SpanKindName;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  status: SpanStatusName;
  statusMessage?: string;
  attributes: Readonly<Record<string, unknown>>;
  events: ReadonlyArray<{ name: string; attributes: Readonly<Record<string, unknown>> }>;
  ended: boolean;
  /** The span it was read from. */
  source: SpanLike;
}

/** A span with the spans that name it as their parent. */
export interface SpanTreeNode {
  span: SpanRecord;
  children: SpanTreeNode[];
}

const KINDS: readonly SpanKindName[] = ['internal', 'server', 'client', 'producer', 'consumer'];
const STATUSES: readonly SpanStatusName[] = ['unset', 'ok', 'error'];
const INVALID_PARENT = /^0+$/;

function kindOf(kind: number | string | undefined): SpanKindName {
  if (typeof kind === 'number') return KINDS[kind] ?? 'internal';
  const name = String(kind ?? 'internal')
    .toLowerCase()
    .replace(/^span_kind_/, '');
  return (KINDS as readonly string[]).includes(name) ? (name as SpanKindName) : 'internal';
}

function statusOf(code: number | string | undefined): SpanStatusName {
  if (typeof code === 'number') return STATUSES[code] ?? 'unset';
  const name = String(code ?? 'unset')
    .toLowerCase()
    .replace(/^status_code_/, '');
  return (STATUSES as readonly string[]).includes(name) ? (name as SpanStatusName) : 'unset';
}

/**
 * Whether `value` has the shape of a span.
 *
 * @internal
 * @example
 * isSpanLike(exporter.getFinishedSpans()[0]) // true
 */
export function isSpanLike(value: unknown): value is SpanLike {
  if (typeof value !== 'object' || value === null) return false;
  const span = value as Partial<SpanLike>;
  return typeof span.name === 'string' && (typeof span.spanContext === 'function' || typeof span.spanId === 'string');
}

/**
 * One span in the plain shape of {@link SpanRecord}.
 *
 * @param span - a `ReadableSpan` or a span record
 * @example
 * readSpan(exporter.getFinishedSpans()[0]).status // 'ok'
 */
export function readSpan(span: SpanLike): SpanRecord {
  if (!isSpanLike(span)) {
    throw new ContractError('CONTRACT_UNSUPPORTED_TELEMETRY', {
      action: 'read a span',
      reason: `${printSafe(span)} is not a span (it needs a name and spanContext() or spanId)`,
      fix: "Pass spans from OpenTelemetry's InMemorySpanExporter (exporter.getFinishedSpans()) or the exporter itself.",
    });
  }
  const context = typeof span.spanContext === 'function' ? span.spanContext() : { traceId: span.traceId ?? '', spanId: span.spanId ?? '' };
  const parent = span.parentSpanContext?.spanId ?? span.parentSpanId;
  const record: SpanRecord = {
    name: span.name,
    kind: kindOf(span.kind),
    traceId: context.traceId,
    spanId: context.spanId,
    status: statusOf(span.status?.code),
    attributes: span.attributes ?? {},
    events: (span.events ?? []).map((event) => ({ name: event.name, attributes: event.attributes ?? {} })),
    ended: span.ended ?? true,
    source: span,
  };
  if (parent !== undefined && parent !== '' && !INVALID_PARENT.test(parent)) record.parentSpanId = parent;
  if (span.status?.message !== undefined && span.status.message !== '') record.statusMessage = span.status.message;
  return record;
}

/**
 * Every span of `input` (an array, or an exporter with `getFinishedSpans()`) in the plain shape of {@link SpanRecord}.
 *
 * @param input - spans or an in-memory exporter
 * @example
 * readSpans(exporter).map((span) => span.name) // ['pg.query', 'POST /orders']
 */
export function readSpans(input: SpansInput): SpanRecord[] {
  const spans = Array.isArray(input)
    ? (input as readonly SpanLike[])
    : typeof (input as { getFinishedSpans?: unknown } | null)?.getFinishedSpans === 'function'
      ? (input as { getFinishedSpans(): readonly SpanLike[] }).getFinishedSpans()
      : undefined;
  if (spans === undefined) {
    throw new ContractError('CONTRACT_UNSUPPORTED_TELEMETRY', {
      action: 'read the spans',
      reason: `${printSafe(input)} is neither an array of spans nor an exporter with getFinishedSpans()`,
      fix: 'Pass an InMemorySpanExporter, or exporter.getFinishedSpans().',
    });
  }
  return spans.map(readSpan);
}

/**
 * The spans as trees: each root (a span with no parent, or whose parent is not among the spans)
 * with its children, in the order the spans were given.
 *
 * @param input - spans or an in-memory exporter
 * @example
 * spanTree(exporter)[0].children.map((node) => node.span.name) // ['pg.query', 'publish order.created']
 */
export function spanTree(input: SpansInput | readonly SpanRecord[]): SpanTreeNode[] {
  const records = isRecordList(input) ? input : readSpans(input);
  const nodes = new Map<string, SpanTreeNode>();
  for (const span of records) nodes.set(`${span.traceId}/${span.spanId}`, { span, children: [] });
  const roots: SpanTreeNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.span.parentSpanId === undefined ? undefined : nodes.get(`${node.span.traceId}/${node.span.parentSpanId}`);
    if (parent === undefined || parent === node) roots.push(node);
    else parent.children.push(node);
  }
  return roots;
}

function isRecordList(input: unknown): input is readonly SpanRecord[] {
  return (
    Array.isArray(input) &&
    input.every((item) => typeof item === 'object' && item !== null && 'source' in item && typeof (item as SpanRecord).kind === 'string')
  );
}

/**
 * One span as a line of a tree: name, kind and status, personal data masked.
 *
 * @internal
 * @example
 * describeSpan(readSpan(span)) // 'POST /orders  [server, error: sku is missing]'
 */
export function describeSpan(span: SpanRecord): string {
  const status =
    span.status === 'error' ? `error${span.statusMessage === undefined ? '' : `: ${maskText(span.statusMessage)}`}` : span.status;
  return `${maskText(span.name)}  [${span.kind}, ${status}${span.ended ? '' : ', not ended'}]`;
}

/**
 * The spans as an indented tree, for failure messages and debugging: one line per span (name,
 * kind, status; personal data masked), children under their parent, spans whose parent was not
 * exported marked as such.
 *
 * @param input - spans or an in-memory exporter
 * @param options - `mark`: spans to flag with `←` (by span id)
 * @example
 * console.log(formatSpanTree(exporter))
 * // POST /orders  [server, ok]
 * // ├─ pg.query INSERT  [client, unset]
 * // └─ publish order.created  [producer, error: broker down]
 */
export function formatSpanTree(input: SpansInput | readonly SpanRecord[], options: { mark?: ReadonlySet<string> } = {}): string {
  const lines: string[] = [];
  const visit = (node: SpanTreeNode, prefix: string, connector: string, childPrefix: string): void => {
    const orphan =
      node.span.parentSpanId !== undefined && connector === ''
        ? `(parent ${node.span.parentSpanId.slice(0, 8)}… not among the spans) `
        : '';
    const marked = options.mark?.has(node.span.spanId) === true ? '  ←' : '';
    lines.push(`${prefix}${connector}${orphan}${describeSpan(node.span)}${marked}`);
    node.children.forEach((child, index) => {
      const last = index === node.children.length - 1;
      visit(child, childPrefix, last ? '└─ ' : '├─ ', `${childPrefix}${last ? '   ' : '│  '}`);
    });
  };
  for (const root of spanTree(input)) visit(root, '', '', '');
  return lines.length === 0 ? '(no spans)' : lines.join('\n');
}
