/** A part of a string: JSON text (parsed) or plain text, with where it sits in the string. */
export type TextSegment =
  | { kind: 'json'; start: number; end: number; value: unknown; indentation: string | number | undefined }
  | { kind: 'text'; start: number; end: number; text: string };

function parsedJson(text: string): { value: unknown } | undefined {
  if (!/^[[{]/.test(text)) return undefined;
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

function indentationOf(text: string): string | number | undefined {
  const match = /^[[{]\r?\n([ \t]+)/.exec(text);
  return match === null ? undefined : match[1]!.includes('\t') ? '\t' : match[1]!.length;
}

/**
 * How the scanner and the redactor both read a string, so they always agree: one JSON document
 * (a logged payload), or lines of which some are JSON documents (pino's output) and the rest plain
 * text. Consecutive plain lines stay one segment, so what spans lines (a PEM private key block) is
 * found whole.
 *
 * @param text - the string
 * @example
 * textSegments('{"a":1}\nplain') // [{ kind: 'json', start: 0, end: 7, value: { a: 1 }, ... }, { kind: 'text', start: 8, end: 13, text: 'plain' }]
 */
export function textSegments(text: string): TextSegment[] {
  const trimmed = text.trim();
  const whole = parsedJson(trimmed);
  if (whole !== undefined) {
    const start = text.indexOf(trimmed);
    return [{ kind: 'json', start, end: start + trimmed.length, value: whole.value, indentation: indentationOf(trimmed) }];
  }
  if (!text.includes('\n')) return [{ kind: 'text', start: 0, end: text.length, text }];
  const segments: TextSegment[] = [];
  let plainStart: number | undefined;
  let offset = 0;
  const closePlain = (end: number): void => {
    if (plainStart !== undefined) segments.push({ kind: 'text', start: plainStart, end, text: text.slice(plainStart, end) });
    plainStart = undefined;
  };
  for (const line of text.split('\n')) {
    const lineTrimmed = line.trim();
    const json = parsedJson(lineTrimmed);
    if (json === undefined) plainStart ??= offset;
    else {
      closePlain(Math.max(offset - 1, plainStart ?? 0));
      const start = offset + line.indexOf(lineTrimmed);
      segments.push({ kind: 'json', start, end: start + lineTrimmed.length, value: json.value, indentation: undefined });
    }
    offset += line.length + 1;
  }
  closePlain(text.length);
  return segments;
}
