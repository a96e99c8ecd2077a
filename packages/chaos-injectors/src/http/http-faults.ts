import { addCircusEventHandler, checks, listOptionProblems, type OptionCheck } from '@proving-ground/kit';
import { networkGuard, type InterceptedRequest } from '@proving-ground/test-modes';
import { faultRandom, registerFault } from '../cleanup/registry.js';
import { ChaosError } from '../errors.js';
import { createRandom, type Random } from '../random.js';
import {
  cutStreamAction,
  dnsFailureAction,
  hangAction,
  latencyAction,
  malformedJsonAction,
  refuseAction,
  resetAction,
  statusAction,
  trickleAction,
  truncateAction,
  type ResponseSource,
} from './actions.js';
import type { BodyLoss, BodySource } from './bodies.js';
import { ActiveHttpFault, type FaultAction, type HttpFault, type HttpFaultKind } from './fault.js';
import { DNS_ERROR_CODES, type DnsErrorCode } from './network-errors.js';
import { alwaysSchedule, checkArgument, checkOptions, invalidFault } from './schedule.js';
import { describeTarget, requestFacts, targetMatcher, targetProblems, type HttpTarget } from './target.js';

/** Options of {@link httpFaults}. */
export interface HttpFaultsOptions {
  /** The seed of every fault's random stream; by default `CHAOS_SEED`, or the test file's seed, keyed on the test. */
  seed?: number | string | undefined;
}

/** Options of the response faults: where the response comes from. */
export type ResponseFaultOptions = ResponseSource;

/** The faults that can be added for a target: each returns the {@link HttpFault}, already active. */
export interface HttpFaultBuilder {
  /** Wait `ms` (plus or minus up to `jitter`, uniform, from the seed) before the request goes on to its answer. */
  latency(ms: number, options?: { jitter?: number }): HttpFault;
  /** Never answer: the request waits until its client aborts (a timeout, an `AbortSignal`). */
  hang(): HttpFault;
  /** Reset the connection before any response: `read ECONNRESET`. */
  reset(): HttpFault;
  /** Refuse the connection: `connect ECONNREFUSED host:port`. */
  refuse(): HttpFault;
  /** Fail the host's DNS lookup: `getaddrinfo ENOTFOUND host` (or `EAI_AGAIN`). */
  dnsFailure(options?: { code?: DnsErrorCode }): HttpFault;
  /** Answer with `status` (the body defaults to its reason phrase, as text). */
  status(status: number, options?: { body?: BodySource; headers?: Record<string, string>; statusText?: string }): HttpFault;
  /** Cut the response body after `after` bytes; the connection then closes (`loss: 'closed'`, default), resets, or the body just `'end'`s. */
  truncate(options: ResponseFaultOptions & { after: number; loss?: BodyLoss | 'end' }): HttpFault;
  /** Send the response body `chunkSize` bytes at a time (default 1), `interval` ms apart (default 10). */
  trickle(options?: ResponseFaultOptions & { chunkSize?: number; interval?: number }): HttpFault;
  /** Answer with JSON that does not parse: the body cut at its middle, ending cleanly. */
  malformedJson(options?: ResponseFaultOptions): HttpFault;
  /** Break a server-sent event stream off after `afterEvents` whole events (the connection closes, or resets with `loss: 'reset'`). */
  cutStream(options: ResponseFaultOptions & { afterEvents: number; loss?: BodyLoss }): HttpFault;
}

/**
 * A set of HTTP faults for outbound requests (global `fetch`, `node:http`/`https`, axios, undici),
 * injected in-process through the network guard of `@proving-ground/test-modes`.
 */
export interface HttpFaults extends AsyncDisposable {
  /** Faults for the requests `target` matches (every request without one). */
  on(target?: HttpTarget): HttpFaultBuilder;
  /** The faults of this set still active, oldest first. */
  readonly active: readonly HttpFault[];
  /** Restore every fault of this set; the set stays usable. */
  restore(): Promise<void>;
  /** Restore every fault and take the set's request handler off the guard (`await using` does this). */
  close(): Promise<void>;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

const bodyCheck: OptionCheck = (value) =>
  typeof value === 'string' || value instanceof Uint8Array || (typeof value === 'object' && value !== null)
    ? undefined
    : 'expected text, bytes (Uint8Array) or a value to send as JSON';
const headersCheck: OptionCheck = (value) =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string')
    ? undefined
    : 'expected an object of header names to strings';
const statusCheck = checks.integer(200, 599);
const sourceChecks = { body: bodyCheck, status: statusCheck, headers: headersCheck };
const seedCheck: OptionCheck = (value) =>
  (typeof value === 'number' && Number.isSafeInteger(value)) || (typeof value === 'string' && value !== '')
    ? undefined
    : 'expected a whole number or a non-empty string';
const lossCheck = (choices: readonly string[]): OptionCheck => checks.oneOf(choices);

/** A problem line when `key` is missing from `options`. */
function required(options: object | undefined, key: string, what: string): string[] {
  return options === undefined || (options as Record<string, unknown>)[key] === undefined ? [`- ${key}: required (${what}).`] : [];
}

/**
 * Faults for outbound HTTP requests, in this process: latency, hangs, resets, refused connections,
 * DNS failures, any status, truncated or trickled bodies, malformed JSON, cut event streams, each
 * targeted by host, method, path or header, with a seeded probability and a schedule. Its request
 * handler goes on the guard now, ahead of handlers added later (cassettes add theirs when a cassette
 * opens), so create the set at the top of the test file.
 *
 * @example
 * const faults = httpFaults({ seed: 42 })
 * faults.on({ host: 'api.openai.com', path: '/v1/*' }).reset().probability(0.3)
 * faults.on({ method: 'POST' }).status(503).times(2).thenPass()
 */
export function httpFaults(options: HttpFaultsOptions = {}): HttpFaults {
  const problems =
    typeof options === 'object' && options !== null
      ? listOptionProblems(options, { seed: seedCheck })
      : ['- options: expected an object such as { seed }.'];
  if (problems.length > 0) invalidFault('create the HTTP faults', problems);
  const base: Random | undefined = options.seed === undefined ? undefined : createRandom(options.seed).fork('http');
  const faults = new Set<ActiveHttpFault>();
  let count = 0;
  let closed = false;

  const handler = async (intercepted: InterceptedRequest): Promise<void> => {
    const { request, controller } = intercepted;
    if (faults.size === 0) return;
    const facts = requestFacts(request);
    // A Set's iteration skips faults restored meanwhile and is cheaper than a copy.
    for (const fault of faults) {
      if (!fault.firesOn(facts)) continue;
      fault.recordFired(request);
      const outcome = await fault.action({
        request,
        url: new URL(request.url),
        controller,
        forward: () => intercepted.forward(),
        released: fault.released,
      });
      if (outcome === 'answered') return;
    }
  };
  const guard = networkGuard();
  // A test file that did not list the guard's setup entry still has its global fetch routed.
  guard.guardFetch(globalThis);
  const removeHandler = guard.addRequestHandler(handler);

  const restore = async (): Promise<void> => {
    await Promise.all([...faults].map((fault) => fault.restore()));
  };
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await restore();
    removeHandler();
  };
  addCircusEventHandler('chaos-injectors:http', (event: { name: string }) => (event.name === 'run_finish' ? close() : undefined));

  const add = (target: HttpTarget, fault: HttpFaultKind, action: (random: Random) => FaultAction): HttpFault => {
    if (closed) {
      throw new ChaosError('CHAOS_HTTP_FAULTS_CLOSED', {
        action: `add the ${fault} fault`,
        reason: 'its HTTP faults were closed (by close(), `await using`, or the end of the test file)',
        fix: 'Create a new set with httpFaults().',
      });
    }
    const described = `${fault} on ${describeTarget(target)}`;
    count++;
    const random = base === undefined ? faultRandom(`http:${described}`) : base.fork(`${count}:${described}`);
    const active = new ActiveHttpFault(
      fault,
      described,
      targetMatcher(target),
      random.fork('schedule'),
      action(random.fork('action')),
      alwaysSchedule(),
    );
    faults.add(active);
    const handle = registerFault({
      kind: 'http',
      target: described,
      restore: () => {
        faults.delete(active);
        active.onRestore();
      },
    });
    active.attach(handle);
    return active;
  };

  const builder = (target: HttpTarget): HttpFaultBuilder => ({
    latency(ms, latencyOptions) {
      checkArgument('latency(ms)', 'ms', ms, checks.number(0));
      checkOptions('latency', latencyOptions, { jitter: checks.number(0) });
      const jitter = latencyOptions?.jitter ?? 0;
      return add(target, 'latency', (random) => latencyAction(ms, jitter, random));
    },
    hang: () => add(target, 'hang', () => hangAction()),
    reset: () => add(target, 'reset', () => resetAction()),
    refuse: () => add(target, 'refuse', () => refuseAction()),
    dnsFailure(dnsOptions) {
      checkOptions('dnsFailure', dnsOptions, { code: checks.oneOf(DNS_ERROR_CODES) });
      return add(target, 'dnsFailure', () => dnsFailureAction(dnsOptions?.code ?? 'ENOTFOUND'));
    },
    status(status, statusOptions) {
      checkArgument('status(status)', 'status', status, checks.integer(100, 599));
      checkOptions('status', statusOptions, { body: bodyCheck, headers: headersCheck, statusText: checks.string() });
      const body = statusOptions?.body ?? STATUS_TEXT[status] ?? '';
      return add(target, 'status', () =>
        statusAction(status, body, statusOptions?.headers, statusOptions?.statusText ?? STATUS_TEXT[status]),
      );
    },
    truncate(truncateOptions) {
      const losses = ['closed', 'reset', 'end'];
      checkOptions(
        'truncate',
        truncateOptions,
        { ...sourceChecks, after: checks.integer(0), loss: lossCheck(losses) },
        required(truncateOptions, 'after', 'how many body bytes get through'),
      );
      return add(target, 'truncate', () =>
        truncateAction(truncateOptions, truncateOptions.after, truncateOptions.loss ?? 'closed', (loss) => guard.connectionLost(loss)),
      );
    },
    trickle(trickleOptions) {
      checkOptions('trickle', trickleOptions, { ...sourceChecks, chunkSize: checks.integer(1), interval: checks.number(0) });
      return add(target, 'trickle', () =>
        trickleAction(trickleOptions ?? {}, trickleOptions?.chunkSize ?? 1, trickleOptions?.interval ?? 10),
      );
    },
    malformedJson(jsonOptions) {
      checkOptions('malformedJson', jsonOptions, sourceChecks);
      return add(target, 'malformedJson', () => malformedJsonAction(jsonOptions ?? {}));
    },
    cutStream(streamOptions) {
      checkOptions(
        'cutStream',
        streamOptions,
        { ...sourceChecks, afterEvents: checks.integer(0), loss: lossCheck(['closed', 'reset']) },
        required(streamOptions, 'afterEvents', 'how many whole events get through'),
      );
      return add(target, 'cutStream', () =>
        cutStreamAction(streamOptions, streamOptions.afterEvents, streamOptions.loss ?? 'closed', (loss) => guard.connectionLost(loss)),
      );
    },
  });

  return {
    on(target = {}) {
      const found = targetProblems(target);
      if (found.length > 0) invalidFault('target HTTP faults', found);
      return builder(target);
    },
    get active() {
      return [...faults];
    },
    restore,
    close,
    [Symbol.asyncDispose]: close,
  };
}
