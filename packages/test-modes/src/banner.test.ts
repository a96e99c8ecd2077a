import { describe, expect, it } from '@jest/globals';
import { formatBanner } from './banner.js';

const golden = { mode: 'golden', record: 'none', source: { mode: 'TEST_MODE', record: 'default' } } as const;

describe('formatBanner', () => {
  it('should name the mode, the policy, their sources and what the guard allows', () => {
    expect(formatBanner(golden, { allowHosts: ['api.internal', /\.svc$/] }, '/app/test-modes.config.json')).toBe(
      '[test-modes] mode=golden (from TEST_MODE) record=none (from default); network guard on: loopback, api.internal, /\\.svc$/ allowed; config /app/test-modes.config.json',
    );
  });

  it('should say when loopback is not allowed either', () => {
    expect(formatBanner(golden, { allowLoopback: false })).toContain('network guard on: nothing allowed');
  });

  it('should say the guard is off in live_smoke', () => {
    expect(formatBanner({ ...golden, mode: 'live_smoke' })).toContain('network guard off: real calls allowed; only live tests run');
  });
});
