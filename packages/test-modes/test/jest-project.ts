import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJestProject as createProject, type JestProject } from '@proving-ground/test-kit';

export type { JestProject, JestRun, TestOutcome } from '@proving-ground/test-kit';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** A temporary Jest project under this package's .tmp/ (see @proving-ground/test-kit). */
export function createJestProject(files: Record<string, string>, options: { esm?: boolean } = {}): JestProject {
  return createProject({ packageDir, files, ...options });
}
/** A node:http server on 127.0.0.1 that answers `local` and counts the requests it saw. */
export const LOCAL_SERVER_HELPER = `
const http = require('node:http');
const net = require('node:net');
/** Resolves every host name to 127.0.0.1, so a request the guard failed to block stays on this machine. */
const lookup = (hostname, options, callback) => {
  if (typeof options === 'function') return options(null, '127.0.0.1', 4);
  return options && options.all ? callback(null, [{ address: '127.0.0.1', family: 4 }]) : callback(null, '127.0.0.1', 4);
};
async function startLocalServer() {
  const seen = [];
  const connections = [];
  const server = http.createServer((request, response) => { seen.push(request.method + ' ' + request.url); response.end('local'); });
  server.on('connection', (socket) => connections.push(socket));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { seen, connections, port: server.address().port, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }) };
}
module.exports = { startLocalServer, lookup, http, net };
`;
