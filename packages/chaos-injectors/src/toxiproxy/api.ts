import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { describeChoice, firstLine } from '@proving-ground/kit';
import { ChaosError, isChaosError, type ChaosErrorCode } from '../errors.js';
import { createProxy, type TcpProxy } from '../tcp/proxy.js';
import type { ToxicDescription, ToxicOptions } from '../tcp/toxics.js';

/** The Toxiproxy server version whose API this one answers like. */
export const TOXIPROXY_API_VERSION = '2.12.0';

/** Options of {@link serveToxiproxyApi}. */
export interface ToxiproxyApiOptions {
  /** Defaults to 8474, Toxiproxy's port; 0 picks a free one. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** The seed of every proxy's toxicity rolls (each proxy forks it by name). */
  seed?: number | string;
  /** A `toxiproxy.json` file to load first (a list of proxies, each optionally with `toxics`). */
  config?: string;
}

/** A running Toxiproxy-compatible API: close it (or let `await using` close it) to stop every proxy. */
export interface ToxiproxyApi extends AsyncDisposable {
  readonly port: number;
  /** `http://127.0.0.1:<port>`, what Toxiproxy clients take. */
  readonly url: string;
  /** The proxy called `name`, to drive from the test directly. */
  proxy(name: string): TcpProxy;
  /** Create (or replace, when they differ) proxies from a parsed `toxiproxy.json`. */
  populate(config: unknown): Promise<TcpProxy[]>;
  /** Enable every proxy and remove every toxic, as `POST /reset` does. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

const STATUS: Partial<Record<ChaosErrorCode, [number, string]>> = {
  CHAOS_PROXY_EXISTS: [409, 'proxy already exists'],
  CHAOS_PROXY_NOT_FOUND: [404, 'proxy not found'],
  CHAOS_TOXIC_EXISTS: [409, 'toxic already exists'],
  CHAOS_TOXIC_NOT_FOUND: [404, 'toxic not found'],
  CHAOS_UNKNOWN_TOXIC: [400, 'invalid toxic type'],
  CHAOS_INVALID_TOXIC: [400, 'bad request body'],
  CHAOS_INVALID_PROXY_OPTIONS: [400, 'bad request body'],
  CHAOS_INVALID_TOXIPROXY_CONFIG: [400, 'bad request body'],
};

/** An error answered with Toxiproxy's status and text (`error`), plus our message (`detail`). */
class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly text: string,
    readonly detail?: string,
  ) {
    super(text);
  }
}

interface ProxyInput {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: ToxicOptions[];
}

function proxyInput(value: unknown, where: string): ProxyInput {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ApiFailure(400, `bad request body: ${where} is not an object`);
  const input = value as Record<string, unknown>;
  if (typeof input.name !== 'string' || input.name === '')
    throw new ApiFailure(400, `missing required field: name${where === 'the body' ? '' : ` at ${where}`}`);
  if (typeof input.upstream !== 'string' || input.upstream === '') {
    throw new ApiFailure(400, `missing required field: upstream${where === 'the body' ? '' : ` at ${where}`}`);
  }
  const toxics = input.toxics ?? [];
  if (!Array.isArray(toxics)) throw new ApiFailure(400, `bad request body: toxics of ${input.name} is not a list`);
  return {
    name: input.name,
    listen: typeof input.listen === 'string' && input.listen !== '' ? input.listen : '127.0.0.1:0',
    upstream: input.upstream,
    enabled: input.enabled !== false,
    toxics: toxics as ToxicOptions[],
  };
}

function describeProxy(proxy: TcpProxy): Record<string, unknown> {
  return {
    name: proxy.name,
    listen: proxy.listen,
    upstream: proxy.upstream,
    enabled: proxy.state !== 'down',
    toxics: proxy.toxics().map(toxicJson),
  };
}

function toxicJson(toxic: ToxicDescription): Record<string, unknown> {
  return { attributes: toxic.attributes, name: toxic.name, type: toxic.type, stream: toxic.stream, toxicity: toxic.toxicity };
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ApiFailure(400, `bad request body: ${firstLine(error)}`);
  }
}

/**
 * Serve Toxiproxy's HTTP API from this process, so Toxiproxy clients (`toxiproxy-node-client`, the
 * Go and Ruby clients) drive pure-Node proxies without Docker: `/version`, `/proxies`, `/populate`,
 * `/reset`, `/proxies/{name}` and `/proxies/{name}/toxics[/{toxic}]`, with the real server's status
 * codes and error bodies (`{"error": "proxy already exists", "status": 409}`), plus a `detail`
 * field with the full message (an unknown toxic type or attribute lists the valid ones).
 *
 * @throws ChaosError `CHAOS_PORT_IN_USE`, `CHAOS_INVALID_TOXIPROXY_CONFIG`
 * @example
 * await using api = await serveToxiproxyApi({ port: 0 })
 * const toxiproxy = new Toxiproxy(api.url)
 */
export async function serveToxiproxyApi(options: ToxiproxyApiOptions = {}): Promise<ToxiproxyApi> {
  const proxies = new Map<string, TcpProxy>();
  const seed = options.seed;

  const find = (name: string): TcpProxy => {
    const proxy = proxies.get(name);
    if (proxy !== undefined) return proxy;
    throw new ChaosError('CHAOS_PROXY_NOT_FOUND', {
      action: `find the proxy ${describeChoice(name, [...proxies.keys()])}`,
      reason: proxies.size === 0 ? 'there are no proxies' : `the proxies are ${[...proxies.keys()].join(', ')}`,
      fix: 'Create it first (POST /proxies or /populate).',
    });
  };

  const add = async (input: ProxyInput): Promise<TcpProxy> => {
    if (proxies.has(input.name)) {
      throw new ChaosError('CHAOS_PROXY_EXISTS', {
        action: `create the proxy "${input.name}"`,
        reason: 'a proxy of that name exists already',
        fix: 'Update it (POST /proxies/{name}) or delete it first.',
      });
    }
    const proxy = await createProxy({
      name: input.name,
      listen: input.listen,
      upstream: input.upstream,
      toxics: input.toxics,
      ...(seed === undefined ? {} : { seed }),
    });
    proxies.set(input.name, proxy);
    if (!input.enabled) await proxy.down();
    return proxy;
  };

  const populate = async (config: unknown): Promise<TcpProxy[]> => {
    try {
      return await populateAll(config);
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      throw new ChaosError('CHAOS_INVALID_TOXIPROXY_CONFIG', {
        action: 'load the Toxiproxy proxies',
        reason: error.text,
        fix: 'Give each proxy a name and an upstream, as in [{ "name": "db", "listen": "127.0.0.1:0", "upstream": "127.0.0.1:5432" }].',
      });
    }
  };

  const populateAll = async (config: unknown): Promise<TcpProxy[]> => {
    if (!Array.isArray(config)) throw new ApiFailure(400, 'bad request body: expected a list of proxies');
    const inputs = config.map((entry, index) => proxyInput(entry, `proxy ${index + 1}`));
    const done: TcpProxy[] = [];
    for (const input of inputs) {
      const existing = proxies.get(input.name);
      if (existing !== undefined) {
        const same = existing.upstream === input.upstream && (input.listen.endsWith(':0') || existing.listen === input.listen);
        if (same && input.toxics.length === 0) {
          done.push(existing);
          continue;
        }
        proxies.delete(input.name);
        await existing.close();
      }
      done.push(await add(input));
    }
    return done;
  };

  const update = async (proxy: TcpProxy, body: unknown): Promise<void> => {
    const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (typeof input.upstream === 'string' && input.upstream !== proxy.upstream) proxy.setUpstream(input.upstream);
    if (typeof input.listen === 'string' && input.listen !== proxy.listen && !input.listen.endsWith(':0')) {
      const replacement = await createProxy({
        name: proxy.name,
        listen: input.listen,
        upstream: proxy.upstream,
        toxics: proxy.toxics(),
        ...(seed === undefined ? {} : { seed }),
      });
      await proxy.close();
      proxies.set(proxy.name, replacement);
      proxy = replacement;
    }
    if (input.enabled === false && proxy.state !== 'down') await proxy.down();
    if (input.enabled === true && proxy.state !== 'up') await proxy.up();
  };

  const route = async (request: IncomingMessage): Promise<[number, unknown]> => {
    const path = new URL(request.url ?? '/', 'http://toxiproxy').pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const method = request.method === 'PATCH' ? 'POST' : (request.method ?? 'GET');
    const [root, name, sub, toxic] = path;
    const key = `${method} ${root ?? ''}${name === undefined ? '' : '/:proxy'}${sub === undefined ? '' : `/${sub}`}${toxic === undefined ? '' : '/:toxic'}`;
    switch (key) {
      case 'GET version':
        return [200, `{"version": "${TOXIPROXY_API_VERSION}"}\n`];
      case 'POST reset':
        await api.reset();
        return [204, undefined];
      case 'GET proxies':
        return [200, Object.fromEntries([...proxies].map(([proxyName, proxy]) => [proxyName, describeProxy(proxy)]))];
      case 'POST proxies':
        return [201, describeProxy(await add(proxyInput(await readBody(request), 'the body')))];
      case 'POST populate':
        return [201, { proxies: (await populateAll(await readBody(request))).map(describeProxy) }];
      case 'GET proxies/:proxy':
        return [200, describeProxy(find(name!))];
      case 'POST proxies/:proxy': {
        const proxy = find(name!);
        await update(proxy, await readBody(request));
        return [200, describeProxy(find(name!))];
      }
      case 'DELETE proxies/:proxy': {
        const proxy = find(name!);
        proxies.delete(name!);
        await proxy.close();
        return [204, undefined];
      }
      case 'GET proxies/:proxy/toxics':
        return [200, find(name!).toxics().map(toxicJson)];
      case 'POST proxies/:proxy/toxics': {
        const proxy = find(name!);
        const body = (await readBody(request)) as ToxicOptions;
        return [200, toxicJson(proxy.addToxic(body).describe())];
      }
      case 'GET proxies/:proxy/toxics/:toxic':
        return [200, toxicJson(find(name!).toxic(toxic!))];
      case 'POST proxies/:proxy/toxics/:toxic': {
        const proxy = find(name!);
        const body = (await readBody(request)) as Record<string, unknown>;
        const changes = Object.fromEntries(Object.entries(body).filter(([field]) => !['name', 'type', 'stream'].includes(field)));
        return [200, toxicJson(proxy.updateToxic(toxic!, changes))];
      }
      case 'DELETE proxies/:proxy/toxics/:toxic':
        find(name!).removeToxic(toxic!);
        return [204, undefined];
      default:
        return [404, '404 page not found\n'];
    }
  };

  const answer = (response: ServerResponse, status: number, body: unknown): void => {
    if (body === undefined) return void response.writeHead(status).end();
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const type = typeof body === 'string' && status === 404 ? 'text/plain; charset=utf-8' : 'application/json';
    response.writeHead(status, { 'content-type': type }).end(text);
  };

  const fail = (response: ServerResponse, error: unknown): void => {
    let failure: ApiFailure;
    if (error instanceof ApiFailure) failure = error;
    else if (isChaosError(error)) {
      const [status, text] = STATUS[error.code] ?? [500, firstLine(error)];
      failure = new ApiFailure(status, text, error.message);
    } else failure = new ApiFailure(500, firstLine(error));
    const body: Record<string, unknown> = { error: failure.text, status: failure.status };
    if (failure.detail !== undefined) body.detail = failure.detail;
    // Like the Go server's http.Error: the JSON body goes out as text/plain, with a newline.
    response
      .writeHead(failure.status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' })
      .end(`${JSON.stringify(body)}\n`);
  };

  const server: Server = createServer((request, response) => {
    if (request.headers['user-agent']?.startsWith('Mozilla/') === true) return void response.writeHead(403).end('User agent not allowed\n');
    route(request).then(
      ([status, body]) => answer(response, status, body),
      (error: unknown) => fail(response, error),
    );
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new ChaosError(
          error.code === 'EADDRINUSE' ? 'CHAOS_PORT_IN_USE' : 'CHAOS_INVALID_PROXY_OPTIONS',
          {
            action: `serve the Toxiproxy API on ${host}:${options.port ?? 8474}`,
            reason:
              error.code === 'EADDRINUSE' ? 'the port is in use (a Toxiproxy server, or another copy of this API?)' : firstLine(error),
            fix: 'Stop the other server, or pass { port: 0 } and give clients api.url.',
          },
          { cause: error },
        ),
      ),
    );
    server.listen(options.port ?? 8474, host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;

  const api: ToxiproxyApi = {
    port,
    url: `http://${host}:${port}`,
    proxy: find,
    populate,
    async reset() {
      for (const proxy of proxies.values()) {
        proxy.resetToxics();
        if (proxy.state !== 'up') await proxy.up();
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...proxies.values()].map((proxy) => proxy.close()));
      proxies.clear();
    },
    [Symbol.asyncDispose]: () => api.close(),
  };
  if (options.config !== undefined) {
    try {
      await api.populate(await loadToxiproxyConfig(options.config));
    } catch (error) {
      await api.close();
      throw error;
    }
  }
  return api;
}

/**
 * Read a `toxiproxy.json` file as is: a list of `{ name, listen, upstream, enabled? }`, each
 * optionally with `toxics` (applied before the proxy accepts its first connection).
 *
 * @throws ChaosError `CHAOS_INVALID_TOXIPROXY_CONFIG`
 */
export async function loadToxiproxyConfig(path: string): Promise<unknown[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (error) {
    throw new ChaosError(
      'CHAOS_INVALID_TOXIPROXY_CONFIG',
      { action: `load the Toxiproxy config "${path}"`, reason: firstLine(error), fix: 'Point at a readable JSON file.' },
      { cause: error },
    );
  }
  if (!Array.isArray(parsed)) {
    throw new ChaosError('CHAOS_INVALID_TOXIPROXY_CONFIG', {
      action: `load the Toxiproxy config "${path}"`,
      reason: 'it is not a list of proxies',
      fix: 'Write [{ "name": "db", "listen": "127.0.0.1:0", "upstream": "127.0.0.1:5432" }] as Toxiproxy does.',
    });
  }
  return parsed as unknown[];
}
