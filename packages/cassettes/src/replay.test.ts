import { describe, expect, it } from '@jest/globals';
import type { StreamEnd } from './format.js';
import { replayResponse } from './replay.js';

/** The chunks a replayed stream gives, and the error it ends with. */
async function readAll(end: StreamEnd): Promise<{ chunks: string[]; error: unknown }> {
  const lost = (loss: 'reset' | 'closed'): Error => Object.assign(new Error(`lost: ${loss}`), { loss });
  const response = replayResponse(
    { status: 200, headers: {}, stream: { kind: 'chunks', chunks: [{ atMs: 0, text: 'first' }], end } },
    'instant',
    undefined,
    lost,
  );
  const chunks: string[] = [];
  try {
    for await (const chunk of response.body!) chunks.push(Buffer.from(chunk).toString());
    return { chunks, error: undefined };
  } catch (error) {
    return { chunks, error };
  }
}

describe('replayResponse', () => {
  it('should end a stream recorded as reset or closed with the connection loss of that kind', async () => {
    expect(await readAll({ kind: 'reset' })).toEqual({ chunks: ['first'], error: expect.objectContaining({ loss: 'reset' }) });
    expect(await readAll({ kind: 'closed' })).toEqual({ chunks: ['first'], error: expect.objectContaining({ loss: 'closed' }) });
  });

  it('should replay a stream recorded with an error text (before the kind was stored) as closed', async () => {
    expect(await readAll({ kind: 'error', message: 'aborted' })).toEqual({
      chunks: ['first'],
      error: expect.objectContaining({ loss: 'closed' }),
    });
  });
});
