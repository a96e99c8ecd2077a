/** What a blocked connection says: what was blocked, why, and the ways to let it happen. */
import { isLoopbackHost } from '../host-policy.js';
import type { GuardConfig } from './types.js';

function howToAllow(config: GuardConfig, host: string): string {
  const where = config.configFile ?? 'test-modes.config.json';
  return `add "${host}" to allowHosts in ${where}`;
}

function notAllowed(host: string, config: GuardConfig): string {
  return config.allowLoopback === false && isLoopbackHost(host)
    ? `${host} is not an allowed host (allowLoopback is false)`
    : `${host} is not loopback or an allowed host`;
}

/**
 * The message of a blocked HTTP request (`Blocked GET https://api.example.com/v1 in golden mode: ...`).
 * `via` names a proxy the request went through.
 */
export function httpBlockedMessage(method: string, url: string, host: string, config: GuardConfig, via?: string): string {
  const fixes =
    config.mode === 'golden'
      ? `Record it with TEST_MODE=live_smoke TEST_RECORD=missing and replay it from a cassette, mock it with a request handler (msw), or ${howToAllow(config, host)}.`
      : `Answer it with a request handler (msw), run the test with TEST_MODE=live_smoke, or ${howToAllow(config, host)}.`;
  const through = via === undefined ? '' : ` through the proxy at ${via}`;
  return `Blocked ${method} ${url}${through} in ${config.mode} mode: real network access is not allowed in ${config.mode} mode, and ${notAllowed(host, config)}. ${fixes}`;
}

/** The message of a blocked raw connection (`Blocked TCP connection to db.example.com:5432 in mock mode: ...`). */
export function socketBlockedMessage(protocol: 'TCP' | 'TLS', target: string, host: string, config: GuardConfig): string {
  return `Blocked ${protocol} connection to ${target} in ${config.mode} mode: real network connections are not allowed in ${config.mode} mode, and ${notAllowed(host, config)}. Point the client at a local service (defineService), run the test with TEST_MODE=live_smoke, or ${howToAllow(config, host)}.`;
}
