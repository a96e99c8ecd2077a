import { lookup } from 'node:dns';
import { isIP } from 'node:net';
import net from 'node:net';
import { connectError } from './node-errors.js';

/** @internal A fault's hook into `net.Socket.prototype.connect`. */
export interface NetRule {
  /** An errno name to refuse this connect with, or undefined to let it through. */
  beforeConnect(socket: net.Socket): string | undefined;
  /** The connect went ahead (the socket now holds a descriptor until it closes). */
  connecting?(socket: net.Socket): void;
}

interface NetHookState {
  readonly version: 1;
  rules: NetRule[];
  original: ((...args: unknown[]) => unknown) | undefined;
}

const kNetHooks = Symbol.for('@proving-ground/chaos-injectors/net-hooks@1');
const prototype = net.Socket.prototype as unknown as Record<string | symbol, unknown>;

function netHookState(): NetHookState {
  let state = prototype[kNetHooks] as NetHookState | undefined;
  if (state === undefined) {
    state = { version: 1, rules: [], original: undefined };
    Object.defineProperty(prototype, kNetHooks, { value: state, configurable: true, enumerable: false });
  }
  return state;
}

/** Where a `connect(...)` call goes: `connect(options, cb)`, `connect(port, host, cb)`, `connect(path, cb)`, or net.connect's normalized array. */
function destination(args: unknown[]): { host: string; port: number | undefined; path: string | undefined; family: number } {
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (typeof first === 'object' && first !== null) {
    const options = first as { host?: string; port?: number | string; path?: string; family?: number };
    return {
      host: options.host ?? 'localhost',
      port: options.port === undefined ? undefined : Number(options.port),
      path: options.path,
      family: options.family ?? 0,
    };
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { host: 'localhost', port: undefined, path: first, family: 0 };
  return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: Number(first), path: undefined, family: 0 };
}

function refuse(socket: net.Socket, code: string, args: unknown[]): void {
  const target = destination(args);
  const fail = (address: string): void => {
    if (!socket.destroyed) socket.destroy(connectError(code, address, target.port));
  };
  if (target.path !== undefined) {
    process.nextTick(fail, target.path);
    return;
  }
  if (isIP(target.host) !== 0) {
    process.nextTick(fail, target.host);
    return;
  }
  // Node reports the address it resolved the host to.
  lookup(target.host, { family: target.family }, (error, address) => fail(error === null ? address : target.host));
}

function install(state: NetHookState): void {
  if (state.original !== undefined) return;
  const original = prototype['connect'] as (...args: unknown[]) => unknown;
  state.original = original;
  prototype['connect'] = function connect(this: net.Socket, ...args: unknown[]): unknown {
    for (const rule of [...state.rules]) {
      const code = rule.beforeConnect(this);
      if (code !== undefined) {
        refuse(this, code, args);
        return this;
      }
    }
    for (const rule of [...state.rules]) rule.connecting?.(this);
    return original.apply(this, args);
  };
}

/** @internal Add a rule (wrapping `net.Socket.prototype.connect` while any rule is there); returns its removal. */
export function addNetRule(rule: NetRule): () => void {
  const state = netHookState();
  install(state);
  state.rules.push(rule);
  return () => {
    const index = state.rules.indexOf(rule);
    if (index >= 0) state.rules.splice(index, 1);
    if (state.rules.length === 0 && state.original !== undefined) {
      prototype['connect'] = state.original;
      state.original = undefined;
    }
  };
}
