import { randomUUID } from 'node:crypto';
import { channel } from 'node:diagnostics_channel';

/** What the payments provider says about a charge. */
export type ChargeStatus = 'succeeded' | 'declined';

/** A charge as the payments provider returns it. */
export interface Charge {
  id: string;
  status: ChargeStatus;
  amount: number;
  currency: string;
  reference: string;
  /** Why the issuer declined, when it did (`insufficient_funds`, `expired_card`, ...). */
  declineCode: string | null;
  created: string;
}

/** What to charge. */
export interface CreateChargeInput {
  /** In the currency's minor unit (cents). */
  amountCents: number;
  /** ISO 4217, upper case. */
  currency: string;
  /** A card token from the provider's client-side library; never a card number. */
  token: string;
  /** Our reference for the charge: the order id. */
  reference: string;
  /** Sent as `Idempotency-Key`: a retry with the same key never charges twice. Generated when left out. */
  idempotencyKey?: string | undefined;
}

/** Options of {@link PaymentsProvider}. */
export interface PaymentsProviderOptions {
  /** The provider's API root, ending in `/v1` (`PAYMENTS_BASE_URL`). */
  baseURL: string;
  /** Sent as the bearer token (`PAYMENTS_API_KEY`). */
  apiKey: string;
  /** Time allowed for each request, in milliseconds (default 10 s). */
  timeoutMs?: number | undefined;
  /** Extra attempts after a connection failure or a 5xx answer (default 1); safe thanks to the idempotency key. */
  retries?: number | undefined;
  /** The `fetch` to use; the global one when left out. */
  fetch?: ((input: string | URL | Request, init?: RequestInit) => Promise<Response>) | undefined;
}

/**
 * The diagnostics channel each failed attempt of a provider call is published on (a
 * {@link PaymentsAttemptMessage}), for metrics and traces (`src/observability/`); nothing is
 * published when nobody subscribes.
 */
export const PAYMENTS_ATTEMPT_CHANNEL = 'support-desk:payments-provider.attempt-failed';

/** A failed attempt of a call to the payments provider, as published on {@link PAYMENTS_ATTEMPT_CHANNEL}. */
export interface PaymentsAttemptMessage {
  /** `POST /charges`, `GET /charges/:id`: the path template, never an id. */
  operation: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** `unreachable`: no answer (network, timeout); `unavailable`: a 5xx answer. */
  reason: 'unreachable' | 'unavailable';
  /** The HTTP status, when the provider answered. */
  status?: number | undefined;
  /** Whether another attempt follows. */
  willRetry: boolean;
}

const attemptFailed = channel(PAYMENTS_ATTEMPT_CHANNEL);

/** Why a provider call failed: the provider cannot be reached or failed, or it refused the request. */
export type PaymentsProviderFailure = 'unavailable' | 'rejected';

/** A failed call to the payments provider. */
export class PaymentsProviderError extends Error {
  /** `unavailable` (network, timeout, 5xx): try later; `rejected` (4xx): the request itself is wrong. */
  readonly failure: PaymentsProviderFailure;
  /** The HTTP status, when the provider answered. */
  readonly status: number | undefined;
  /** The provider's error code, when it sent one. */
  readonly providerCode: string | undefined;

  constructor(
    failure: PaymentsProviderFailure,
    message: string,
    details: { status?: number | undefined; providerCode?: string | undefined; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
    this.name = 'PaymentsProviderError';
    this.failure = failure;
    this.status = details.status;
    this.providerCode = details.providerCode;
  }
}

const CHARGE_FIELDS = ['id', 'status', 'amount', 'currency', 'reference', 'declineCode', 'created'] as const;

/** Read a charge from the provider's JSON, refusing anything that is not one. */
function chargeFrom(body: unknown): Charge {
  const value = body as Record<string, unknown> | null;
  const valid =
    typeof value === 'object' &&
    value !== null &&
    typeof value['id'] === 'string' &&
    (value['status'] === 'succeeded' || value['status'] === 'declined') &&
    Number.isSafeInteger(value['amount']) &&
    typeof value['currency'] === 'string' &&
    typeof value['reference'] === 'string' &&
    (value['declineCode'] === null || typeof value['declineCode'] === 'string') &&
    typeof value['created'] === 'string';
  if (!valid) {
    throw new PaymentsProviderError(
      'unavailable',
      `The payments provider answered something that is not a charge (${CHARGE_FIELDS.join(', ')}).`,
    );
  }
  return {
    id: value['id'] as string,
    status: value['status'] as ChargeStatus,
    amount: value['amount'] as number,
    currency: value['currency'] as string,
    reference: value['reference'] as string,
    declineCode: value['declineCode'] as string | null,
    created: value['created'] as string,
  };
}

/**
 * The client of the payments provider's HTTP API:
 * - `POST /charges` `{ amount, currency, source, reference }` with `Idempotency-Key`: `201` with
 *   the charge, whose `status` is `succeeded` or `declined` (with a `declineCode`);
 * - `GET /charges/:id`: the charge;
 * - errors as `{ error: { code, message } }` with a 4xx or 5xx status.
 *
 * @example
 * const provider = new PaymentsProvider({ baseURL: 'https://api.payments.example/v1', apiKey: process.env.PAYMENTS_API_KEY! })
 * const charge = await provider.createCharge({ amountCents: 1250, currency: 'EUR', token: 'tok_visa', reference: orderId })
 */
export class PaymentsProvider {
  readonly #baseURL: string;
  readonly #apiKey: string;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

  constructor(options: PaymentsProviderOptions) {
    this.#baseURL = options.baseURL.replace(/\/+$/, '');
    this.#apiKey = options.apiKey;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#retries = options.retries ?? 1;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /**
   * Charge a card token. A declined card is a charge with `status: 'declined'`, not an error.
   *
   * @throws PaymentsProviderError `unavailable` when the provider cannot be reached or fails
   *   (after the retries), `rejected` when it refuses the request (4xx)
   */
  async createCharge(input: CreateChargeInput): Promise<Charge> {
    const idempotencyKey = input.idempotencyKey ?? randomUUID();
    const body = JSON.stringify({ amount: input.amountCents, currency: input.currency, source: input.token, reference: input.reference });
    return chargeFrom(
      await this.#call('POST', '/charges', { body, headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey } }),
    );
  }

  /**
   * Read a charge back.
   *
   * @throws PaymentsProviderError as {@link PaymentsProvider.createCharge} does (`rejected` with status 404 for an unknown id)
   */
  async getCharge(id: string): Promise<Charge> {
    return chargeFrom(await this.#call('GET', `/charges/${encodeURIComponent(id)}`, {}, 'GET /charges/:id'));
  }

  async #call(
    method: string,
    path: string,
    request: { body?: string; headers?: Record<string, string> },
    operation = `${method} ${path}`,
  ): Promise<unknown> {
    const url = `${this.#baseURL}${path}`;
    let lastFailure: PaymentsProviderError | undefined;
    for (let attempt = 0; attempt <= this.#retries; attempt += 1) {
      let response: Response;
      try {
        response = await this.#fetch(url, {
          method,
          headers: { accept: 'application/json', authorization: `Bearer ${this.#apiKey}`, ...request.headers },
          ...(request.body === undefined ? {} : { body: request.body }),
          signal: AbortSignal.timeout(this.#timeoutMs),
        });
      } catch (error) {
        lastFailure = new PaymentsProviderError('unavailable', `The payments provider could not be reached (${method} ${path}).`, {
          cause: error,
        });
        if (attemptFailed.hasSubscribers) {
          attemptFailed.publish({ operation, attempt: attempt + 1, reason: 'unreachable', willRetry: attempt < this.#retries });
        }
        continue;
      }
      const payload: unknown = await response.json().catch(() => undefined);
      if (response.ok) return payload;
      const providerError = (payload as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      const providerCode = typeof providerError?.code === 'string' ? providerError.code : undefined;
      const failure = response.status >= 500 ? 'unavailable' : 'rejected';
      lastFailure = new PaymentsProviderError(
        failure,
        `The payments provider answered ${response.status} to ${method} ${path}${providerCode === undefined ? '' : ` (${providerCode})`}.`,
        { status: response.status, providerCode },
      );
      if (failure === 'rejected') throw lastFailure;
      if (attemptFailed.hasSubscribers) {
        attemptFailed.publish({
          operation,
          attempt: attempt + 1,
          reason: 'unavailable',
          status: response.status,
          willRetry: attempt < this.#retries,
        });
      }
    }
    throw lastFailure!;
  }
}
