/** What each HTTP fault does to a request it fires on. */
import { setTimeout as delay } from 'node:timers/promises';
import type { Random } from '../random.js';
import {
  cutEventStream,
  malformedJson,
  responseOf,
  trickled,
  truncated,
  type BodyLoss,
  type BodySource,
  type LossError,
} from './bodies.js';
import type { FaultAction, FaultContext, FaultOutcome } from './fault.js';
import { dnsError, refusedError, resetError, type DnsErrorCode } from './network-errors.js';

/** The response a response fault reshapes: its own `body`, else the real server's (through the guard's `forward()`). */
export interface ResponseSource {
  /** Answer with this body (text, bytes, or a value sent as JSON) instead of the real server's. */
  body?: BodySource | undefined;
  /** The status of a given `body` (default 200). */
  status?: number | undefined;
  /** Headers of a given `body`. */
  headers?: Record<string, string> | undefined;
}

/** The client gave up (aborted, timed out): end the request as it already sees it, without passing it on. */
function givenUp(context: FaultContext): FaultOutcome {
  // `Response.error()` stops every later handler; a global fetch rejects with its abort reason, as
  // undici does, and the other clients already failed with their own abort errors.
  context.controller.respondWith(Response.error());
  return 'answered';
}

/** Waits `ms`, or until the client aborts: true when it aborted. */
async function waitOrAbort(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return true;
  try {
    await delay(ms, undefined, { signal });
    return false;
  } catch {
    return true;
  }
}

export function latencyAction(ms: number, jitter: number, random: Random): FaultAction {
  return async (context) => {
    const wait = jitter === 0 ? ms : Math.max(0, ms - jitter + random.next() * 2 * jitter);
    return (await waitOrAbort(wait, context.request.signal)) ? givenUp(context) : 'passed';
  };
}

export function hangAction(): FaultAction {
  return async (context) => {
    const { signal } = context.request;
    let onAbort = (): void => undefined;
    const aborted = new Promise<'aborted'>((resolve) => {
      onAbort = () => resolve('aborted');
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    const outcome = await Promise.race([aborted, context.released.then(() => 'released' as const)]);
    signal.removeEventListener('abort', onAbort);
    if (outcome === 'aborted') return givenUp(context);
    // The fault was restored (the test ended): nothing may stay pending, so the connection is reset.
    context.controller.errorWith(resetError());
    return 'answered';
  };
}

export function resetAction(): FaultAction {
  return (context) => {
    context.controller.errorWith(resetError());
    return 'answered';
  };
}

export function refuseAction(): FaultAction {
  return (context) => {
    context.controller.errorWith(refusedError(context.url));
    return 'answered';
  };
}

export function dnsFailureAction(code: DnsErrorCode): FaultAction {
  return (context) => {
    context.controller.errorWith(dnsError(context.url, code));
    return 'answered';
  };
}

export function statusAction(
  status: number,
  body: BodySource,
  headers: Record<string, string> | undefined,
  statusText: string | undefined,
): FaultAction {
  return (context) => {
    context.controller.respondWith(responseOf(body, { status, headers: headers ?? {}, statusText: statusText ?? '' }));
    return 'answered';
  };
}

/** Answers with `reshape` of the source response; a server the guard blocks fails the request with the guard's error. */
function reshaping(
  source: ResponseSource,
  reshape: (response: Response) => Response | Promise<Response>,
  defaultType?: string,
): FaultAction {
  return async (context): Promise<FaultOutcome> => {
    let response: Response;
    if (source.body !== undefined) {
      const headers = new Headers(source.headers);
      if (defaultType !== undefined && !headers.has('content-type')) headers.set('content-type', defaultType);
      response = responseOf(source.body, { status: source.status ?? 200, headers });
    } else {
      try {
        response = await context.forward();
      } catch (error) {
        context.controller.errorWith(error);
        return 'answered';
      }
    }
    context.controller.respondWith(await reshape(response));
    return 'answered';
  };
}

export function truncateAction(source: ResponseSource, after: number, loss: BodyLoss | 'end', lossError: LossError): FaultAction {
  return reshaping(source, (response) => truncated(response, after, loss, lossError));
}

export function trickleAction(source: ResponseSource, chunkSize: number, interval: number): FaultAction {
  return reshaping(source, (response) => trickled(response, chunkSize, interval));
}

export function malformedJsonAction(source: ResponseSource): FaultAction {
  return reshaping(source, malformedJson, 'application/json');
}

export function cutStreamAction(source: ResponseSource, afterEvents: number, loss: BodyLoss, lossError: LossError): FaultAction {
  return reshaping(source, (response) => cutEventStream(response, afterEvents, loss, lossError), 'text/event-stream');
}
