/** One server-sent event: its name (`message` when unnamed) and its data lines joined. */
export interface ServerSentEvent {
  event: string;
  data: string;
}

function parseBlock(block: string): ServerSentEvent | undefined {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split(/\r\n|\r|\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    if (field === 'data') data.push(value);
  }
  return data.length === 0 ? undefined : { event, data: data.join('\n') };
}

/**
 * The events of a complete event stream.
 *
 * @example
 * parseServerSentEvents('event: delta\ndata: {"text":"Hi"}\n\n') // [{ event: 'delta', data: '{"text":"Hi"}' }]
 */
export function parseServerSentEvents(text: string): ServerSentEvent[] {
  return text
    .split(/\r?\n\r?\n/)
    .map(parseBlock)
    .filter((event): event is ServerSentEvent => event !== undefined);
}

/**
 * The events of a streaming response body, each yielded as soon as its closing blank line arrives.
 *
 * @example
 * for await (const event of readServerSentEvents(response.body!)) console.log(event.event)
 */
export async function* readServerSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const bytes of body) {
    buffered += decoder.decode(bytes, { stream: true });
    let end = buffered.search(/\r?\n\r?\n/);
    while (end !== -1) {
      const event = parseBlock(buffered.slice(0, end));
      buffered = buffered.slice(buffered.slice(end).match(/^\r?\n\r?\n/)![0].length + end);
      if (event !== undefined) yield event;
      end = buffered.search(/\r?\n\r?\n/);
    }
  }
  const last = parseBlock(buffered + decoder.decode());
  if (last !== undefined) yield last;
}
