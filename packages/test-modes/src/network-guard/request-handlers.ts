/**
 * The request handlers other packages register (cassettes replays recordings this way), and where
 * requests are offered to them: an HTTP request the interceptors caught (node:http, undici, a
 * global `fetch` on its socket path), or a global `fetch` answered at the fetch level, without a socket.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequestId, RequestController } from '@mswjs/interceptors';
import type { RequestHandler } from './types.js';

/**
 * An error made in another realm (a handler in a Jest test file, whose `Error` is the sandbox's)
 * fails `instanceof Error` here, and the interceptors would then not fail the request with it:
 * give them a local copy in its place, with the same name, message, code, brands, stack and cause
 * (the original's own cause, not the original: a cause holding the same message would print it twice).
 * Anything else is returned as it is.
 *
 * @example
 * socket.destroy(localError(reason) as Error)
 */
export function localError(reason: unknown): unknown {
  if (reason instanceof Error || typeof reason !== 'object' || reason === null || !('message' in reason)) return reason;
  const foreign = reason as Error & Record<PropertyKey, unknown>;
  const local = new Error(String(foreign.message), 'cause' in foreign ? { cause: foreign.cause } : undefined) as Error &
    Record<PropertyKey, unknown>;
  local.name = String(foreign.name);
  if (typeof foreign.stack === 'string') local.stack = foreign.stack;
  for (const key of Reflect.ownKeys(foreign)) {
    if (key === 'message' || key === 'stack' || key === 'cause') continue;
    const descriptor = Object.getOwnPropertyDescriptor(foreign, key);
    if (descriptor !== undefined) Object.defineProperty(local, key, descriptor);
  }
  return local;
}

/** Make `controller` fail its request with a local copy of a foreign error (see {@link localError}). */
function adoptForeignErrors(controller: RequestController): void {
  const errorWith = controller.errorWith.bind(controller);
  controller.errorWith = (reason?: unknown): void => errorWith(localError(reason));
}

/** What the handlers made of a request offered to them directly: a response, or an error to fail it with. */
export type HandlerAnswer = { response: Response } | { error: unknown };

/** The registered request handlers, and the two ways a request is offered to them. */
export interface RequestHandlers {
  /** How many handlers are registered. */
  readonly count: number;
  /** Register `handler` after the others; returns its removal. */
  add(handler: RequestHandler): () => void;
  /**
   * Offer a request the HTTP interceptor caught to each handler in turn, until one answers through
   * `controller`. A request global `fetch` already offered (it takes the socket path because no
   * handler answered) is not offered twice.
   */
  offerIntercepted(request: Request, requestId: string, controller: RequestController): Promise<void>;
  /** Offer `request` to the handlers at the fetch level: their answer, or undefined when none answered. */
  answerAtFetchLevel(request: Request): Promise<Response | undefined>;
  /** Offer `request` to the handlers outside the interceptors: what they answered, or undefined when none did. */
  answerDirectly(request: Request): Promise<HandlerAnswer | undefined>;
  /**
   * Run `send` (the real `fetch` of a request no handler answered at the fetch level, or the writes
   * of a node:http request no handler answered directly) so that its socket path does not offer it again.
   */
  afterFetchLevelOffer<T>(request: Request, send: () => T): T;
}

/**
 * An empty set of request handlers. `forward` is what a handler's `forward()` calls: the guard's
 * host policy, then the real server outside every interceptor.
 */
export function createRequestHandlers(forward: (request: Request) => Promise<Response>): RequestHandlers {
  const handlers: RequestHandler[] = [];
  /** The request (method and URL) a `fetch` already offered to the handlers, in the async context of its socket path. */
  const offeredByFetch = new AsyncLocalStorage<string>();
  const offerKey = (request: Request): string => `${request.method} ${new URL(request.url).href}`;

  /** Each handler in turn, until one has answered through `controller`. */
  const offer = async (request: Request, requestId: string, controller: RequestController): Promise<void> => {
    for (const handler of [...handlers]) {
      await handler({ request, requestId, controller, forward: (forwarded = request) => forward(forwarded) });
      if (controller.readyState !== RequestController.PENDING) return;
    }
  };

  const answerDirectly = async (request: Request): Promise<HandlerAnswer | undefined> => {
    let answer: HandlerAnswer | undefined;
    const controller = new RequestController(request, {
      passthrough: () => undefined,
      respondWith: (response) => void (answer = { response }),
      errorWith: (reason) => void (answer = { error: reason }),
    });
    await offer(request, createRequestId(), controller);
    return answer;
  };

  return {
    get count() {
      return handlers.length;
    },
    add(handler) {
      handlers.push(handler);
      return () => {
        const index = handlers.indexOf(handler);
        if (index !== -1) handlers.splice(index, 1);
      };
    },
    async offerIntercepted(request, requestId, controller) {
      if (handlers.length === 0 || offeredByFetch.getStore() === offerKey(request)) return;
      adoptForeignErrors(controller);
      await offer(request, requestId, controller);
    },
    answerDirectly,
    async answerAtFetchLevel(request) {
      const answer = await answerDirectly(request);
      if (answer === undefined) return undefined;
      if ('response' in answer) return answer.response;
      // As undici's fetch reports a failed request: the reason (e.g. the cassette's unmatched-request error) is the cause.
      throw new TypeError('fetch failed', { cause: answer.error });
    },
    afterFetchLevelOffer(request, send) {
      return offeredByFetch.run(offerKey(request), send);
    },
  };
}
