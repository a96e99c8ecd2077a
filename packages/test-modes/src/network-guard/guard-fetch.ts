/** Global `fetch` routed through the guard: answered at the fetch level by a request handler, or sent for real. */
import { fetchResponseFor, redirectedRequest } from './fetch-response.js';
import type { RequestHandlers } from './request-handlers.js';

/** The most redirects a `fetch` follows. */
const MAX_REDIRECTS = 20;

/**
 * A function that routes the global `fetch` of a realm through the guard. While a request handler
 * is registered and no other interceptor is active (`othersIntercept`), a request a handler answers
 * is answered without a socket, following redirects as `fetch` does; any other request goes to the
 * real `fetch` and meets the guard at the socket level. Idempotent per realm.
 */
export function createFetchGuard(handlers: RequestHandlers, othersIntercept: () => boolean): (scope: { fetch?: typeof fetch }) => void {
  const fetchWrappers = new WeakMap<typeof fetch, typeof fetch>();
  return (scope) => {
    const current = scope.fetch;
    if (typeof current !== 'function' || fetchWrappers.has(current)) return;
    const realFetch = current;
    const guardedFetch = async function fetch(input: Request | string | URL, init?: RequestInit): Promise<Response> {
      if (handlers.count === 0 || scope.fetch !== guardedFetch || othersIntercept()) return realFetch(input, init);
      let request = new Request(input, init);
      for (let redirects = 0; ; redirects += 1) {
        request.signal.throwIfAborted();
        const replay = request.body !== null && request.redirect === 'follow' ? request.clone() : undefined;
        const answer = await handlers.answerAtFetchLevel(request);
        request.signal.throwIfAborted();
        if (answer === undefined) {
          const offered = request;
          return handlers.afterFetchLevelOffer(offered, () => realFetch(offered));
        }
        const body = replay === undefined ? null : await replay.arrayBuffer();
        const next = answer.type === 'error' ? undefined : redirectedRequest(request, answer, body);
        if (next === undefined) return fetchResponseFor(request, answer, redirects > 0);
        if (redirects === MAX_REDIRECTS) throw new TypeError('fetch failed', { cause: new Error('redirect count exceeded') });
        await answer.body?.cancel();
        request = next;
      }
    };
    fetchWrappers.set(guardedFetch, realFetch);
    scope.fetch = guardedFetch;
  };
}
