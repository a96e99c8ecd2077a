import { describe, expect, it } from '@jest/globals';
import { isContractError } from '../errors.js';
import { findTelemetryPii, type TelemetryInput } from './telemetry-pii.js';

const where = (input: TelemetryInput, options?: Parameters<typeof findTelemetryPii>[1]): string[] =>
  findTelemetryPii(input, options).map((finding) => `${finding.where} ${finding.path} ${finding.category} ${finding.masked}`);

describe('findTelemetryPii', () => {
  it('should look in span names, attributes, status messages and events, never in the ids', () => {
    const span = {
      name: 'GET /users/jane.doe@corp.example',
      traceId: '4111111111111111a3ce929d0e0e4736',
      spanId: '4111111111111111',
      status: { code: 2, message: 'card 4111 1111 1111 1111 declined' },
      attributes: { 'enduser.phone': '+44 20 7946 0958' },
      events: [
        { name: 'retry', attributes: { 'retry.reason': 'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ expired' } },
      ],
    };

    expect(where([span])).toEqual([
      'span "GET /users/j***@c***.example" $.name email j***@c***.example',
      'span "GET /users/j***@c***.example" $.attributes[\'enduser.phone\'] phone +********58',
      'span "GET /users/j***@c***.example" $.statusMessage card **** 1111',
      'span "GET /users/j***@c***.example" $.events[0].attributes[\'retry.reason\'] jwt eyJhbG***.***.***',
    ]);
  });

  it('should read text log lines one by one and honour the allow-list within an item', () => {
    expect(where('started\nlogin from 203.0.113.9\nuser support@example.com\n', { allow: { values: ['support@example.com'] } })).toEqual([
      'log line 2 $ ipv4 203.*.*.*',
    ]);
    expect(where([{ msg: 'signup', user: { email: 'jane.doe@corp.example' } }], { allow: { paths: ['$.user.email'] } })).toEqual([]);
  });

  it('should refuse what is not telemetry with CONTRACT_UNSUPPORTED_TELEMETRY', () => {
    let caught: unknown;
    try {
      findTelemetryPii(42 as unknown as TelemetryInput);
    } catch (error) {
      caught = error;
    }

    expect(isContractError(caught) && caught.code).toBe('CONTRACT_UNSUPPORTED_TELEMETRY');
  });
});
