import type { PiiCategory } from './pii-categories.js';
import { findPiiInLeaf, type PiiScanOptions } from './pii-scan.js';

/** How {@link redactPII} replaces what it finds. */
export interface RedactionOptions extends PiiScanOptions {
  /** The replacement text (default `[REDACTED:<category>]`). Must not itself look like personal data. */
  replacement?: (category: PiiCategory) => string;
}

const defaultReplacement = (category: PiiCategory): string => `[REDACTED:${category}]`;

function redactString(text: string, key: string | undefined, options: RedactionOptions, parentKey?: string): string {
  const findings = findPiiInLeaf(text, key, options, parentKey);
  if (findings.length === 0) return text;
  const replace = options.replacement ?? defaultReplacement;
  const whole = findings.find((finding) => finding.evidence === 'key');
  if (whole !== undefined) return replace(whole.category);
  let out = '';
  let cursor = 0;
  for (const finding of [...findings].sort((a, b) => a.start! - b.start!)) {
    if (finding.start! < cursor) continue;
    out += text.slice(cursor, finding.start) + replace(finding.category);
    cursor = finding.end!;
  }
  return out + text.slice(cursor);
}

function redactValue(
  value: unknown,
  key: string | undefined,
  options: RedactionOptions,
  seen: Map<object, unknown>,
  parentKey?: string,
): unknown {
  if (typeof value === 'string') return redactString(value, key, options, parentKey);
  if (typeof value === 'number' && Number.isInteger(value)) {
    const text = String(value);
    const redacted = redactString(text, key, options, parentKey);
    return redacted === text ? value : redacted;
  }
  if (typeof value !== 'object' || value === null) return value;
  const done = seen.get(value);
  if (done !== undefined) return done;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    seen.set(value, copy);
    for (const item of value) copy.push(redactValue(item, key, options, seen, parentKey));
    return copy;
  }
  if (value instanceof Date || ArrayBuffer.isView(value)) return value;
  const copy: Record<string, unknown> = {};
  seen.set(value, copy);
  for (const [entryKey, entry] of Object.entries(value)) copy[entryKey] = redactValue(entry, entryKey, options, seen, key);
  return copy;
}

function indentationOf(text: string): string | number | undefined {
  const match = /^[[{]\r?\n([ \t]+)/.exec(text);
  return match === null ? undefined : match[1]!.includes('\t') ? '\t' : match[1]!.length;
}

function redactJsonText(text: string, options: RedactionOptions): string | undefined {
  const trimmed = text.trim();
  if (!/^[[{]/.test(trimmed)) return undefined;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    const redacted = redactValue(parsed, undefined, options, new Map());
    const leading = text.slice(0, text.indexOf(trimmed));
    const trailing = text.slice(text.indexOf(trimmed) + trimmed.length);
    return `${leading}${JSON.stringify(redacted, null, indentationOf(trimmed))}${trailing}`;
  } catch {
    return undefined;
  }
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
 * redactPII({ user: 'jane@corp.example', at: 1731000000000 }) // { user: '[REDACTED:email]', at: 1731000000000 }
 */
export function redactPII<T>(value: T, options: RedactionOptions = {}): T {
  if (typeof value === 'string') {
    const asJson = redactJsonText(value, options);
    if (asJson !== undefined) return asJson as T;
    if (value.includes('\n')) {
      return value
        .split('\n')
        .map((line) => redactJsonText(line, options) ?? redactString(line, undefined, options))
        .join('\n') as T;
    }
    return redactString(value, undefined, options) as T;
  }
  return redactValue(value, undefined, options, new Map()) as T;
}
