import http from 'node:http';
import type { Socket } from 'node:net';

/** A node:http server on 127.0.0.1 that answers `local` and counts what reached it. */
export interface LocalServer {
  port: number;
  /** `METHOD /path` of every request it answered. */
  seen: string[];
  connections: Socket[];
  close(): Promise<void>;
}

/**
 * Start a server on 127.0.0.1 that answers every request with `local`: a target that proves
 * whether a request got through (nothing else on the machine answers it).
 *
 * @example
 * const server = await startLocalServer(); await fetch(`http://127.0.0.1:${server.port}/`); await server.close();
 */
export async function startLocalServer(): Promise<LocalServer> {
  const seen: string[] = [];
  const connections: Socket[] = [];
  const server = http.createServer((request, response) => {
    seen.push(`${request.method} ${request.url}`);
    response.end('local');
  });
  server.on('connection', (socket) => connections.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : 0,
    seen,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
