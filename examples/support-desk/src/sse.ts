/** The media type of a server-sent event stream. */
export const EVENT_STREAM_CONTENT_TYPE = 'text/event-stream';

/**
 * One server-sent event in wire format: an optional `event:` line, one `data:` line per line of
 * `data` (JSON-encoded unless it is a string), and the blank line that ends the event.
 *
 * @param data - the payload; objects are sent as JSON
 * @param event - the event name; left out, clients see a `message` event
 * @example
 * formatServerSentEvent({ text: 'Hi' }, 'delta') // 'event: delta\ndata: {"text":"Hi"}\n\n'
 * formatServerSentEvent('[DONE]') // 'data: [DONE]\n\n'
 */
export function formatServerSentEvent(data: unknown, event?: string): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  const lines = payload.split(/\r\n|\r|\n/).map((line) => `data: ${line}`);
  return `${event === undefined ? '' : `event: ${event}\n`}${lines.join('\n')}\n\n`;
}
