import type { RequestController } from '@mswjs/interceptors';
import type { NetworkBlockedError } from '../errors.js';
import type { ConnectionLoss } from './connection-loss.js';

export type { ConnectionLoss } from './connection-loss.js';
import type { AllowedHost } from '../host-policy.js';
import type { Mode } from '../mode.js';

/** What the guard enforces. */
export interface GuardConfig {
  mode: Mode;
  /** Hosts reachable in `mock` and `golden` besides loopback. */
  allowHosts: readonly AllowedHost[];
  /** Let loopback connections through (default true). */
  allowLoopback?: boolean | undefined;
  /** Name of the config file, for messages; undefined when there is none. */
  configFile?: string | undefined;
}

/** A real outbound connection the guard refused. */
export interface BlockedAttempt {
  method: string;
  target: string;
  mode: Mode;
  error: NetworkBlockedError;
}

/** Arguments of a {@link RequestHandler}: the intercepted request and the controller to answer it. */
export interface InterceptedRequest {
  request: Request;
  requestId: string;
  controller: RequestController;
  /**
   * Send `request` (by default the intercepted one, whose body must still be unread: read a
   * `clone()`) to the real server, outside every interceptor, and resolve with the server's
   * response as soon as its head arrives. The body streams as the server sends it, exactly as sent:
   * still compressed when the server compressed it. The guard's host policy applies: a host the
   * guard blocks rejects with its `NetworkBlockedError` (and counts as a blocked attempt).
   *
   * Answer the client with `controller.respondWith()`, e.g. with a copy of the body that records it
   * while the client reads it. A body the server cut off fails with a connection loss (see
   * {@link NetworkGuardRuntime.connectionLost}): passed on as it is, the client sees what the server did. Aborting the request's signal, or cancelling the body, closes the
   * real connection.
   */
  forward(request?: Request): Promise<Response>;
}

/**
 * Answers intercepted HTTP requests before the guard judges them (the cassettes package replays
 * recordings this way). Call `controller.respondWith()` to answer; leave it pending to pass on.
 */
export type RequestHandler = (intercepted: InterceptedRequest) => void | Promise<void>;

/** Diagnostics and switch of the guard's node:http fast path (see {@link NetworkGuardRuntime.clientRequestFastPath}). */
export interface ClientRequestFastPath {
  /** Whether the fast path is taken (default true). */
  enabled: boolean;
  /** How many node:http requests a handler answered (or failed) on the fast path. */
  readonly answered: number;
  /** How many the fast path took but no handler answered: they went on down the socket path. */
  readonly handedOver: number;
}

/** The process-wide network guard. */
export interface NetworkGuardRuntime {
  /** Replace what the guard enforces; takes effect for the next connection. */
  configure(config: GuardConfig): void;
  /** The configuration in force. */
  readonly config: GuardConfig;
  /** Whether the guard lets a connection to `host` (and `port`) through now. */
  allows(host: string, port?: number | string): boolean;
  /** Allow `host` until the returned function is called (used for services resolved by URL). */
  allowHost(host: AllowedHost): () => void;
  /** Register a handler that may answer requests before the guard; returns its removal. */
  addRequestHandler(handler: RequestHandler): () => void;
  /**
   * Send a request to the real server outside every interceptor (see {@link InterceptedRequest.forward});
   * the guard's host policy applies.
   */
  forward(request: Request): Promise<Response>;
  /**
   * The error a handler's response body fails with to end the connection as a server that reset
   * (`'reset'`) or closed (`'closed'`) it mid-body would: each client then sees what it sees from a
   * real server (node:http `aborted`/`read ECONNRESET`, undici `SocketError: other side closed`,
   * global `fetch` `TypeError: terminated`). A body from {@link forward} fails with such an error
   * when its server cut it off; read its kind with {@link connectionLossOf}.
   */
  connectionLost(loss: ConnectionLoss): Error;
  /** The kind of connection loss `error` (made by {@link connectionLost}) stands for; undefined for any other error. */
  connectionLossOf(error: unknown): ConnectionLoss | undefined;
  /**
   * Route the global `fetch` of `scope` (a realm's `globalThis`; the setup entry passes the test
   * file's) through the guard: a request a request handler answers is answered at the fetch level,
   * without a socket; any other goes to the real `fetch` and meets the guard at the socket level.
   * Idempotent. While another interceptor (msw, nock) is active, every request takes the socket
   * path, so that interceptor sees it first.
   */
  guardFetch(scope: { fetch?: typeof fetch }): void;
  /**
   * The node:http fast path (node:http, axios, got): a request whose whole body is written with
   * `req.end()` in the turn it is created is offered to the request handlers before the
   * interceptors parse it; an answer goes straight into the client's socket (still the
   * interceptors' stand-in, so keep-alive, timeouts and aborts behave as on the socket path), and
   * a request no handler answers is handed to the socket path unchanged. `answered` and
   * `handedOver` count the requests it took; set `enabled` to false to send every node:http
   * request down the socket path (to compare the two).
   */
  readonly clientRequestFastPath: ClientRequestFastPath;
  /** The attempts blocked since the last call, oldest first; clears them. */
  takeViolations(): BlockedAttempt[];
  /** Print `text` to stderr once per test run, whichever worker gets there first. */
  announceOnce(text: string): void;
}
