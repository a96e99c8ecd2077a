import { Writable } from 'node:stream';
import { format } from 'node:util';

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/** What a {@link captureLogs} call collects. */
export interface LogCapture {
  /** A stream to hand to pino (`pino({}, logs.stream)`) or Fastify (`logger: { stream: logs.stream }`). */
  readonly stream: Writable;
  /** Every line logged so far: console calls formatted as console prints them, stream output split by line. */
  readonly lines: readonly string[];
  /** The lines, JSON lines parsed (pino's output), other lines as strings. */
  readonly entries: readonly unknown[];
  /** Stop capturing console output and put the console back. */
  restore(): void;
  /** The same as {@link LogCapture.restore}, for `using logs = captureLogs()`. */
  [Symbol.dispose](): void;
}

/** What {@link captureLogs} listens to. */
export interface LogCaptureOptions {
  /** Capture `console.log/info/warn/error/debug/trace` (default true). */
  console?: boolean;
  /** Still print captured console output (default false). */
  passThrough?: boolean;
}

/**
 * Capture what a test logs, so it can assert that none of it holds personal data:
 * `expect(logs.entries).not.toContainPii()`. Console methods are replaced until `restore()`; pino
 * and Fastify write to `logs.stream`.
 *
 * @param options - which outputs to capture
 * @example
 * const logs = captureLogs()
 * const logger = pino({}, logs.stream)
 * logger.info({ user: 'jane@corp.example' }, 'signed in')
 * logs.restore()
 * expect(logs.entries).not.toContainPii() // fails, naming $[0].user as an email
 */
export function captureLogs(options: LogCaptureOptions = {}): LogCapture {
  const lines: string[] = [];
  const entries: unknown[] = [];
  let pending = '';
  const push = (line: string): void => {
    if (line.trim() === '') return;
    lines.push(line);
    try {
      entries.push(/^\s*[[{]/.test(line) ? JSON.parse(line) : line);
    } catch {
      entries.push(line);
    }
  };
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      pending += chunk.toString();
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const part of parts) push(part);
      done();
    },
    final(done) {
      if (pending !== '') push(pending);
      pending = '';
      done();
    },
  });
  const originals = new Map<(typeof CONSOLE_METHODS)[number], unknown>();
  if (options.console !== false) {
    const target = globalThis.console as unknown as Record<string, unknown>;
    for (const method of CONSOLE_METHODS) {
      const original = target[method];
      originals.set(method, original);
      target[method] = (...args: unknown[]) => {
        push(format(...args));
        if (options.passThrough === true && typeof original === 'function')
          (original as (...a: unknown[]) => void).apply(globalThis.console, args);
      };
    }
  }
  const restore = (): void => {
    if (pending !== '') push(pending);
    pending = '';
    const target = globalThis.console as unknown as Record<string, unknown>;
    for (const [method, original] of originals) target[method] = original;
    originals.clear();
  };
  return {
    stream,
    get lines() {
      if (pending !== '') {
        push(pending);
        pending = '';
      }
      return lines;
    },
    get entries() {
      if (pending !== '') {
        push(pending);
        pending = '';
      }
      return entries;
    },
    restore,
    [Symbol.dispose]: restore,
  };
}
