// Profile one client's replays from a cassette in use: `node cassettes/replay-profile.mjs <fetch|http|axios|got> [count] [--compare]`,
// with `--cpu-prof` to see where a replay's time goes. Prints the mean per replay; `--compare` alternates
// batches on the guard's node:http fast path and on the interceptors' socket path.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withCassette } from '@proving-ground/cassettes';
import { networkGuard } from '@proving-ground/test-modes';
import { postWithHttp } from './http-post.mjs';

const client = process.argv[2] ?? 'http';
const count = Number(process.argv[3] ?? 3000);
const BODY = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'How do refunds work?' }] });
const ANSWER = JSON.stringify({ id: 'chatcmpl-bench', choices: [{ message: { content: 'Refunds take 5 business days.' } }] });
const work = mkdtempSync(join(tmpdir(), 'pg-cassettes-profile-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

const server = createServer((incoming, outgoing) => {
  incoming.resume();
  incoming.on('end', () => {
    outgoing.setHeader('content-type', 'application/json');
    outgoing.end(ANSWER);
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/v1/chat/completions`;

const check = (text) => {
  if (JSON.parse(text).id !== 'chatcmpl-bench') throw new Error(`unexpected answer ${text}`);
};
const callFetch = async () => {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
  check(await response.text());
};
const callHttp = async () => check(await postWithHttp(url, BODY));
let call = { fetch: callFetch, http: callHttp }[client];
if (client === 'axios') {
  const { default: axios } = await import('axios');
  call = async () => check((await axios.post(url, BODY, { headers: { 'content-type': 'application/json' }, responseType: 'text' })).data);
}
if (client === 'got') {
  const { default: got } = await import('got');
  call = async () => check(await got.post(url, { body: BODY, headers: { 'content-type': 'application/json' } }).text());
}
if (call === undefined) throw new Error(`unknown client ${client}`);

const cassette = join(work, 'chat.json');
await withCassette(cassette, call, { mode: 'record-all' });
server.closeAllConnections();
await new Promise((resolve) => server.close(resolve));
await new Promise((resolve) => setTimeout(resolve, 100));

// With `--compare`, alternate batches on the fast path and on the socket path (fast path off).
const compare = process.argv.includes('--compare');
const fastPath = networkGuard().clientRequestFastPath;
await withCassette(
  cassette,
  async () => {
    for (let index = 0; index < 300; index += 1) await call();
    const totals = { fast: 0, socket: 0 };
    const rounds = compare ? 10 : 1;
    for (let round = 0; round < rounds; round += 1) {
      for (const path of compare ? ['fast', 'socket'] : ['fast']) {
        fastPath.enabled = path === 'fast';
        const started = performance.now();
        for (let index = 0; index < count / rounds; index += 1) await call();
        totals[path] += performance.now() - started;
      }
    }
    fastPath.enabled = true;
    for (const path of compare ? ['fast', 'socket'] : ['fast']) {
      console.log(`${client} (${path} path): ${((totals[path] / count) * 1000).toFixed(1)} µs per replay`);
    }
  },
  { mode: 'replay', match: { repeats: true } },
);
