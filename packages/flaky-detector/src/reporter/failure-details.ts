import { maskFailureSecrets } from './secret-masking.js';

/**
 * How much of a failure the store keeps: its first `lines` lines before the stack, at most
 * `characters` characters (one text per distinct fingerprint, so the store stays small).
 *
 * @example
 * FAILURE_MESSAGE_LIMITS.characters // 1000
 */
export const FAILURE_MESSAGE_LIMITS = { lines: 12, characters: 1000 } as const;

/** Terminal colour codes Jest puts around parts of a failure message (ESC [ ... m). */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
/** A stack frame line: `    at fn (/path/file.ts:12:5)` or `    at /path/file.ts:12:5`. */
const STACK_FRAME = /^\s*at\s/;
/** The `path:line:column` a frame ends with (inside parentheses or not). */
const FRAME_LOCATION = /\(?((?:file:\/\/)?[^\s()]+?):(\d+):(\d+)\)?\s*$/;

/** What the store keeps of a failure: its masked, bounded message and the test file's line the stack names. */
export interface FailureDetails {
  message: string;
  line?: number | undefined;
}

/**
 * The message of a failure as Jest reports it (message, then stack): colour codes removed, the
 * first {@link FAILURE_MESSAGE_LIMITS} lines before the stack, secrets and personal values masked
 * ({@link maskFailureSecrets}); and the line of `file` (the test file, relative, `/` separators)
 * in the first stack frame that names it.
 *
 * @example
 * failureDetails('Error: expect(received).toBe(expected)\n\nExpected: 2\n    at Object.<anonymous> (/repo/src/a.test.ts:7:15)', 'src/a.test.ts')
 * // { message: 'Error: expect(received).toBe(expected)\n\nExpected: 2', line: 7 }
 */
export function failureDetails(text: string, file: string): FailureDetails {
  const lines = text.replace(ANSI_COLOUR, '').replace(/\r\n?/g, '\n').split('\n');
  const stackAt = lines.findIndex((line) => STACK_FRAME.test(line));
  const head = (stackAt < 0 ? lines : lines.slice(0, stackAt)).slice(0, FAILURE_MESSAGE_LIMITS.lines + 1);
  while (head.length > 0 && head[head.length - 1]!.trim() === '') head.pop();
  let message = head.slice(0, FAILURE_MESSAGE_LIMITS.lines).join('\n');
  const cut = head.length > FAILURE_MESSAGE_LIMITS.lines || message.length > FAILURE_MESSAGE_LIMITS.characters;
  // Masked before it is cut, so a secret cut in two is still recognised.
  message = maskFailureSecrets(message);
  if (cut) message = `${message.slice(0, FAILURE_MESSAGE_LIMITS.characters - 1)}…`;
  return { message, line: stackAt < 0 ? undefined : lineIn(lines.slice(stackAt), file) };
}

function lineIn(frames: readonly string[], file: string): number | undefined {
  const wanted = `/${file.replace(/^\.?\//, '')}`;
  for (const frame of frames) {
    if (!STACK_FRAME.test(frame)) continue;
    const match = FRAME_LOCATION.exec(frame);
    if (match === null) continue;
    const path = match[1]!.split('\\').join('/');
    if (path.endsWith(wanted) || path === wanted.slice(1)) return Number(match[2]);
  }
  return undefined;
}
