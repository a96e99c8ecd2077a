import { ChunkEncoder, bodyBytes, encodeContent, isKnownEncoding } from './bodies.js';
import type { RecordedResponse, StreamChunk } from './format.js';

/** How fast recorded streams replay: at once (default), at the recorded pace, or that pace times a factor. */
export type ReplaySpeed = 'instant' | 'realtime' | number;

/** A replayed stream the test left open; closed with an error when its cassette finishes. */
export interface OpenReplay {
  close(reason: Error): void;
}

function chunkBytes(chunk: StreamChunk): Uint8Array {
  return chunk.text === undefined ? Buffer.from(chunk.base64 ?? '', 'base64') : Buffer.from(chunk.text, 'utf8');
}

function delayFor(previousAt: number, at: number, speed: ReplaySpeed): number {
  if (speed === 'instant') return 0;
  const factor = speed === 'realtime' ? 1 : speed;
  return factor <= 0 ? 0 : Math.max(0, (at - previousAt) / factor);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A `Response` replaying a recorded one: stored bodies re-encoded with their recorded content
 * encoding; streams chunk by chunk at `speed`, ending as they ended (complete; with the recorded
 * connection loss, failing with the error `lost` makes for it; or left open like a server still
 * streaming when the client aborted).
 *
 * @param onOpen - called with a handle on a replayed stream that was aborted when recorded
 * @param lost - the error that ends the client's connection as the server's reset or close did
 *   (the guard's `connectionLost`)
 * @example
 * controller.respondWith(replayResponse(interaction.response, 'instant', undefined, networkGuard().connectionLost))
 */
export function replayResponse(
  recorded: RecordedResponse,
  speed: ReplaySpeed = 'instant',
  onOpen?: (open: OpenReplay) => () => void,
  lost: (loss: 'reset' | 'closed') => Error = (loss) => new Error(`The server ${loss === 'reset' ? 'reset' : 'closed'} the connection`),
): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(recorded.headers)) {
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const init = { status: recorded.status, statusText: recorded.statusText ?? '', headers };
  if (recorded.stream !== undefined) {
    const { chunks, end } = recorded.stream;
    if (recorded.contentEncoding !== undefined) headers.set('content-encoding', recorded.contentEncoding);
    headers.set('transfer-encoding', 'chunked');
    // Stored decoded: compress again chunk by chunk, so the client decodes each one as it arrives.
    const encoder = isKnownEncoding(recorded.contentEncoding) ? new ChunkEncoder(recorded.contentEncoding!) : undefined;
    let index = 0;
    let previousAt = 0;
    let release: (() => void) | undefined;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const chunk = chunks[index];
        if (chunk !== undefined) {
          const wait = delayFor(previousAt, chunk.atMs, speed);
          // Even "instant" yields to the event loop between chunks, so the client reads them one by one.
          if (wait > 0) await sleep(wait);
          else if (index > 0) await new Promise((resolve) => setImmediate(resolve));
          previousAt = chunk.atMs;
          index += 1;
          controller.enqueue(encoder === undefined ? chunkBytes(chunk) : await encoder.encode(chunkBytes(chunk)));
          return;
        }
        if (end.kind === 'complete') {
          if (encoder !== undefined) controller.enqueue(await encoder.finish());
          controller.close();
        } else if (end.kind === 'reset') controller.error(lost('reset'));
        // Cassettes recorded before the kind was kept stored the client's error text: a close.
        else if (end.kind === 'closed' || end.kind === 'error') controller.error(lost('closed'));
        else if (release === undefined) {
          // Recorded while the client aborted: stay open, as the server was, until the client leaves.
          release = onOpen?.({ close: (reason) => controller.error(reason) });
        }
      },
      cancel() {
        release?.();
      },
    });
    return new Response(body, init);
  }
  const isNullBody = [101, 103, 204, 205, 304].includes(recorded.status);
  if (isNullBody) return new Response(null, init);
  let bytes: Uint8Array = bodyBytes(recorded.body);
  if (recorded.contentEncoding !== undefined) {
    if (isKnownEncoding(recorded.contentEncoding) && recorded.body !== undefined) {
      bytes = encodeContent(bytes, recorded.contentEncoding);
    }
    headers.set('content-encoding', recorded.contentEncoding);
  }
  headers.set('content-length', String(bytes.byteLength));
  return new Response(bytes, init);
}
