// One JSON POST with node:http, read to the end: the node:http client of the cassette replay benches.
import { request as httpRequest } from 'node:http';

/** POSTs `body` as JSON to `url` with node:http and resolves to the response text. */
export function postWithHttp(url, body) {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (incoming) => {
      let text = '';
      incoming.setEncoding('utf8');
      incoming.on('data', (chunk) => (text += chunk));
      incoming.on('end', () => resolve(text));
      incoming.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
