import { describe, expect, it } from '@jest/globals';
import { formatServerSentEvent } from './sse.ts';

describe('formatServerSentEvent', () => {
  it('should send objects as JSON under the event name', () => {
    expect(formatServerSentEvent({ text: 'Hi' }, 'delta')).toBe('event: delta\ndata: {"text":"Hi"}\n\n');
  });

  it('should split text with line breaks over several data lines, so no line break ends the event early', () => {
    expect(formatServerSentEvent('one\ntwo\r\n\r\nthree')).toBe('data: one\ndata: two\ndata: \ndata: three\n\n');
  });
});
