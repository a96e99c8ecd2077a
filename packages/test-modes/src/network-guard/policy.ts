/** What the guard lets through, and the ledger of what it blocked. */
import { NetworkBlockedError } from '../errors.js';
import { isAllowedHost, isLoopbackHost, type AllowedHost } from '../host-policy.js';
import { httpBlockedMessage, socketBlockedMessage } from './messages.js';
import { requestTarget, socketTargetName } from './targets.js';
import type { BlockedAttempt, GuardConfig } from './types.js';

/** The guard's configuration, its verdicts, and the attempts it blocked. */
export interface GuardPolicy {
  readonly config: GuardConfig;
  configure(config: GuardConfig): void;
  /** Whether a connection to `host` (and `port`) may go through now. */
  allows(host: string | null | undefined, port: number | string | null | undefined): boolean;
  /** Allow `host` until the returned function is called. */
  allowHost(host: AllowedHost): () => void;
  /**
   * The error for an HTTP request to a host the guard blocks (recorded as a blocked attempt), or
   * undefined when it may go through. `via` names the proxy a request was sent through.
   */
  judgeRequest(method: string, url: string, via?: string): NetworkBlockedError | undefined;
  /** The error for a raw connection to a host the guard blocks (recorded as a blocked attempt), or undefined. */
  judgeSocket(
    protocol: 'TCP' | 'TLS',
    host: string | null | undefined,
    port: number | string | null | undefined,
  ): NetworkBlockedError | undefined;
  /** The attempts blocked since the last call, oldest first; clears them. */
  takeViolations(): BlockedAttempt[];
}

/** A policy in `mock` mode with nothing allowed but loopback, until configured. */
export function createGuardPolicy(): GuardPolicy {
  let config: GuardConfig = { mode: 'mock', allowHosts: [] };
  const temporaryAllowances: AllowedHost[] = [];
  let violations: BlockedAttempt[] = [];

  const allows = (host: string | null | undefined, port: number | string | null | undefined): boolean =>
    config.mode === 'live_smoke' ||
    (config.allowLoopback !== false && isLoopbackHost(host)) ||
    isAllowedHost(host ?? '', port ?? undefined, config.allowHosts) ||
    isAllowedHost(host ?? '', port ?? undefined, temporaryAllowances);

  const block = (method: string, target: string, message: string): NetworkBlockedError => {
    const error = new NetworkBlockedError(method, target, message);
    violations.push({ method, target, mode: config.mode, error });
    return error;
  };

  return {
    get config() {
      return config;
    },
    configure(next) {
      config = { ...next, allowHosts: [...next.allowHosts] };
    },
    allows,
    allowHost(host) {
      temporaryAllowances.push(host);
      return () => {
        const index = temporaryAllowances.indexOf(host);
        if (index !== -1) temporaryAllowances.splice(index, 1);
      };
    },
    judgeRequest(method, url, via) {
      const { host, port, shown } = requestTarget(method, url);
      if (allows(host, port)) return undefined;
      return block(method, shown, httpBlockedMessage(method, shown, host, config, via));
    },
    judgeSocket(protocol, host, port) {
      if (allows(host, port)) return undefined;
      const target = socketTargetName(host, port);
      return block(protocol, target, socketBlockedMessage(protocol, target, host ?? '', config));
    },
    takeViolations() {
      const taken = violations;
      violations = [];
      return taken;
    },
  };
}
