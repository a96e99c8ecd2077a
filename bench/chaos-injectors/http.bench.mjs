// Cost of HTTP faults that match no request, side by side with the network guard alone, per
// request, in one process (as in a Jest test). "The guard alone" answers each request with a guard
// request handler (as a cassette replays); "with faults" adds httpFaults() with ten faults whose
// targets match none of the requests, ahead of that handler, as a test file that creates its faults
// at the top has them. Rounds interleave the two so machine noise hits both. Run with
// `npm run bench:chaos-injectors -w bench` after building test-modes and chaos-injectors.
//
// 1. global fetch: median time per request
// 2. node:http: median time per request
import { request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { httpFaults } from '@proving-ground/chaos-injectors';
import { networkGuard } from '@proving-ground/test-modes';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1500);
const URL_ = 'http://api.example.com/v1/orders/7';

const guard = networkGuard();
const answer = ({ request, controller }) => {
  if (request.url === URL_) controller.respondWith(new Response('{"id":7}', { headers: { 'content-type': 'application/json' } }));
};

const clients = {
  fetch: async () => {
    const response = await fetch(URL_);
    await response.text();
  },
  'node:http': () =>
    new Promise((resolve, reject) => {
      httpRequest(URL_, (response) => {
        response.resume();
        response.on('end', resolve);
      })
        .on('error', reject)
        .end();
    }),
};

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median µs per request over `REQUESTS` requests, the first tenth dropped as warm-up. */
async function perRequest(client) {
  const times = [];
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    await clients[client]();
    times.push((performance.now() - started) * 1000);
  }
  return median(times.slice(Math.floor(REQUESTS / 10)));
}

async function guardAlone(client) {
  const remove = guard.addRequestHandler(answer);
  try {
    return await perRequest(client);
  } finally {
    remove();
  }
}

async function withFaults(client) {
  const faults = httpFaults({ seed: 1 });
  for (let i = 0; i < 5; i++) faults.on({ host: `down-${i}.example.com` }).reset();
  for (let i = 0; i < 5; i++)
    faults
      .on({ host: 'api.example.com', method: 'POST', path: `/v${i + 2}/*` })
      .status(503)
      .probability(0.5);
  const remove = guard.addRequestHandler(answer);
  try {
    return await perRequest(client);
  } finally {
    remove();
    await faults.close();
  }
}

const results = {};
for (const client of Object.keys(clients)) {
  const alone = [];
  const faulted = [];
  for (let round = 0; round < ROUNDS; round++) {
    alone.push(await guardAlone(client));
    faulted.push(await withFaults(client));
  }
  results[client] = { alone: median(alone), faulted: median(faulted), ratio: median(faulted) / median(alone) };
}

console.log(`HTTP faults matching no request vs the guard alone (${ROUNDS} rounds x ${REQUESTS} requests, Node ${process.versions.node})`);
for (const [client, { alone, faulted, ratio }] of Object.entries(results)) {
  console.log(
    `${client.padEnd(10)} guard alone ${alone.toFixed(1)} µs   with 10 faults ${faulted.toFixed(1)} µs   ratio ${ratio.toFixed(3)}x   target <= 1.1x: ${ratio <= 1.1 ? 'met' : 'NOT met'}`,
  );
}
process.exit(0);
