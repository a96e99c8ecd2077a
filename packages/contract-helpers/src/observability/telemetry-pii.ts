import type { MatcherContext, MatcherOutcome } from '../matchers.js';
import { ContractError } from '../errors.js';
import type { PiiFinding } from '../pii/pii-categories.js';
import { findPii, type PiiScanOptions } from '../pii/pii-scan.js';
import type { LogCapture } from '../pii/log-capture.js';
import { printSafe } from '../safe-print.js';
import { isSpanLike, readSpan, type SpanLike } from './span-records.js';
import { maskText } from './telemetry-text.js';

/** A log record as OpenTelemetry's `ReadableLogRecord` has it (what `InMemoryLogRecordExporter` returns). */
export interface LogRecordLike {
  body?: unknown;
  attributes?: Readonly<Record<string, unknown>>;
  severityText?: string;
  severityNumber?: number;
  eventName?: string;
}

/**
 * Telemetry to check for personal data: spans or an `InMemorySpanExporter`, OpenTelemetry log
 * records or an `InMemoryLogRecordExporter`, a {@link LogCapture} (console and pino output), or
 * log lines (strings, or parsed JSON entries).
 */
export type TelemetryInput =
  | { getFinishedSpans(): readonly SpanLike[] }
  | { getFinishedLogRecords(): readonly LogRecordLike[] }
  | LogCapture
  | string
  | ReadonlyArray<SpanLike | LogRecordLike | string | object>;

/** A piece of personal data found in telemetry: where it was, and the finding (masked, never raw). */
export interface TelemetryPiiFinding extends PiiFinding {
  /** The item it was found in: `span "POST /orders"`, `log record 2`, `log line 3`. */
  where: string;
}

function isLogCapture(value: unknown): value is LogCapture {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as LogCapture).lines) &&
    Array.isArray((value as LogCapture).entries) &&
    'stream' in value
  );
}

function isLogRecord(value: unknown): value is LogRecordLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    ('hrTime' in value || 'severityNumber' in value || ('body' in value && 'instrumentationScope' in value))
  );
}

function itemsOf(input: unknown): readonly unknown[] {
  if (typeof input === 'string') return input.split('\n').filter((line) => line.trim() !== '');
  if (isLogCapture(input)) return input.entries;
  if (Array.isArray(input)) return input;
  if (typeof input === 'object' && input !== null) {
    const exporter = input as { getFinishedSpans?: () => readonly unknown[]; getFinishedLogRecords?: () => readonly unknown[] };
    if (typeof exporter.getFinishedSpans === 'function') return exporter.getFinishedSpans();
    if (typeof exporter.getFinishedLogRecords === 'function') return exporter.getFinishedLogRecords();
  }
  throw new ContractError('CONTRACT_UNSUPPORTED_TELEMETRY', {
    action: 'check the telemetry for personal data',
    reason: `${printSafe(input)} is not spans, log records, a log capture or log lines`,
    fix: "Pass an InMemorySpanExporter or InMemoryLogRecordExporter (or what their getFinished...() returns), captureLogs()'s result, or an array of log lines.",
  });
}

/** The parts of a span that its producer chose to write: name, attributes, status message, events. */
function spanView(span: SpanLike): object {
  const record = readSpan(span);
  return {
    name: record.name,
    attributes: record.attributes,
    ...(record.statusMessage === undefined ? {} : { statusMessage: record.statusMessage }),
    ...(record.events.length === 0 ? {} : { events: record.events }),
  };
}

/**
 * Every piece of personal data or secret in telemetry, with the item it sits in: span names,
 * attributes, status messages and events (never trace or span ids); log record bodies and
 * attributes; captured or given log lines, structured (JSON) or text. Uses the package's PII
 * detectors; `options.allow.paths` are JSONPaths within one item (`$.attributes['client.address']`,
 * `$.user.email`). Findings hold masked samples, never raw values.
 *
 * @param input - spans, log records, an exporter of either, a log capture or log lines
 * @param options - allow-list, categories, minimum risk
 * @example
 * findTelemetryPii(spanExporter) // [{ where: 'span "POST /leads"', path: "$.attributes['lead.email']", category: 'email', masked: 'j***@c***.example', ... }]
 */
export function findTelemetryPii(input: TelemetryInput, options: PiiScanOptions = {}): TelemetryPiiFinding[] {
  const findings: TelemetryPiiFinding[] = [];
  itemsOf(input).forEach((item, index) => {
    let where: string;
    let view: unknown;
    if (isSpanLike(item)) {
      where = `span ${JSON.stringify(maskText(item.name))}`;
      view = spanView(item);
    } else if (isLogRecord(item)) {
      where = `log record ${index + 1}${item.severityText === undefined ? '' : ` (${item.severityText})`}`;
      view = { body: item.body, attributes: item.attributes ?? {}, ...(item.eventName === undefined ? {} : { eventName: item.eventName }) };
    } else {
      where = `log line ${index + 1}`;
      view = item;
    }
    for (const finding of findPii(view, options)) findings.push({ where, ...finding });
  });
  return findings;
}

/**
 * `expect(telemetry).toLeakPii(options?)`, mostly as `expect(exporter).not.toLeakPii()`: whether
 * spans, log records or log lines carry personal data or secrets ({@link findTelemetryPii}).
 * Failures list the span or line, the JSONPath in it, the category and a masked sample.
 *
 * @param this - Jest's matcher context
 * @param received - spans, log records, an exporter, `captureLogs()`'s result or log lines
 * @param options - allow-list, categories, minimum risk
 * @example
 * expect(spanExporter).not.toLeakPii({ allow: { paths: ["$.attributes['client.address']"] } })
 * expect(logs).not.toLeakPii() // logs = captureLogs()
 */
export function toLeakPii(this: MatcherContext | undefined, received: unknown, options: PiiScanOptions = {}): MatcherOutcome {
  const findings = findTelemetryPii(received as TelemetryInput, options);
  const pass = findings.length > 0;
  const head = this?.utils?.matcherHint('toLeakPii', undefined, 'options', { isNot: this.isNot, promise: this.promise }) ?? 'toLeakPii';
  const list = findings
    .slice(0, 30)
    .map(
      (finding) =>
        `  ${finding.where}  ${finding.path}  ${finding.category}  ${finding.masked}${finding.evidence === 'key' ? '  (by its name)' : ''}`,
    );
  if (findings.length > 30) list.push(`  ... and ${findings.length - 30} more`);
  return {
    pass,
    message: () =>
      pass
        ? `${head}\n\nExpected no personal data or secrets in the telemetry; found ${findings.length} (values masked):\n${list.join('\n')}\nRedact them where they are recorded (a span processor, the logger's redact option), or allow known-safe values with { allow: { paths, values, categories } }.`
        : `${head}\n\nExpected personal data or secrets in the telemetry, but found none.`,
  };
}
