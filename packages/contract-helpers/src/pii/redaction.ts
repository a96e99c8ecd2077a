import type { PiiCategory } from './pii-categories.js';
import { normaliseKey } from './key-hints.js';
import { isCardLikeObject } from './payment-card.js';
import { findPiiInPlainText, type PiiScanOptions } from './pii-scan.js';
import { textSegments } from './text-segments.js';

/** How {@link redactPii} replaces what it finds. */
export interface RedactionOptions extends PiiScanOptions {
  /** The replacement text (default `[REDACTED:<category>]`). Must not itself look like personal data. */
  replacement?: (category: PiiCategory) => string;
}

const defaultReplacement = (category: PiiCategory): string => `[REDACTED:${category}]`;

interface Place {
  key: string | undefined;
  parentKey?: string | undefined;
  inCard?: boolean;
}

function redactPlainText(text: string, place: Place, whole: boolean, options: RedactionOptions): string {
  const findings = findPiiInPlainText(text, { ...place, whole }, options);
  if (findings.length === 0) return text;
  const replace = options.replacement ?? defaultReplacement;
  const byKey = findings.find((finding) => finding.evidence === 'key');
  if (byKey !== undefined) return replace(byKey.category);
  let out = '';
  let cursor = 0;
  for (const finding of [...findings].sort((a, b) => a.start! - b.start!)) {
    if (finding.start! < cursor) continue;
    out += text.slice(cursor, finding.start) + replace(finding.category);
    cursor = finding.end!;
  }
  return out + text.slice(cursor);
}

// Read the string as the scanner does (text-segments.ts): JSON text is redacted value by value and
// stays valid JSON; plain text has each finding replaced, a multi-line private key block whole.
function redactString(text: string, place: Place, options: RedactionOptions): string {
  let out = '';
  let cursor = 0;
  for (const segment of textSegments(text)) {
    out += text.slice(cursor, segment.start);
    out +=
      segment.kind === 'json'
        ? JSON.stringify(
            redactValue(segment.value, { key: undefined, parentKey: place.key }, options, new Map()),
            null,
            segment.indentation,
          )
        : redactPlainText(segment.text, place, segment.text === text, options);
    cursor = segment.end;
  }
  return out + text.slice(cursor);
}

function redactValue(value: unknown, place: Place, options: RedactionOptions, seen: Map<object, unknown>): unknown {
  if (typeof value === 'string') return redactString(value, place, options);
  if (typeof value === 'number' && Number.isInteger(value)) {
    const text = String(value);
    const redacted = redactString(text, place, options);
    return redacted === text ? value : redacted;
  }
  if (typeof value !== 'object' || value === null) return value;
  const done = seen.get(value);
  if (done !== undefined) return done;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    seen.set(value, copy);
    for (const item of value) copy.push(redactValue(item, place, options, seen));
    return copy;
  }
  if (value instanceof Date || ArrayBuffer.isView(value)) return value;
  const copy: Record<string, unknown> = {};
  seen.set(value, copy);
  const entries = Object.entries(value);
  const inCard = isCardLikeObject(entries, place.key === undefined ? undefined : normaliseKey(place.key));
  for (const [entryKey, entry] of entries)
    copy[entryKey] = redactValue(entry, { key: entryKey, parentKey: place.key, inCard }, options, seen);
  return copy;
}

/**
 * A redacted copy of `value`: every piece of personal data or secret replaced by
 * `[REDACTED:<category>]` (values whose property name marks them, such as `password`, replaced
 * whole). The input is never changed; redacting twice gives the same result; JSON stays valid (a
 * string holding JSON, or one JSON document per line as in pino logs, is redacted value by value;
 * a number that is personal data becomes the marker string). Timestamps and ids are left alone.
 *
 * @param value - any JSON-like value or string
 * @param options - what to let through and how to replace
 * @returns the redacted copy, of the same shape
 * @example
 * redactPii({ user: 'jane@corp.example', at: 1731000000000 }) // { user: '[REDACTED:email]', at: 1731000000000 }
 */
export function redactPii<T>(value: T, options: RedactionOptions = {}): T {
  return redactValue(value, { key: undefined }, options, new Map()) as T;
}
