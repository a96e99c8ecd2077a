import { describe, expect, it } from '@jest/globals';
import { findPii } from '@proving-ground/contract-helpers';
import { REDACTED, redactingStream, redactLogLine, redactText } from './log-redaction.ts';

describe('log redaction', () => {
  it('should redact e-mails, phones, cards, bearer tokens, provider keys and secret query parameters', () => {
    const text =
      'ann.smith@acme.example called +351 912 345 678 with card 4242 4242 4242 4242, Bearer abc.def.ghi, key sk_live_abc123, sdk_0123abcd_secret, GET /exports/1?token=eyJhbGciOi&x=1';

    const redacted = redactText(text);

    expect(redacted).toBe(
      `${REDACTED} called ${REDACTED} with card ${REDACTED}, Bearer ${REDACTED}, key ${REDACTED}, ${REDACTED}, GET /exports/1?token=${REDACTED}&x=1`,
    );
    expect(findPii(redacted)).toEqual([]);
  });

  it('should keep ids, timestamps and amounts that only look like numbers', () => {
    const text = 'order 0b6f1d2c-7e1a-4c3b-9f0e-2a1b3c4d5e6f at 1733450000000, total 1234567890123 cents';

    expect(redactText(text)).toBe(text);
  });

  it('should redact a JSON line field by field, whole values under sensitive keys, and keep it JSON', () => {
    const line = `${JSON.stringify({ level: 30, msg: 'lead from carla@prospect.example', lead: { email: 'x', phone: '912345678' }, id: 7 })}\n`;

    const redacted = redactLogLine(line);

    expect(redacted.endsWith('\n')).toBe(true);
    expect(JSON.parse(redacted)).toEqual({ level: 30, msg: `lead from ${REDACTED}`, lead: { email: REDACTED, phone: REDACTED }, id: 7 });
  });

  it('should redact every line written through the stream', () => {
    const written: string[] = [];
    const stream = redactingStream({ write: (chunk: string) => written.push(chunk) });

    stream.write('{"msg":"a@b.example"}\nplain c@d.example\n');

    expect(written.join('')).toBe(`{"msg":"${REDACTED}"}\nplain ${REDACTED}\n`);
  });
});
