import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LookupFunction } from 'node:net';
import { commonJsModule, createJestProject as createProject, type JestProject } from '@proving-ground/test-kit';

export { testModule, commonJsModule, jestConfigModule, type JestProject, type JestRun, type TestOutcome } from '@proving-ground/test-kit';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * A temporary Jest project under this package's .tmp/ (`@proving-ground/test-kit`'s, bound to this package's folder).
 *
 * @example
 * const project = createJestProject({ 'a.test.js': testModule(main) }); const run = await project.run()
 */
export function createJestProject(files: Record<string, string>, options: { esm?: boolean } = {}): JestProject {
  return createProject({ packageDir, files, ...options });
}

// --- local-server.cjs: written into the temporary projects with commonJsModule ---

/** A node:http server on 127.0.0.1 that answers `local` and records what reached it. */
export interface LocalServer {
  port: number;
  /** `METHOD /path` of every request it answered. */
  seen: string[];
  connections: unknown[];
  close(): Promise<void>;
}

/** What `require('./local-server.cjs')` gives the temporary project's tests. */
export interface LocalServerModule {
  startLocalServer: () => Promise<LocalServer>;
  lookup: LookupFunction;
}

/** Resolves every host name to 127.0.0.1, so a request the guard failed to block stays on this machine. */
function lookup(_hostname: string, options: unknown, callback?: (...args: unknown[]) => void): void {
  if (typeof options === 'function') {
    (options as (...args: unknown[]) => void)(null, '127.0.0.1', 4);
    return;
  }
  if (typeof options === 'object' && options !== null && (options as { all?: boolean }).all === true) {
    callback?.(null, [{ address: '127.0.0.1', family: 4 }]);
    return;
  }
  callback?.(null, '127.0.0.1', 4);
}

/** Start a server on 127.0.0.1 that answers every request with `local`: nothing else answers it. */
async function startLocalServer(): Promise<LocalServer> {
  const http = process.getBuiltinModule('node:http');
  const seen: string[] = [];
  const connections: unknown[] = [];
  const server = http.createServer((request, response) => {
    seen.push(`${request.method} ${request.url}`);
    response.end('local');
  });
  server.on('connection', (socket) => connections.push(socket));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    seen,
    connections,
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** The text of `local-server.cjs` for a temporary project: `{ startLocalServer, lookup }` ({@link LocalServerModule}). */
export const LOCAL_SERVER_MODULE = commonJsModule({ startLocalServer, lookup });
