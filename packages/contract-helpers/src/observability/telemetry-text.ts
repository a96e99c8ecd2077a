import { detectInText } from '../pii/pii-detectors.js';
import { maskPii } from '../pii/pii-mask.js';

const MAX_LINE_LENGTH = 160;

/**
 * `text` with every piece of personal data or secret the detectors recognise replaced by its
 * masked sample, for failure messages about metrics, spans and log lines.
 *
 * @internal
 * @example
 * maskText('user jane@corp.example signed in') // 'user j***@c***.example signed in'
 */
export function maskText(text: string): string {
  let masked = text;
  for (const match of detectInText(text).reverse()) {
    masked = masked.slice(0, match.start) + maskPii(match.category, match.raw) + masked.slice(match.end);
  }
  return masked;
}

/**
 * One line of input for an error message: personal data masked, cut to 160 characters.
 *
 * @internal
 * @example
 * maskLine('x{user="jane@corp.example"} 1') // 'x{user="j***@c***.example"} 1'
 */
export function maskLine(line: string): string {
  const masked = maskText(line);
  return masked.length > MAX_LINE_LENGTH ? `${masked.slice(0, MAX_LINE_LENGTH - 1)}…` : masked;
}
