import { sharedState } from './internal/shared-state.js';

/**
 * Record and match requests to `realOrigin` as if they went to `alias`, in every cassette of this
 * test file until the returned function is called. For servers on random ports (a local upstream
 * started in `beforeAll`): the cassette holds the stable alias, and replay needs no server.
 *
 * @example
 * const upstream = await startUpstream() // http://127.0.0.1:53211
 * afterAll(aliasOrigin(upstream.origin, 'https://llm.test'))
 */
export function aliasOrigin(realOrigin: string, alias: string): () => void {
  const from = new URL(realOrigin).origin;
  sharedState().aliases.set(from, alias.replace(/\/$/, ''));
  return () => {
    sharedState().aliases.delete(from);
  };
}

/** Aliases of one session, falling back to those set with {@link aliasOrigin}. */
export function withGlobalAliases(own: ReadonlyMap<string, string>): { get(origin: string): string | undefined } {
  return { get: (origin) => own.get(origin) ?? sharedState().aliases.get(origin) };
}
