import { jest } from '@jest/globals';

/**
 * Run `fn` and return what it resolved to together with what was written to stderr meanwhile (the
 * cassettes' warnings go there).
 *
 * @example
 * const { stderr } = await stderrOf(() => withCassette(path, run, { mode: 'replay' }))
 */
export async function stderrOf<T>(fn: () => Promise<T>): Promise<{ result: T; stderr: string }> {
  let stderr = '';
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { result: await fn(), stderr };
  } finally {
    spy.mockRestore();
  }
}

/**
 * The error `fn` rejects with; throws when it resolves instead.
 *
 * @example
 * expect((await failureOf(() => withCassette(path, run))).code).toBe('CASSETTES_UNMATCHED_REQUEST')
 */
export async function failureOf(fn: () => Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await fn();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the call to fail');
}
