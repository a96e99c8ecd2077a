import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The media type of every error response (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Problem type URIs are this base plus the kind; `.example` names are reserved and never resolve. */
export const PROBLEM_TYPE_BASE = 'https://support-desk.example/problems/';

/** The problems this service reports, with their HTTP status and fixed title. */
export const PROBLEM_KINDS = {
  'validation-failed': { status: 400, title: 'The request is not valid' },
  'tenant-required': { status: 400, title: 'A valid x-tenant-id header is required' },
  'invalid-credentials': { status: 401, title: 'The credentials are not valid' },
  'unknown-tenant': { status: 404, title: 'The tenant does not exist' },
  'not-found': { status: 404, title: 'The resource does not exist' },
  'payment-declined': { status: 402, title: 'The card was declined' },
  conflict: { status: 409, title: 'The resource already exists' },
  'invalid-transition': { status: 409, title: 'The resource cannot move to that state' },
  'already-paid': { status: 409, title: 'The order is paid in full' },
  'link-invalid': { status: 403, title: 'The download link is not valid' },
  'link-expired': { status: 403, title: 'The download link has expired' },
  'unknown-reference': { status: 422, title: 'The request refers to something that does not exist' },
  'idempotency-key-reused': { status: 422, title: 'The idempotency key was used for another request' },
  'payment-rejected': { status: 422, title: 'The payments provider refused the request' },
  'rate-limited': { status: 429, title: 'The tenant sends requests faster than its rate limit' },
  'quota-exceeded': { status: 429, title: "The tenant has used its plan's quota for this period" },
  'upstream-unavailable': { status: 502, title: 'The answering service is unavailable' },
  'database-unavailable': { status: 503, title: 'The database is unavailable' },
  'queue-unavailable': { status: 503, title: 'The message queue is unavailable' },
  'insufficient-storage': { status: 507, title: 'The server has no room left to store the result' },
} as const satisfies Record<string, { status: number; title: string }>;

/** One of the keys of {@link PROBLEM_KINDS}. */
export type ProblemKind = keyof typeof PROBLEM_KINDS;

/** An RFC 9457 problem details object, as sent to clients. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  [extension: string]: unknown;
}

/** An error that becomes a problem+json response of its kind. */
export class Problem extends Error {
  /** Which problem this is; its type URI is {@link PROBLEM_TYPE_BASE} plus the kind. */
  readonly kind: ProblemKind;
  /** Extra members of the problem details object, such as `errors`. */
  readonly extensions: Readonly<Record<string, unknown>>;

  constructor(kind: ProblemKind, detail: string, extensions: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(detail, options);
    this.name = 'Problem';
    this.kind = kind;
    this.extensions = extensions;
  }

  /** The HTTP status of this problem's kind. */
  get status(): number {
    return PROBLEM_KINDS[this.kind].status;
  }

  /**
   * The problem details object for the response.
   *
   * @param instance - the request path the problem occurred on
   */
  toDetails(instance?: string): ProblemDetails {
    const details: ProblemDetails = {
      type: `${PROBLEM_TYPE_BASE}${this.kind}`,
      title: PROBLEM_KINDS[this.kind].title,
      status: this.status,
      detail: this.message,
      ...(instance === undefined ? {} : { instance }),
    };
    for (const [member, value] of Object.entries(this.extensions)) {
      if (!(member in details)) details[member] = value;
    }
    return details;
  }
}

/**
 * A problem of the given kind.
 *
 * @param kind - one of {@link PROBLEM_KINDS}
 * @param detail - what went wrong with this request, in a sentence for the client
 * @param extensions - extra members, such as `errors` for validation problems
 * @example
 * throw problem('not-found', `No order has the id ${id}.`)
 */
export function problem(kind: ProblemKind, detail: string, extensions?: Record<string, unknown>): Problem {
  return new Problem(kind, detail, extensions);
}

function genericDetails(status: number, detail: string, instance: string): ProblemDetails {
  return { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail, instance };
}

/**
 * Turn an error thrown while handling a request into problem details: a {@link Problem} as is,
 * a schema validation error as `validation-failed` with one entry per failure, another client
 * error with Fastify's message, and anything else as a 500 that reveals nothing.
 *
 * @example
 * problemDetailsOf(problem('conflict', 'Taken.'), '/users').status // 409
 */
export function problemDetailsOf(error: unknown, instance: string): ProblemDetails {
  if (error instanceof Problem) return error.toDetails(instance);
  const fastifyError = error as Partial<FastifyError>;
  if (Array.isArray(fastifyError.validation)) {
    const context = fastifyError.validationContext ?? 'body';
    const errors = fastifyError.validation.map((failure) => {
      // ajv reports an unexpected field on its parent; point at the field itself.
      const extra = (failure.params as { additionalProperty?: unknown } | undefined)?.additionalProperty;
      return typeof extra === 'string'
        ? { pointer: `/${context}${failure.instancePath}/${extra}`, detail: `is not a field of this request (${extra})` }
        : { pointer: `/${context}${failure.instancePath}`, detail: failure.message ?? 'is not valid' };
    });
    return new Problem('validation-failed', fastifyError.message ?? 'The request is not valid.', { errors }).toDetails(instance);
  }
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return genericDetails(status, fastifyError.message ?? 'The request cannot be handled.', instance);
  }
  return genericDetails(500, 'The server failed to handle the request. It has been logged.', instance);
}

/**
 * Send `details` as an `application/problem+json` response.
 *
 * @example
 * return sendProblem(reply, problem('not-found', 'No such order.').toDetails(request.url))
 */
export function sendProblem(reply: FastifyReply, details: ProblemDetails): FastifyReply {
  return reply.code(details.status).type(PROBLEM_CONTENT_TYPE).send(details);
}

/**
 * Answer every error and every unknown route of `app` with problem+json. Stack traces stay in
 * the log.
 *
 * @example
 * const app = Fastify()
 * registerProblemResponses(app)
 */
export function registerProblemResponses(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const details = problemDetailsOf(error, request.url);
    if (details.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, details);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problem('not-found', `There is no route ${request.method} ${request.url}.`).toDetails(request.url)),
  );
}
